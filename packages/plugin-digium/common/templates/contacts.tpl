<?xml version="1.0" encoding="UTF-8"?>
{#-
  <mac>-contacts.xml, the phonebook that base.tpl's <contacts> element points to. Digium phones have no function-key
  setting: each function key becomes a contact of the group "Default", which the phone shows on its unused line keys
  (see enable_blf_on_unused_line_keys and blf_contact_group in base.tpl). A contact with `subscribe_to` gets a BLF
  lamp: the phone subscribes to the dialog state of that SIP URI. XX_funckeys holds [position, key] pairs, sorted.
#}
<phonebooks>
  <contacts group_name="Default" editable="0">
{%- for position, key in XX_funckeys %}
    <contact first_name="{{ key.label or key.value }}" last_name=""
    {%- if key.type == 'blf' %} subscribe_to="sip:{{ key.value }}@{{ XX_main_proxy_ip }}"{% endif %}>
      <numbers>
        <number dial="{{ key.value }}" label="Extension" primary="1"/>
      </numbers>
    </contact>
{%- endfor %}
  </contacts>
</phonebooks>
