# Acme A10 configuration, written by provd
{%- for number, line in sip_lines.items() %}
line{{ number }}.display_name = {{ line.display_name or line.username }}
line{{ number }}.username = {{ line.username }}
line{{ number }}.password = {{ line.password }}
line{{ number }}.proxy = {{ line.proxy_ip }}:{{ line.proxy_port or 5060 }}
{%- endfor %}
{%- if ntp_enabled %}
ntp.server = {{ ntp_ip }}
{%- endif %}
