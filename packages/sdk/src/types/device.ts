/**
 * What identification learns about a device from one request (contract §3.4). Every key is optional; values are
 * normalised: `mac` as `00:0f:d3:05:48:48`, `ip` as a dotted quad.
 */
export interface DevInfo {
  /** Normalised MAC address, lower case, colon separated. */
  mac?: string;
  /** Serial number. */
  sn?: string;
  /** Normalised IPv4 address. */
  ip?: string;
  /** Device UUID. */
  uuid?: string;
  /** Vendor name as plugins spell it, e.g. `Digium`. */
  vendor?: string;
  /** Model name, e.g. `D65`. */
  model?: string;
  /** Firmware version, e.g. `2.8.1`. */
  version?: string;
  /** Non-standard keys, which must start with `X_`. */
  [key: `X_${string}`]: unknown;
}

/** A device record as the host stores it: its {@link DevInfo} plus the host's bookkeeping keys. */
export interface Device extends DevInfo {
  /** The device id (unique in the host). */
  id: string;
  /** The id of the plugin that configures this device. */
  plugin?: string;
  /** The id of the config whose flattened raw config is used for this device. */
  config?: string;
  /** Whether the last `configure` of this device succeeded (maintained by the host, never set by clients). */
  configured?: boolean;
  /** `"auto"` when the host created the device on its own from a request. */
  added?: 'auto' | string;
  /** Free-form per-device options. */
  options?: Record<string, unknown>;
  /** The tenant the device belongs to. */
  tenant_uuid?: string;
  /** Whether the device was created and not yet seen by an operator. */
  is_new?: boolean;
  /** Free-text description. */
  description?: string;
  /** The SIP username of line 1 seen when the phone last fetched its trigger file (contract §3.8). */
  remote_state_sip_username?: string;
  /**
   * The operator chose `plugin` for good: the host never re-associates the device, even when what it tells later
   * (DHCP, HTTP, TFTP) scores another plugin higher.
   */
  plugin_pinned?: boolean;
}
