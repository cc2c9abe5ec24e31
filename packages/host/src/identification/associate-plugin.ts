import { choosePlugin, scorePlugins } from '@provd/core';
import type { DevInfo, ProvdError } from '@provd/sdk';
import type { IdentifyPlugin } from './identify-plugin';

/** What {@link associatePlugin} found. */
export interface Association {
  /** Each plugin's score, by plugin id. */
  scores: Map<string, number>;
  /** The chosen plugin id, when one scores at least `PROBABLE`. */
  plugin: string | undefined;
  /** Associators that threw or returned no number (left out of the choice). */
  failures: ProvdError[];
}

/**
 * Picks the plugin for a device from what identification learned (contract §3.7): every plugin's associator scores
 * `devInfo`, and the best score from `PROBABLE` up wins, ties broken by the highest id. Associators that throw or
 * return a non-number are left out and listed in `failures`.
 *
 * @example
 * ```ts
 * const { plugin } = associatePlugin({ vendor: 'Digium', model: 'D40' }, plugins);
 * ```
 */
export function associatePlugin(devInfo: DevInfo, plugins: Iterable<IdentifyPlugin>): Association {
  const candidates = [...plugins].map((p) => ({ plugin: p.id, associator: p.plugin.pgAssociator }));
  const { scores, failures } = scorePlugins(candidates, devInfo);
  return { scores, plugin: choosePlugin(scores), failures };
}
