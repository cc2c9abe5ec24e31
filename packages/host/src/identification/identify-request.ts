import type { DevInfo, ProvdError, RequestByType, RequestType } from '@provd/sdk';
import { associatePlugin } from './associate-plugin';
import { sortedById, type IdentifyPlugin } from './identify-plugin';
import { pluginExtractor } from './plugin-extractor';

/** One request to identify, with its type. */
export type TypedRequest = { [T in RequestType]: { type: T; request: RequestByType[T] } }[RequestType];

/** What {@link identifyRequest} found. */
export interface IdentifyResult {
  /** The merged device information (MACs normalised, e.g. `00:0f:d3:05:48:48`). */
  devInfo: DevInfo;
  /** Each plugin's association score, by plugin id. */
  scores: Record<string, number>;
  /** The chosen plugin id, or `null` when none scores at least `PROBABLE`. */
  plugin: string | null;
  /** Extractors and associators that failed (left out of the vote and the choice). */
  failures: ProvdError[];
}

/**
 * Runs the host's identification on one request without a device store (contract §3.2-§3.7), as `provd identify`
 * does: the same extraction ({@link pluginExtractor}) and association ({@link associatePlugin}) the request pipeline
 * of `provd serve` runs. `extra` keys (what the host knows from elsewhere) are merged last.
 *
 * @example
 * ```ts
 * const { devInfo, plugin } = await identifyRequest(plugins, { type: 'dhcp', request: { ip: '10.0.0.5', mac: '00:0f:d3:05:48:48', options: { 60: 'digium_D40_1_4_0_0' } } });
 * ```
 */
export async function identifyRequest(plugins: readonly IdentifyPlugin[], typed: TypedRequest, extra: DevInfo = {}): Promise<IdentifyResult> {
  const ordered = sortedById(plugins);
  const failures: ProvdError[] = [];
  const extractor = pluginExtractor(ordered, typed.type, (error) => failures.push(error));
  const devInfo: DevInfo = { ...((await extractor.extract(typed.request as never, typed.type)) ?? {}), ...extra };
  const association = associatePlugin(devInfo, ordered);
  failures.push(...association.failures);
  return { devInfo, scores: Object.fromEntries(association.scores), plugin: association.plugin ?? null, failures };
}
