import type { Device, DevInfo, ProvdError } from '@provd/sdk';
import { associatePlugin } from './associate-plugin';
import type { IdentifyPlugin } from './identify-plugin';

/** The device keys association scores. */
const SCORED_KEYS = ['mac', 'sn', 'ip', 'uuid', 'vendor', 'model', 'version'] as const;

/** What the device has told so far, as association sees it: its identity keys and its `X_` keys. */
function knownInfo(device: Device): DevInfo {
  const info: Record<string, unknown> = {};
  for (const key of SCORED_KEYS) if (typeof device[key] === 'string') info[key] = device[key];
  for (const [key, value] of Object.entries(device)) if (key.startsWith('X_')) info[key] = value;
  return info as DevInfo;
}

/** A plugin that scores higher for a device than its own. */
export interface BetterPlugin {
  /** The plugin to move to. */
  plugin: string;
  /** Its score. */
  score: number;
  /** The score of the device's own plugin (0 when it gives none). */
  current: number;
}

/**
 * The plugin a device should move to now that it told more about itself (for example a DHCP lease with its model
 * and firmware version after a first HTTP request that gave only the vendor): every plugin scores everything the
 * device has told, and the best one (the association rule: `PROBABLE` at least, ties to the highest id) is returned
 * only when it scores strictly higher than the device's own plugin, so less information later never moves it back.
 * A plugin that is not loaded scores nothing, so a device of a removed plugin moves too. The caller checks
 * `plugin_pinned`.
 */
export function betterPlugin(device: Device, plugins: Iterable<IdentifyPlugin>): { better?: BetterPlugin; failures: ProvdError[] } {
  const { scores, plugin, failures } = associatePlugin(knownInfo(device), plugins);
  if (plugin === undefined || plugin === device.plugin) return { failures };
  const score = scores.get(plugin)!;
  const current = device.plugin === undefined ? undefined : scores.get(device.plugin);
  if (current !== undefined && score <= current) return { failures };
  return { better: { plugin, score, current: current ?? 0 }, failures };
}
