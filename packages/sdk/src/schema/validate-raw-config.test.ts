import { describe, expect, it } from 'vitest';
import { isProvdError } from '../errors/index';
import { assertValidRawConfig, rawConfigSchema, validateRawConfig } from './index';

const errorsOf = (value: unknown) => validateRawConfig(value).errors;
const line = { username: 'u', password: 'p', display_name: 'User' };

describe('validateRawConfig: contract §11.5 vectors', () => {
  it('accepts an empty config, and a valid one with its line preserved', () => {
    expect(validateRawConfig({})).toEqual({ valid: true, errors: [] });
    const raw = { ip: 'localhost', http_port: 443, locale: 'en_CA', sip_lines: { '1': { ...line } } };
    expect(errorsOf(raw)).toEqual([]);
    expect(raw.sip_lines['1']).toEqual(line);
  });

  it('rejects the invalid example with one line per problem, the non-numeric funckey included', () => {
    const raw = {
      ip: 'localhost',
      http_port: 'invalid-port',
      locale: 'invalid-locale',
      sip_lines: { '1': { ...line } },
      funckeys: { alpha: { type: 'blf', value: null } },
    };
    expect(errorsOf(raw)).toEqual([
      'http_port: must be an integer (received the string "invalid-port")',
      'locale: must be a locale such as "fr_FR" (received the string "invalid-locale")',
      'funckeys.alpha: key must be a number in decimal digits, e.g. "1"',
      'funckeys.alpha.value: is required for "blf" and "speeddial" function keys (received null)',
    ]);
  });

  it('does not coerce: a numeric string is not a port, nor a string a boolean (decision)', () => {
    expect(errorsOf({ http_port: '443' })).toEqual(['http_port: must be an integer (received the string "443")']);
    expect(errorsOf({ sip_subscribe_mwi: 'true' })).toEqual([
      'sip_subscribe_mwi: must be a boolean (true or false) (received the string "true")',
    ]);
    expect(errorsOf({ ntp_enabled: 'yes', ntp_ip: 'pool.ntp.org' })).toHaveLength(1);
    expect(errorsOf({ vlan_id: 1.5 })).toEqual(['vlan_id: must be an integer (received 1.5)']);
  });

  it('anchors the locale pattern at both ends (decision)', () => {
    expect(errorsOf({ locale: 'fr_FR' })).toEqual([]);
    expect(errorsOf({ locale: 'fr_FRxyz' })).toEqual([
      'locale: must be a locale such as "fr_FR" (received the string "fr_FRxyz")',
    ]);
    expect(errorsOf({ locale: 'fr' })).toHaveLength(1);
  });

  it('requires the server of an enabled feature, with the right names in the message', () => {
    expect(errorsOf({ dns_enabled: true })).toEqual(['dns_ip: is required when "dns_enabled" is true']);
    expect(errorsOf({ dns_enabled: true, dns_ip: '' })).toEqual([
      'dns_ip: is required when "dns_enabled" is true (received the string "")',
    ]);
    expect(errorsOf({ ntp_enabled: true, ntp_ip: null })).toEqual([
      'ntp_ip: is required when "ntp_enabled" is true (received null)',
    ]);
    expect(errorsOf({ syslog_enabled: true })).toEqual(['syslog_ip: is required when "syslog_enabled" is true']);
    expect(errorsOf({ vlan_enabled: true })).toEqual(['vlan_id: is required when "vlan_enabled" is true']);
    expect(errorsOf({ dns_enabled: false, ntp_enabled: null, vlan_enabled: false, syslog_enabled: false })).toEqual([]);
  });

  it('accepts vlan_id 0 when the VLAN is enabled (decision)', () => {
    expect(errorsOf({ vlan_enabled: true, vlan_id: 0 })).toEqual([]);
  });

  it('enforces the VLAN bounds of the spec (decision)', () => {
    expect(errorsOf({ vlan_id: 4095 })).toEqual(['vlan_id: must be between 0 and 4094 (received 4095)']);
    expect(errorsOf({ vlan_priority: 8 })).toEqual(['vlan_priority: must be between 0 and 7 (received 8)']);
    expect(errorsOf({ vlan_pc_port_id: -1 })).toEqual(['vlan_pc_port_id: must be between 0 and 4094 (received -1)']);
    expect(errorsOf({ vlan_id: 4094, vlan_priority: 7, vlan_pc_port_id: 0 })).toEqual([]);
  });

  it('accepts X_ keys only, and rejects XX_ template variables', () => {
    expect(errorsOf({ foo: 1 })).toEqual(['foo: unknown key; custom keys must start with "X_"']);
    expect(errorsOf({ _comment: 'x' })).toHaveLength(1);
    expect(errorsOf({ X_foo: 1, XX_bar: 2 })).toEqual([
      'XX_bar: keys starting with "XX_" are reserved for the template variables a plugin adds after validation; remove it from the config',
    ]);
    expect(errorsOf({ X_comment: 'see provd.conf', X_xivo_phonebook_ip: '10.0.0.1', X_type: 'device' })).toEqual([]);
    expect(errorsOf({ X_xivo_phonebook_ip: 1 })).toEqual([
      'X_xivo_phonebook_ip: must be a string (received 1)',
    ]);
  });

  it('checks function keys: numbered keys, type, value for blf and speeddial, line as number or digits', () => {
    expect(errorsOf({ funckeys: { '1': { type: 'park' } } })).toEqual([]);
    expect(errorsOf({ funckeys: { '01': { type: 'speeddial', value: '123', line: 1 } } })).toEqual([]);
    expect(errorsOf({ funckeys: { '2': { type: 'blf', value: '1001', line: '2', label: 'Bob', extra: 1 } } })).toEqual(
      [],
    );
    expect(errorsOf({ funckeys: { '-1': { type: 'park' } } })).toEqual([
      'funckeys["-1"]: key must be a number in decimal digits, e.g. "1"',
    ]);
    expect(errorsOf({ funckeys: { '1': { type: 'speeddial' }, '2': { type: 'blf', value: '' } } })).toEqual([
      'funckeys.1.value: is required for "blf" and "speeddial" function keys',
      'funckeys.2.value: is required for "blf" and "speeddial" function keys (received the string "")',
    ]);
    expect(errorsOf({ funckeys: { '1': { value: '1' }, '2': { type: 'intercom' }, '3': { type: 'park', line: 'x' } } })).toEqual([
      'funckeys.1.type: is required',
      'funckeys.2.type: must be one of "speeddial", "blf", "park" (received the string "intercom")',
      'funckeys.3.line: must be a line number (received the string "x")',
    ]);
  });

  it('checks SIP line keys (decision) and values, keeping extra line keys', () => {
    expect(errorsOf({ sip_lines: { abc: { username: 'u' } } })).toEqual([
      'sip_lines.abc: key must be a number in decimal digits, e.g. "1"',
    ]);
    expect(errorsOf({ sip_lines: { '1': { username: 'anonymous' } } })).toEqual([]);
    expect(errorsOf({ sip_lines: { '1': { ...line, X_custom: 1, proxy_port: 5060, dtmf_mode: 'SIP-INFO' } } })).toEqual(
      [],
    );
    expect(errorsOf({ sip_lines: { '1': { proxy_port: '5060', srtp_mode: 'on' }, '2': null } })).toEqual([
      'sip_lines.1.proxy_port: must be an integer (received the string "5060")',
      'sip_lines.1.srtp_mode: must be one of "disabled", "preferred", "required" (received the string "on")',
      'sip_lines.2: must be an object (received null)',
    ]);
  });

  it('requires the ip of an SCCP call manager', () => {
    expect(errorsOf({ sccp_call_managers: { '1': {} } })).toEqual(['sccp_call_managers.1.ip: is required']);
    expect(errorsOf({ sccp_call_managers: { '1': { ip: '10.0.0.1', port: 2000 } } })).toEqual([]);
    expect(errorsOf({ sccp_call_managers: { x: { ip: '' } } })).toEqual([
      'sccp_call_managers.x: key must be a number in decimal digits, e.g. "1"',
      'sccp_call_managers.x.ip: must not be empty',
    ]);
  });

  it('validates the time zone as a validation error, not an exception (decision)', () => {
    expect(errorsOf({ timezone: 'Moon/Base' })).toEqual([
      'timezone: must be an IANA time zone name such as "Europe/Paris" (received the string "Moon/Base")',
    ]);
    expect(errorsOf({ timezone: '' })).toEqual([]);
    expect(errorsOf({ timezone: null })).toEqual([]);
    expect(errorsOf({ timezone: 'America/Montreal' })).toEqual([]);
    expect(errorsOf({ timezone: '+01:00' })).toHaveLength(1);
  });

  it('checks enums case-sensitively', () => {
    expect(errorsOf({ sip_transport: 'TLS' })).toEqual([
      'sip_transport: must be one of "udp", "tcp", "tls" (received the string "TLS")',
    ]);
    expect(errorsOf({ protocol: 'IAX' })).toEqual([
      'protocol: must be one of "SIP", "SCCP" (received the string "IAX")',
    ]);
    expect(errorsOf({ syslog_level: 'warn' })).toHaveLength(1);
    expect(errorsOf({ sip_dtmf_mode: 'RTP-in-band', sip_srtp_mode: 'required', syslog_level: 'debug' })).toEqual([]);
  });

  it('accepts null for every key', () => {
    const nulls = Object.fromEntries(Object.keys(rawConfigSchema.properties as object).map((key) => [key, null]));
    expect(errorsOf(nulls)).toEqual([]);
  });

  it('checks ports and certificate lists', () => {
    expect(errorsOf({ sip_proxy_port: 0, tftp_port: 65536 })).toEqual([
      'tftp_port: must be between 1 and 65535 (received 65536)',
      'sip_proxy_port: must be between 1 and 65535 (received 0)',
    ]);
    expect(errorsOf({ sip_servers_root_and_intermediate_certificates: ['PEM', 3] })).toEqual([
      'sip_servers_root_and_intermediate_certificates.1: must be a string (received 3)',
    ]);
  });

  it('never throws, whatever it is given', () => {
    for (const value of [undefined, null, 1, 'x', [], { sip_lines: [] }, { funckeys: { '1': 'x' } }]) {
      expect(validateRawConfig(value).valid).toBe(false);
    }
  });
});

describe('assertValidRawConfig', () => {
  it('throws PROVD_INVALID_RAW_CONFIG naming the device and every problem', () => {
    expect(() => assertValidRawConfig({ sip_lines: {} }, 'dev1')).not.toThrow();
    let caught: unknown;
    try {
      assertValidRawConfig({ XX_mutated: true, http_port: '8667' }, 'dev2');
    } catch (err) {
      caught = err;
    }
    expect(isProvdError(caught, 'PROVD_INVALID_RAW_CONFIG')).toBe(true);
    expect(caught).toMatchObject({ device: 'dev2' });
    expect((caught as Error).message).toContain('XX_mutated: keys starting with "XX_" are reserved');
    expect((caught as Error).message).toContain('http_port: must be an integer');
  });
});
