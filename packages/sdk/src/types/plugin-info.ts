/** The device types a capability entry may declare. */
export type CapabilityType =
  | 'deskphone'
  | 'dect'
  | 'wifidect'
  | 'conference'
  | 'gateway'
  | 'ata'
  | 'doorphone'
  | 'softphone'
  | 'pager'
  | 'generic';

/**
 * What a plugin declares about one supported device, keyed in {@link PluginInfo.capabilities} by
 * `"<Vendor>, <Model>, <firmware version>"` (survey §3.2). The schema (`pluginInfoSchema`) requires every key but
 * `multicell`, and accepts other keys only when they start with `X_`.
 */
export interface Capabilities {
  /** Number of SIP/SCCP lines. */
  lines: number;
  /** Number of programmable function keys. */
  function_keys: number;
  /** Number of expansion modules that can be attached. */
  expansion_modules: number;
  /** Whether the phone supports high availability (backup proxies). */
  high_availability: boolean;
  /** Whether the phone can be used as a switchboard. */
  switchboard: boolean;
  /** Whether a DECT base supports several cells (multicell). */
  multicell?: boolean;
  /** The device type. */
  type: CapabilityType;
  /** The signalling protocol. */
  protocol: 'sip' | 'sccp';
  /** Custom capabilities, which must start with `X_`. */
  [key: `X_${string}`]: unknown;
}

/** The `plugin-info` JSON file of a plugin (contract §2.5, survey §3.1). */
export interface PluginInfo {
  /** The plugin version: dotted numbers with an optional `-suffix`, e.g. `1.1.4`. */
  version: string;
  /** English description. */
  description: string;
  /** Localised descriptions, `description_<locale>`, e.g. `description_fr`. */
  [localized: `description_${string}`]: string | undefined;
  /** Supported devices, keyed by `"<Vendor>, <Model>, <firmware version>"`. */
  capabilities: Record<string, Capabilities>;
  /** The range of `@provd/sdk` versions the plugin works with, a semver range such as `^0.1.0`. */
  sdk?: string;
  /** The vendor's name, e.g. `Yealink`. */
  vendor?: string;
  /** The vendor's web site. */
  'vendor.url'?: string;
  /** A description of the vendor. */
  'vendor.description'?: string;
  /** Whether the plugin is the vendor's official one (`0`/`1` in existing plugins). */
  'vendor.official'?: 0 | 1 | boolean;
  /** The lowest plugin interface version of the established host the plugin works with (e.g. `0.2`). */
  plugin_iface_version_min?: number;
  /** The highest plugin interface version of the established host the plugin works with. */
  plugin_iface_version_max?: number;
  /** Other keys (such as `filename`, `dsize` and `sha1sum` in `plugins.db`) are kept as they are. */
  [key: string]: unknown;
}
