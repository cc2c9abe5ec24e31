{% extends "base.tpl" %}
{% block model %}
display.type = color
display.wallpaper = {{ X_tinkertel_wallpaper|d("default") }}
{%- endblock %}
