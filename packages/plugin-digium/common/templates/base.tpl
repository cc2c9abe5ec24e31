<?xml version="1.0" encoding="UTF-8"?>
{#-
  <mac>.cfg, the configuration a Digium phone fetches from <server>/Digium/<mac>.cfg at boot and on check-sync.
  Every value is XML-escaped by the template engine. Variables: the device's raw config plus what BaseDigiumPlugin
  adds: XX_server_url, XX_mac, XX_sip_lines (sorted [number, line] pairs), XX_funckeys (sorted [position, key] pairs)
  and XX_main_proxy_ip.
  To change this file for one device, one model or every device, drop `<mac>.cfg.tpl`, `<model>.tpl` or `base.tpl`
  into the plugin's var/templates/; `{% extends 'base.tpl' %}` plus `{% block suffix %}...{% endblock %}` adds
  elements at the end of <config>.
#}
<config>
  <setting id="login_password" value="{{ admin_password or '789' }}"/>
{%- if timezone %}
  <setting id="time_zone" value="{{ timezone }}"/>
{%- endif %}
{%- if ntp_enabled %}
  <setting id="time_source" value="ntp"/>
  <setting id="ntp_server" value="{{ ntp_ip }}"/>
  <setting id="ntp_resync" value="86400"/>
{%- endif %}
  {#- Accept calls from any host, not only from the server the phone registers to. #}
  <setting id="accept_local_calls" value="any"/>
  <setting id="backlight_timeout" value="30"/>
  {#- Electronic hook switch: Plantronics wireless headsets answer and hang up from the headset. #}
  <setting id="ehs" value="Plantronics"/>
  {#- Function keys arrive as contacts of the phonebook below (group "Default"); these two settings put them on the
      line keys a SIP account does not use, with a BLF lamp for the contacts that carry `subscribe_to`. #}
  <setting id="enable_blf_on_unused_line_keys" value="1"/>
  <setting id="blf_contact_group" value="Default"/>
{%- if vlan_enabled %}
  <setting id="network_vlan_qos" value="{{ vlan_priority or 0 }}"/>
  <setting id="network_vlan_id" value="{{ vlan_id }}"/>
{%- else %}
  <setting id="network_vlan_qos" value="0"/>
  <setting id="network_vlan_id" value="0"/>
{%- endif %}
{%- if locale %}
  <setting id="locale" value="{{ locale }}"/>
{%- endif %}
  {#- How the phone rings for each Alert-Info value Asterisk sends: `ring_type` "answer" auto-answers (paging,
      intercom), "visual" only flashes. An empty ringtone_id keeps the phone's own ringtone. #}
  <ringtones>
    <alerts>
      <alert alert_info="normal" ringtone_id="Digium" ring_type="normal"/>
      <alert alert_info="answer" ringtone_id="" ring_type="answer"/>
      <alert alert_info="ring-answer" ringtone_id="Digium" ring_type="answer"/>
      <alert alert_info="intercom" ringtone_id="" ring_type="answer"/>
      <alert alert_info="visual" ringtone_id="" ring_type="visual"/>
    </alerts>
  </ringtones>
  {#- The phonebook that carries the function keys (contacts.tpl). #}
  <contacts url="{{ XX_server_url }}/Digium/{{ XX_mac }}-contacts.xml" id="internal"/>
  {#- One account per SIP line, in line order. `index` is 0-based (index 0 is the first line key); `conflict`
      replaces an account of the same index set up on the phone itself; dial plan `x.T6` sends any digits 6
      seconds after the last one; `visual_voicemail` needs Digium's DPMA Asterisk module, so it is off and the
      voicemail key calls `voicemail` instead. `reregister` is the registration lifetime in seconds; `retry` (seconds)
      and `num_retries` pace the retries of a failed registration before the phone turns to host_alternate. #}
  <accounts>
{%- for number, line in XX_sip_lines %}
    <account index="{{ number - 1 }}" status="1" register="1" account_id="{{ line.username }}" username="{{ line.username }}" authname="{{ line.auth_username }}" password="{{ line.password }}" line_label="{{ line.display_name }}" dial_plan="x.T6" visual_voicemail="0" voicemail="{% if exten_voicemail %}sip:{{ exten_voicemail }}@{{ line.proxy_ip }}{% endif %}" conflict="replace">
      <host_primary server="{{ line.proxy_ip }}" port="{{ line.proxy_port or 5060 }}" transport="udp" reregister="3600" retry="25" num_retries="5"/>
  {%- if line.backup_proxy_ip %}
      <host_alternate server="{{ line.backup_proxy_ip }}" port="{{ line.backup_proxy_port or 5060 }}" transport="udp" reregister="3600" retry="25" num_retries="5"/>
  {%- endif %}
    </account>
{%- endfor %}
  </accounts>
  {#- The firmware of each model (the version folder's firmware.tpl). #}
  <firmwares>
  {%- include 'firmware.tpl' %}
  </firmwares>
  {#- Empty: a custom template that extends this one adds its elements here (see the top of this file). #}
{%- block suffix %}{% endblock %}
</config>
