/** The vendor name every Digium extractor reports and the associator expects. */
export const DIGIUM_VENDOR = 'Digium';

/**
 * The Digium models the plugins know, with the SIP lines (accounts) each has: the same seven in every version, as in
 * the established plugins. The family file derives from this table the DHCP classes and, with
 * {@link DIGIUM_FIRMWARES}, each plugin's `plugin-info` capabilities and firmware list.
 */
export const DIGIUM_LINES: Readonly<Record<string, number>> = { D40: 2, D45: 2, D50: 4, D60: 4, D62: 2, D65: 6, D70: 6 };

/** The models of {@link DIGIUM_LINES}, which the associator knows in every version. */
export const DIGIUM_MODELS: readonly string[] = Object.keys(DIGIUM_LINES);

/** One firmware version of the Digium phones: one plugin (one build target) each. */
export interface DigiumFirmware {
  /** The version in the plugin id and the capability keys, e.g. `1.4.0.0`. */
  version: string;
  /** The version the phones report in DHCP, which the associator matches and the firmware files are named after. */
  reported: string;
  /** The models this firmware exists for: the plugin's capabilities and firmware list. */
  models: readonly string[];
  /** The version of the plugin (its `plugin-info` `version`). */
  pluginVersion: string;
}

/**
 * The firmware versions the family builds a plugin for. `digium-1.4.0.0`, whose firmware exists only for the D40,
 * D50 and D70, still configures the other models (the associator knows all of {@link DIGIUM_MODELS}); its firmware
 * list has no entry for them, so they keep the firmware they run.
 */
export const DIGIUM_FIRMWARES: readonly DigiumFirmware[] = [
  { version: '1.4.0.0', reported: '1.4.0.0.57389', models: ['D40', 'D50', 'D70'], pluginVersion: '1.2.0' },
  { version: '2.2.1.8', reported: '2.2.1.8', models: DIGIUM_MODELS, pluginVersion: '1.2.0' },
  { version: '2.8.1', reported: '2.8.1', models: DIGIUM_MODELS, pluginVersion: '1.2.0' },
];

/** The firmware of {@link DIGIUM_FIRMWARES} whose `version` is given; throws for a version the family does not build. */
export function digiumFirmware(version: string): DigiumFirmware {
  const found = DIGIUM_FIRMWARES.find((firmware) => firmware.version === version);
  if (!found) throw new Error(`no Digium firmware ${JSON.stringify(version)} in DIGIUM_FIRMWARES`);
  return found;
}
