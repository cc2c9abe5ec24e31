import { DeviceSupport } from '@provd/sdk';

/** The scores of plugins for one device, keyed by plugin id. */
export type PluginScoreTable = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** How {@link choosePlugin} chooses. */
export interface ChoosePluginOptions {
  /** The lowest score a plugin may be chosen with (inclusive). @defaultValue DeviceSupport.PROBABLE (300) */
  minimum?: number;
}

/**
 * Chooses the plugin for a device from the plugins' scores (contract §3.7): the highest score wins if it is at least
 * `minimum` ({@link DeviceSupport.PROBABLE} by default, inclusive); among plugins with the same highest score, the id
 * that sorts last (plain code-unit order, so `xivo-a` beats `wazo-b` and `Z`) wins, so the choice never depends on
 * the order of the table. Scores that are not finite numbers are ignored.
 *
 * @param scores - The score of each plugin, keyed by plugin id.
 * @param options - The minimum score.
 * @returns The chosen plugin id, or `undefined` when no plugin scores high enough.
 * @example
 * ```ts
 * choosePlugin({ 'digium-2.2.1.8': 500, 'digium-2.8.1': 500, 'yealink-86': 100 }); // 'digium-2.8.1'
 * choosePlugin({ a: 200 }); // undefined
 * ```
 */
export function choosePlugin(scores: PluginScoreTable, options: ChoosePluginOptions = {}): string | undefined {
  const minimum = options.minimum ?? DeviceSupport.PROBABLE;
  const entries = scores instanceof Map ? [...scores] : Object.entries(scores as Readonly<Record<string, number>>);
  let best: { id: string; score: number } | undefined;
  for (const [id, score] of entries) {
    if (typeof score !== 'number' || !Number.isFinite(score) || score < minimum) continue;
    if (best === undefined || score > best.score || (score === best.score && id > best.id)) best = { id, score };
  }
  return best?.id;
}
