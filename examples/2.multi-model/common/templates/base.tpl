# Tinkertel {{ XX_model }} configuration, written by provd
{%- if XX_firmware %}
firmware.url = {{ XX_server_url }}/tinkertel/firmware/{{ XX_firmware }}
{%- endif %}
{%- if ntp_enabled %}
time.ntp_server = {{ ntp_ip }}
{%- endif %}
{%- if admin_password %}
security.admin_password = {{ admin_password }}
{%- endif %}
{%- if vlan_enabled %}
network.vlan.id = {{ vlan_id }}
network.vlan.priority = {{ vlan_priority|d(0) }}
{%- endif %}
{%- for line in XX_lines %}
account{{ line.number }}.enable = 1
account{{ line.number }}.label = {{ line.display_name }}
account{{ line.number }}.user = {{ line.username }}
account{{ line.number }}.auth_user = {{ line.auth_username }}
account{{ line.number }}.password = {{ line.password }}
account{{ line.number }}.server = {{ line.server }}
{%- if line.voicemail %}
account{{ line.number }}.voicemail = {{ line.voicemail }}
{%- endif %}
{%- endfor %}
{%- for key in XX_keys %}
key{{ key.index }}.type = {{ key.type }}
key{{ key.index }}.value = {{ key.value }}
key{{ key.index }}.label = {{ key.label }}
key{{ key.index }}.account = {{ key.account }}
{%- endfor %}
{%- block model %}{% endblock %}

