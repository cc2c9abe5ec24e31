import { coreError } from '../errors';
import type { ProvdError } from '@provd/sdk';
import type { DevInfo } from '@provd/sdk';
import type { PgAssociator } from '@provd/sdk';
import { reasonOf } from '../reason-of';

/** A loaded plugin as {@link scorePlugins} sees it. */
export interface AssociationCandidate {
  /** The plugin id. */
  readonly plugin: string;
  /** The plugin's associator; a plugin without one is not scored. */
  readonly associator?: PgAssociator | undefined;
}

/** What {@link scorePlugins} found out. */
export interface PluginScores {
  /** The score of each plugin that gave one, keyed by plugin id, in the order of the candidates. */
  readonly scores: Map<string, number>;
  /** One `PROVD_ASSOCIATOR_FAILED` or `PROVD_ASSOCIATOR_BAD_SCORE` error per plugin that was left out. */
  readonly failures: ProvdError[];
}

/**
 * Asks every plugin's associator to score a device, never letting one plugin break the choice: an associator that
 * throws, or returns something other than a finite number (e.g. `undefined` or a promise), is left out and reported
 * in {@link PluginScores.failures}. Each associator gets its own shallow copy of `devInfo`. Feed the scores to
 * {@link choosePlugin}.
 *
 * @param candidates - The loaded plugins and their associators.
 * @param devInfo - What identification learned about the device.
 * @returns The scores and the failures.
 * @example
 * ```ts
 * const { scores, failures } = scorePlugins(plugins.map((p) => ({ plugin: p.id, associator: p.pgAssociator })), devInfo);
 * for (const failure of failures) log.warn(failure.message);
 * const pluginId = choosePlugin(scores);
 * ```
 */
export function scorePlugins(candidates: Iterable<AssociationCandidate>, devInfo: DevInfo): PluginScores {
  const scores = new Map<string, number>();
  const failures: ProvdError[] = [];
  for (const { plugin, associator } of candidates) {
    if (!associator) continue;
    let score: unknown;
    try {
      score = associator.associate({ ...devInfo });
    } catch (err) {
      failures.push(coreError('PROVD_ASSOCIATOR_FAILED', { plugin, reason: reasonOf(err) }, { cause: err }));
      continue;
    }
    if (typeof score === 'number' && Number.isFinite(score)) scores.set(plugin, score);
    else failures.push(coreError('PROVD_ASSOCIATOR_BAD_SCORE', { plugin, score }));
  }
  return { scores, failures };
}

