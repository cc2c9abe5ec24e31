import {
  choosePlugin,
  createHostExtractor,
  scorePlugins,
  type DevInfo,
  type DeviceInfoExtractor,
  type ProvdError,
  type ProvdPlugin,
  type RequestByType,
  type RequestType,
} from '@provd/sdk';

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

/** A loaded plugin as identification sees it. */
export interface IdentifyPlugin {
  /** The plugin id. */
  id: string;
  /** The plugin instance. */
  plugin: ProvdPlugin;
}

const EXTRACTOR_KEY = {
  dhcp: 'dhcpDevInfoExtractor',
  http: 'httpDevInfoExtractor',
  tftp: 'tftpDevInfoExtractor',
} as const;

/**
 * Runs the host's identification pipeline on one request (contract §3.2-§3.7): every plugin's extractor for the
 * request type (plugins in id order) votes key by key, the host's standard extractor then sets the client IP (and
 * for DHCP the lease MAC), and every plugin's associator scores the result; the highest score of at least
 * `PROBABLE` wins, ties going to the id that sorts last. `extra` keys (what the host knows from elsewhere) are merged
 * last.
 *
 * @example
 * ```ts
 * const { devInfo, plugin } = await identifyRequest(plugins, { type: 'dhcp', request: { ip: '10.0.0.5', mac: '00:0f:d3:05:48:48', options: { 60: 'digium_D40_1_4_0_0' } } });
 * ```
 */
export async function identifyRequest(plugins: readonly IdentifyPlugin[], typed: TypedRequest, extra: DevInfo = {}): Promise<IdentifyResult> {
  const ordered = [...plugins].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const failures: ProvdError[] = [];
  const extractors = ordered.flatMap((p) => (p.plugin[EXTRACTOR_KEY[typed.type]] as DeviceInfoExtractor<typeof typed.type> | undefined) ?? []);
  const extractor = createHostExtractor(extractors, { onError: (error) => failures.push(error) }) as DeviceInfoExtractor;
  const devInfo: DevInfo = { ...((await extractor.extract(typed.request, typed.type)) ?? {}), ...extra };
  const { scores, failures: scoring } = scorePlugins(
    ordered.map((p) => ({ plugin: p.id, associator: p.plugin.pgAssociator })),
    devInfo,
  );
  failures.push(...scoring);
  return { devInfo, scores: Object.fromEntries(scores), plugin: choosePlugin(scores) ?? null, failures };
}
