{% extends "base.tpl" %}
{% block model %}
display.type = mono
{%- endblock %}
