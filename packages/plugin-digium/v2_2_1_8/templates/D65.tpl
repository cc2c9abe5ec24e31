{#- The D65 uses base.tpl as it is. For other D65 files, copy this file to var/templates/D65.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
