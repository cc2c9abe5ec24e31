{% extends "T40.tpl" %}
{% block model %}
{{- super() }}
expansion.modules = {{ XX_expansion_modules }}
{%- endblock %}
