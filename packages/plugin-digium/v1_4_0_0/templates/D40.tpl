{#- The D40 uses base.tpl as it is. For other D40 files, copy this file to var/templates/D40.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
