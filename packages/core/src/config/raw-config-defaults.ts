import type { FuncKey, RawConfig, SccpCallManager, SipLine, SipTransport, SrtpMode } from '@provd/sdk';
import { cloneJson, isPlainObject } from './json-value';

/** A raw config after {@link applyRawConfigDefaults}: the keys it always sets are present and not null. */
export type RawConfigWithDefaults = RawConfig & {
  /** SRTP mode, `disabled` by default. */
  sip_srtp_mode: SrtpMode;
  /** SIP transport, `udp` by default. */
  sip_transport: SipTransport;
  /** SIP lines, `{}` by default. */
  sip_lines: Record<string, SipLine>;
  /** SCCP call managers, `{}` by default. */
  sccp_call_managers: Record<string, SccpCallManager>;
  /** Function keys, `{}` by default. */
  funckeys: Record<string, FuncKey>;
};

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/** Sets `target[key]` to `value` when the key is absent or `null`. */
function setDefault(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.hasOwn(target, key) || !isSet(target[key])) target[key] = value;
}

/**
 * Returns a copy of a (validated) raw config with the defaults the host applies before `configure` and
 * `synchronize` (contract §4.4); the input is left untouched:
 *
 * - `syslog_port: 514` and `syslog_level: "warning"` when `syslog_enabled` is true;
 * - `sip_registrar_ip` = `sip_proxy_ip` when the proxy is set;
 * - `sip_srtp_mode: "disabled"`, `sip_transport: "udp"`, and `{}` for `sip_lines`, `sccp_call_managers` and
 *   `funckeys`;
 * - in each SIP line, `registrar_ip` = `proxy_ip` and `auth_username` = `username` when those are set.
 *
 * A default fills a key that is absent **or `null`** (the established host filled only absent keys, leaving a
 * `null` sent by a client in place, which templates then render as empty): `null` means "not set" everywhere in
 * the raw config.
 *
 * @example
 * ```ts
 * applyRawConfigDefaults({ sip_proxy_ip: '10.0.0.1' });
 * // { sip_proxy_ip: '10.0.0.1', sip_registrar_ip: '10.0.0.1', sip_srtp_mode: 'disabled', sip_transport: 'udp',
 * //   sip_lines: {}, sccp_call_managers: {}, funckeys: {} }
 * ```
 */
export function applyRawConfigDefaults(raw: Readonly<RawConfig>): RawConfigWithDefaults {
  const result = cloneJson(raw) as Record<string, unknown>;
  if (result.syslog_enabled) {
    setDefault(result, 'syslog_port', 514);
    setDefault(result, 'syslog_level', 'warning');
  }
  if (isSet(result.sip_proxy_ip)) setDefault(result, 'sip_registrar_ip', result.sip_proxy_ip);
  setDefault(result, 'sip_srtp_mode', 'disabled');
  setDefault(result, 'sip_transport', 'udp');
  setDefault(result, 'sip_lines', {});
  for (const line of Object.values(isPlainObject(result.sip_lines) ? result.sip_lines : {})) {
    if (!isPlainObject(line)) continue;
    if (isSet(line.proxy_ip)) setDefault(line, 'registrar_ip', line.proxy_ip);
    if (isSet(line.username)) setDefault(line, 'auth_username', line.username);
  }
  setDefault(result, 'sccp_call_managers', {});
  setDefault(result, 'funckeys', {});
  return result as unknown as RawConfigWithDefaults;
}
