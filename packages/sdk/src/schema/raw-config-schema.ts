import { deepFreeze } from './deep-freeze';
import type { JsonSchema } from './json-schema';

const str = { type: ['string', 'null'] } as const;
const bool = { type: ['boolean', 'null'] } as const;
const port = { type: ['integer', 'null'], minimum: 1, maximum: 65535 } as const;
const vlanId = { type: ['integer', 'null'], minimum: 0, maximum: 4094 } as const;
const nullableEnum = <T extends string>(values: readonly T[]) => ({ type: ['string', 'null'], enum: [...values, null] }) as const;
/** `sip_lines`, `sccp_call_managers` and `funckeys`: keys are decimal digits (e.g. `"1"`), values a definition. */
const numberedMap = <D extends string>(definition: D) =>
  ({
    type: ['object', 'null'],
    propertyNames: { pattern: '^[0-9]+$' },
    additionalProperties: { $ref: `#/definitions/${definition}` },
  }) as const;

/** The DTMF modes of the raw config. */
export const DTMF_MODES = ['RTP-in-band', 'RTP-out-of-band', 'SIP-INFO'] as const;
/** The SRTP modes of the raw config. */
export const SRTP_MODES = ['disabled', 'preferred', 'required'] as const;
/** The SIP transports of the raw config (lower case only, as in the established host). */
export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
/** The syslog levels of the raw config. */
export const SYSLOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;
/** The function key types of the raw config. */
export const FUNCKEY_TYPES = ['speeddial', 'blf', 'park'] as const;
/** The function key types that need a non-empty `value`. */
export const FUNCKEY_TYPES_WITH_VALUE = ['speeddial', 'blf'] as const;

/** A "field required when the feature is enabled" rule of the raw config. */
export interface EnabledRule {
  /** The boolean key that enables the feature, e.g. `dns_enabled`. */
  readonly flag: string;
  /** The key that must then be set, e.g. `dns_ip`. */
  readonly field: string;
}

/**
 * The "field required when the feature is enabled" rules of the raw config: when `flag` is `true`, `field` must be
 * set (not null; a string must not be empty). `vlan_id: 0` counts as set.
 */
export const RAW_CONFIG_ENABLED_RULES: readonly EnabledRule[] = [
  { flag: 'dns_enabled', field: 'dns_ip' },
  { flag: 'ntp_enabled', field: 'ntp_ip' },
  { flag: 'vlan_enabled', field: 'vlan_id' },
  { flag: 'syslog_enabled', field: 'syslog_ip' },
] as const;

const SET_VALUE = { vlan_id: { type: 'integer' } } as Record<string, object>;

const sipLine = {
  type: 'object',
  properties: {
    proxy_ip: str,
    proxy_port: port,
    backup_proxy_ip: str,
    backup_proxy_port: port,
    registrar_ip: str,
    registrar_port: port,
    backup_registrar_ip: str,
    backup_registrar_port: port,
    outbound_proxy_ip: str,
    outbound_proxy_port: port,
    username: str,
    password: str,
    auth_username: str,
    display_name: str,
    number: str,
    dtmf_mode: nullableEnum(DTMF_MODES),
    srtp_mode: nullableEnum(SRTP_MODES),
    voicemail: str,
  },
} as const;

const sccpCallManager = {
  type: 'object',
  required: ['ip'],
  properties: { ip: { type: 'string', minLength: 1 }, port },
} as const;

const funcKey = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: [...FUNCKEY_TYPES] },
    value: str,
    label: str,
    line: { type: ['integer', 'string', 'null'], minimum: 0, pattern: '^[0-9]+$' },
  },
  if: { required: ['type'], properties: { type: { enum: [...FUNCKEY_TYPES_WITH_VALUE] } } },
  then: { required: ['value'], properties: { value: { type: 'string', minLength: 1 } } },
} as const;

/**
 * The JSON Schema (draft-07) of a raw config (contract §4.5), as validated before `configure`. Besides the
 * structure it uses the `iana-time-zone` format for `timezone`; a validator other than the SDK's needs that format
 * added.
 *
 * Every key is optional and accepts `null`. Unknown top-level keys are rejected unless they start with `X_`, so
 * plugin template variables (`XX_*`) are rejected too. Values are never coerced: a port is a JSON integer, a flag a
 * JSON boolean. See `docs/decisions.md` for where this is stricter than the established host and why.
 */
export const rawConfigSchema: JsonSchema = deepFreeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://provd.dev/schemas/raw-config.json',
  title: 'raw config',
  type: 'object',
  properties: {
    ip: str,
    http_port: port,
    http_base_url: str,
    tftp_port: port,
    dns_enabled: bool,
    dns_ip: str,
    ntp_enabled: bool,
    ntp_ip: str,
    vlan_enabled: bool,
    vlan_id: vlanId,
    vlan_priority: { type: ['integer', 'null'], minimum: 0, maximum: 7 },
    vlan_pc_port_id: vlanId,
    syslog_enabled: bool,
    syslog_ip: str,
    syslog_port: port,
    syslog_level: nullableEnum(SYSLOG_LEVELS),
    admin_username: str,
    admin_password: str,
    user_username: str,
    user_password: str,
    timezone: { type: ['string', 'null'], format: 'iana-time-zone' },
    locale: { type: ['string', 'null'], pattern: '^[a-z]{2}_[A-Z]{2}$' },
    protocol: nullableEnum(['SIP', 'SCCP']),
    sip_proxy_ip: str,
    sip_proxy_port: port,
    sip_backup_proxy_ip: str,
    sip_backup_proxy_port: port,
    sip_registrar_ip: str,
    sip_registrar_port: port,
    sip_backup_registrar_ip: str,
    sip_backup_registrar_port: port,
    sip_outbound_proxy_ip: str,
    sip_outbound_proxy_port: port,
    sip_dtmf_mode: nullableEnum(DTMF_MODES),
    sip_srtp_mode: nullableEnum(SRTP_MODES),
    sip_transport: nullableEnum(SIP_TRANSPORTS),
    sip_servers_root_and_intermediate_certificates: { type: ['array', 'null'], items: { type: 'string' } },
    sip_local_root_and_intermediate_certificates: { type: ['array', 'null'], items: { type: 'string' } },
    sip_local_certificate: str,
    sip_local_key: str,
    sip_subscribe_mwi: bool,
    sip_lines: numberedMap('sipLine'),
    sccp_call_managers: numberedMap('sccpCallManager'),
    exten_dnd: str,
    exten_fwd_unconditional: str,
    exten_fwd_no_answer: str,
    exten_fwd_busy: str,
    exten_fwd_disable_all: str,
    exten_park: str,
    exten_pickup_group: str,
    exten_pickup_call: str,
    exten_voicemail: str,
    funckeys: numberedMap('funcKey'),
    X_xivo_phonebook_ip: str,
    config_version: { type: ['integer', 'null'] },
  },
  patternProperties: { '^X_': {} },
  additionalProperties: false,
  allOf: RAW_CONFIG_ENABLED_RULES.map(({ flag, field }) => ({
    if: { required: [flag], properties: { [flag]: { const: true } } },
    then: {
      required: [field],
      properties: { [field]: SET_VALUE[field] ?? { type: 'string', minLength: 1 } },
    },
  })),
  definitions: { sipLine, sccpCallManager, funcKey },
});
