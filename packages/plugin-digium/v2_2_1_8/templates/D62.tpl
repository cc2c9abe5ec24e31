{#- The D62 uses base.tpl as it is. For other D62 files, copy this file to var/templates/D62.tpl and fill the suffix block there. -#}
{% extends 'base.tpl' %}
