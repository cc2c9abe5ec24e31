/** A DTMF mode of the raw config. */
export type DtmfMode = 'RTP-in-band' | 'RTP-out-of-band' | 'SIP-INFO';
/** An SRTP mode of the raw config. */
export type SrtpMode = 'disabled' | 'preferred' | 'required';
/** A SIP transport of the raw config (lower case only). */
export type SipTransport = 'udp' | 'tcp' | 'tls';
/** A syslog level of the raw config. */
export type SyslogLevel = 'critical' | 'error' | 'warning' | 'info' | 'debug';
/** The type of a function key. */
export type FuncKeyType = 'speeddial' | 'blf' | 'park';

/** One SIP line of the raw config (contract §4.5); keyed by line number in {@link RawConfig.sip_lines}. */
export interface SipLine {
  /** Proxy address of this line. */
  proxy_ip?: string | null;
  /** Proxy port of this line. */
  proxy_port?: number | null;
  /** Backup proxy address. */
  backup_proxy_ip?: string | null;
  /** Backup proxy port. */
  backup_proxy_port?: number | null;
  /** Registrar address (defaults to `proxy_ip`). */
  registrar_ip?: string | null;
  /** Registrar port. */
  registrar_port?: number | null;
  /** Backup registrar address. */
  backup_registrar_ip?: string | null;
  /** Backup registrar port. */
  backup_registrar_port?: number | null;
  /** Outbound proxy address. */
  outbound_proxy_ip?: string | null;
  /** Outbound proxy port. */
  outbound_proxy_port?: number | null;
  /** SIP user name. */
  username?: string | null;
  /** SIP password. */
  password?: string | null;
  /** Authentication user name (defaults to `username`). */
  auth_username?: string | null;
  /** Name shown on the phone. */
  display_name?: string | null;
  /** Number shown on the phone (display only). */
  number?: string | null;
  /** DTMF mode of this line. */
  dtmf_mode?: DtmfMode | null;
  /** SRTP mode of this line. */
  srtp_mode?: SrtpMode | null;
  /** Voicemail number of this line. */
  voicemail?: string | null;
  /** Other keys are kept. */
  [key: string]: unknown;
}

/** One SCCP call manager, keyed by priority (1 is highest) in {@link RawConfig.sccp_call_managers}. */
export interface SccpCallManager {
  /** Call manager address (required). */
  ip: string;
  /** Call manager port. */
  port?: number | null;
  /** Other keys are kept. */
  [key: string]: unknown;
}

/** One function key, keyed by its position in {@link RawConfig.funckeys}. */
export interface FuncKey {
  /** What the key does. */
  type: FuncKeyType;
  /** The extension to dial or monitor; required for `speeddial` and `blf`. */
  value?: string | null;
  /** The label shown next to the key. */
  label?: string | null;
  /** The line the key uses (a number, or its string form). */
  line?: number | string | null;
  /** Other keys are kept. */
  [key: string]: unknown;
}

/**
 * The flattened configuration of a device that a plugin renders (contract §4.5). Every key is optional and may be
 * `null`. Custom keys start with `X_`; plugins add their own template variables as `XX_*` keys after validation.
 */
