{#- The D60 uses base.tpl as it is. For other D60 files, copy this file to var/templates/D60.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
