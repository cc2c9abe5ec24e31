{#- The D70 uses base.tpl as it is. For other D70 files, copy this file to var/templates/D70.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
