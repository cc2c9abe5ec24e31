{#- The D50 uses base.tpl as it is. For other D50 files, copy this file to var/templates/D50.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
