{#- The D45 uses base.tpl as it is. For other D45 files, copy this file to var/templates/D45.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
