/**
 * What the two files must hold, written straight from `specs/digium.md` (independently of the templates), as XML trees
 * to compare with the parsed output.
 */
import type { FuncKey, RawConfig, SipLine } from '@provd/sdk';
import { xmlElement, type XmlElement } from '@provd/testing';

/** One build target of the family, as the spec lists it. */
export interface Target {
  pluginId: string;
  dir: string;
  associatorVersion: string;
  firmwareAttr: string;
  models: readonly string[];
}

const ALL_MODELS = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];

export const TARGETS: readonly Target[] = [
  { pluginId: 'digium-1.4.0.0', dir: 'v1_4_0_0', associatorVersion: '1.4.0.0.57389', firmwareAttr: '1_4_0_0_57389', models: ['D40', 'D50', 'D70'] },
  { pluginId: 'digium-2.2.1.8', dir: 'v2_2_1_8', associatorVersion: '2.2.1.8', firmwareAttr: '2_2_1_8', models: ALL_MODELS },
  { pluginId: 'digium-2.8.1', dir: 'v2_8_1', associatorVersion: '2.8.1', firmwareAttr: '2_8_1', models: ALL_MODELS },
];

/** Characters XML 1.0 forbids: the SDK's XML escaping drops them, so a phone never receives a broken document. */
const NOT_XML_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const str = (value: unknown): string =>
  value === undefined || value === null ? '' : String(value).replace(NOT_XML_CHARS, '');

/** `http_base_url`, else `http://<ip>:<http_port>`. */
export function serverUrl(raw: RawConfig): string {
  return raw.http_base_url ? str(raw.http_base_url) : `http://${str(raw.ip)}:${str(raw.http_port)}`;
}

const byNumber = <T>(record: Record<string, T> | null | undefined): [number, T][] =>
  Object.entries(record ?? {})
    .map(([key, value]): [number, T] => [Number(key), value])
    .sort((a, b) => a[0] - b[0]);

const host = (name: string, server: unknown, port: unknown): XmlElement =>
  xmlElement(name, {
    server: str(server),
    port: port === undefined || port === null ? '5060' : String(port),
    transport: 'udp',
    reregister: '3600',
    retry: '25',
    num_retries: '5',
  });

function account(number: number, line: SipLine, raw: RawConfig): XmlElement {
  const hosts = [host('host_primary', line.proxy_ip, line.proxy_port)];
  if (line.backup_proxy_ip) hosts.push(host('host_alternate', line.backup_proxy_ip, line.backup_proxy_port));
  return xmlElement(
    'account',
    {
      index: String(number - 1),
      status: '1',
      register: '1',
      account_id: str(line.username),
      username: str(line.username),
      authname: str(line.auth_username),
      password: str(line.password),
      line_label: str(line.display_name),
      dial_plan: 'x.T6',
      visual_voicemail: '0',
      voicemail: raw.exten_voicemail ? `sip:${raw.exten_voicemail}@${str(line.proxy_ip)}` : '',
      conflict: 'replace',
    },
    hosts,
  );
}

const setting = (id: string, value: unknown): XmlElement => xmlElement('setting', { id, value: str(value) });

/** The expected root of `<mac>.cfg`. */
export function expectedConfig(target: Target, mac: string, raw: RawConfig): XmlElement {
  const url = serverUrl(raw);
  const settings = [setting('login_password', raw.admin_password ? raw.admin_password : '789')];
  if (raw.timezone) settings.push(setting('time_zone', raw.timezone));
  if (raw.ntp_enabled) {
    settings.push(setting('time_source', 'ntp'), setting('ntp_server', raw.ntp_ip), setting('ntp_resync', '86400'));
  }
  settings.push(
    setting('accept_local_calls', 'any'),
    setting('backlight_timeout', '30'),
    setting('ehs', 'Plantronics'),
    setting('enable_blf_on_unused_line_keys', '1'),
    setting('blf_contact_group', 'Default'),
  );
  if (raw.vlan_enabled) {
    settings.push(setting('network_vlan_qos', raw.vlan_priority ?? 0), setting('network_vlan_id', raw.vlan_id));
  } else {
    settings.push(setting('network_vlan_qos', '0'), setting('network_vlan_id', '0'));
  }
  if (raw.locale) settings.push(setting('locale', raw.locale));
  const alert = (alert_info: string, ringtone_id: string, ring_type: string) =>
    xmlElement('alert', { alert_info, ringtone_id, ring_type });
  return xmlElement('config', {}, [
    ...settings,
    xmlElement('ringtones', {}, [
      xmlElement('alerts', {}, [
        alert('normal', 'Digium', 'normal'),
        alert('answer', '', 'answer'),
        alert('ring-answer', 'Digium', 'answer'),
        alert('intercom', '', 'answer'),
        alert('visual', '', 'visual'),
      ]),
    ]),
    xmlElement('contacts', { url: `${url}/Digium/${mac}-contacts.xml`, id: 'internal' }),
    xmlElement(
      'accounts',
      {},
      byNumber(raw.sip_lines).map(([number, line]) => account(number, line, raw)),
    ),
    xmlElement(
      'firmwares',
      {},
      target.models.map((model) =>
        xmlElement('firmware', {
          model,
          version: target.firmwareAttr,
          url: `${url}/Digium/firmware/${target.firmwareAttr}_${model}_firmware.eff`,
        }),
      ),
    ),
  ]);
}

/** The expected root of `<mac>-contacts.xml`. */
export function expectedContacts(raw: RawConfig): XmlElement {
  const mainProxy = str(byNumber(raw.sip_lines)[0]?.[1].proxy_ip);
  const contact = (key: FuncKey): XmlElement => {
    const attrs: Record<string, string> = { first_name: key.label ? str(key.label) : str(key.value), last_name: '' };
    if (key.type === 'blf') attrs.subscribe_to = `sip:${str(key.value)}@${mainProxy}`;
    return xmlElement('contact', attrs, [
      xmlElement('numbers', {}, [xmlElement('number', { dial: str(key.value), label: 'Extension', primary: '1' })]),
    ]);
  };
  return xmlElement('phonebooks', {}, [
    xmlElement(
      'contacts',
      { group_name: 'Default', editable: '0' },
      byNumber(raw.funckeys).map(([, key]) => contact(key)),
    ),
  ]);
}