export interface RawConfig {
  /** @deprecated Use {@link RawConfig.http_base_url}. Provisioning server address. */
  ip?: string | null;
  /** @deprecated Use {@link RawConfig.http_base_url}. Provisioning HTTP port. */
  http_port?: number | null;
  /** The URL at which devices reach the provisioning server; takes precedence over `ip` and `http_port`. */
  http_base_url?: string | null;
  /** TFTP port of the provisioning server. */
  tftp_port?: number | null;
  /** Whether `dns_ip` is used. */
  dns_enabled?: boolean | null;
  /** DNS server. */
  dns_ip?: string | null;
  /** Whether NTP is used. */
  ntp_enabled?: boolean | null;
  /** NTP server. */
  ntp_ip?: string | null;
  /** Whether the VLAN settings are used. */
  vlan_enabled?: boolean | null;
  /** VLAN id, 0-4094. */
  vlan_id?: number | null;
  /** VLAN priority, 0-7. */
  vlan_priority?: number | null;
  /** VLAN id of the PC port, 0-4094. */
  vlan_pc_port_id?: number | null;
  /** Whether remote syslog is used. */
  syslog_enabled?: boolean | null;
  /** Syslog server. */
  syslog_ip?: string | null;
  /** Syslog port. @defaultValue 514 */
  syslog_port?: number | null;
  /** Syslog level. @defaultValue "warning" */
  syslog_level?: SyslogLevel | null;
  /** Administrator user name on the device. */
  admin_username?: string | null;
  /** Administrator password on the device. */
  admin_password?: string | null;
  /** User name on the device. */
  user_username?: string | null;
  /** User password on the device. */
  user_password?: string | null;
  /** Olson time zone name, e.g. `Europe/Paris`. */
  timezone?: string | null;
  /** Locale such as `fr_FR`. */
  locale?: string | null;
  /** Signalling protocol, for multi-protocol plugins. */
  protocol?: 'SIP' | 'SCCP' | null;
  /** Default SIP proxy. */
  sip_proxy_ip?: string | null;
  /** Default SIP proxy port. */
  sip_proxy_port?: number | null;
  /** Backup SIP proxy. */
  sip_backup_proxy_ip?: string | null;
  /** Backup SIP proxy port. */
  sip_backup_proxy_port?: number | null;
  /** SIP registrar (defaults to `sip_proxy_ip`). */
  sip_registrar_ip?: string | null;
  /** SIP registrar port. */
  sip_registrar_port?: number | null;
  /** Backup SIP registrar. */
  sip_backup_registrar_ip?: string | null;
  /** Backup SIP registrar port. */
  sip_backup_registrar_port?: number | null;
  /** SIP outbound proxy. */
  sip_outbound_proxy_ip?: string | null;
  /** SIP outbound proxy port. */
  sip_outbound_proxy_port?: number | null;
  /** DTMF mode. */
  sip_dtmf_mode?: DtmfMode | null;
  /** SRTP mode. @defaultValue "disabled" */
  sip_srtp_mode?: SrtpMode | null;
  /** SIP transport. @defaultValue "udp" */
  sip_transport?: SipTransport | null;
  /** PEM certificates of the SIP servers, root first. */
  sip_servers_root_and_intermediate_certificates?: string[] | null;
  /** PEM certificates of the device, root first. */
  sip_local_root_and_intermediate_certificates?: string[] | null;
  /** PEM certificate of the device. */
  sip_local_certificate?: string | null;
  /** PEM private key of the device. */
  sip_local_key?: string | null;
  /** Whether the device subscribes to message-waiting indication. */
  sip_subscribe_mwi?: boolean | null;
  /** SIP lines keyed by line number (`"1"`, `"2"`, ...). */
  sip_lines?: Record<string, SipLine> | null;
  /** SCCP call managers keyed by priority. */
  sccp_call_managers?: Record<string, SccpCallManager> | null;
  /** Do-not-disturb feature extension. */
  exten_dnd?: string | null;
  /** Unconditional forward feature extension. */
  exten_fwd_unconditional?: string | null;
  /** No-answer forward feature extension. */
  exten_fwd_no_answer?: string | null;
  /** Busy forward feature extension. */
  exten_fwd_busy?: string | null;
  /** Disable-all-forwards feature extension. */
  exten_fwd_disable_all?: string | null;
  /** Call park extension. */
  exten_park?: string | null;
  /** Group pickup extension. */
  exten_pickup_group?: string | null;
  /** Call pickup prefix. */
  exten_pickup_call?: string | null;
  /** Voicemail extension. */
  exten_voicemail?: string | null;
  /** Function keys keyed by position (`"1"`, `"2"`, ...). */
  funckeys?: Record<string, FuncKey> | null;
  /** Remote phonebook host. */
  X_xivo_phonebook_ip?: string | null;
  /** Unused by the established host. */
  config_version?: number | null;
  /** Custom keys, which must start with `X_`. */
  [key: `X_${string}`]: unknown;
  /** Template variables a plugin adds after validation, which must start with `XX_`. */
  [key: `XX_${string}`]: unknown;
}
