/**
 * What a plugin declares about one supported device, keyed in {@link PluginInfo.capabilities} by
 * `"<Vendor>, <Model>, <firmware version>"` (survey §3.2).
 */
export interface Capabilities {
  /** Number of SIP/SCCP lines. */
  lines?: number;
  /** Number of programmable function keys. */
  function_keys?: number;
  /** Number of expansion modules that can be attached. */
  expansion_modules?: number;
  /** Whether the phone supports high availability (backup proxies). */
  high_availability?: boolean;
  /** Whether the phone can be used as a switchboard. */
  switchboard?: boolean;
  /** Whether the phone supports multiple lines through the `multi_lines` feature. */
  multicell?: boolean;
  /** The device type, e.g. `deskphone`, `ata`, `dect`. */
  type?: string;
  /** The signalling protocol: `sip` or `sccp`. */
  protocol?: string;
  /** Other capabilities plugins declare. */
  [key: string]: unknown;
}

/** The `plugin-info` JSON file of a plugin (contract §2.5, survey §3.1). */
export interface PluginInfo {
  /** The plugin version, e.g. `1.1.4`. */
  version: string;
  /** English description. */
  description: string;
  /** Localised descriptions, `description_<locale>`, e.g. `description_fr`. */
  [localized: `description_${string}`]: string | undefined;
  /** Supported devices, keyed by `"<Vendor>, <Model>, <firmware version>"`. */
  capabilities: Record<string, Capabilities>;
  /** The range of `@provd/sdk` versions the plugin works with, a semver range such as `^0.1.0`. */
  sdk?: string;
  /** Other keys are kept as they are. */
  [key: string]: unknown;
}
