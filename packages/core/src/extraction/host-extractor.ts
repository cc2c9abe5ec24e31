import type { RequestType } from '@provd/sdk';
import { type ComposeOptions, composeExtractors } from './compose';
import type { DeviceInfoExtractor } from '@provd/sdk';
import { mergeByVote, mergeLastSeen } from './merge';
import { standardExtractor } from './standard-extractor';

/**
 * The identification extractor the host uses for one request type (contract §3.2 default wiring): the plugins'
 * extractors vote key by key ({@link mergeByVote}, first seen wins a tie), then the {@link standardExtractor}'s IP
 * (and, for DHCP, MAC) override what the plugins said ({@link mergeLastSeen}). A plugin extractor that fails counts
 * as "nothing found" and is reported to `onError` with its index in `pluginExtractors`.
 *
 * @param pluginExtractors - The loaded plugins' extractors for this request type, in a stable order (e.g. by id).
 * @param options - Where to report failing plugin extractors.
 * @returns The composed extractor.
 * @example
 * ```ts
 * const http = createHostExtractor(plugins.flatMap((p) => p.httpDevInfoExtractor ?? []));
 * const devInfo = (await http.extract(request, 'http')) ?? {};
 * ```
 */
export function createHostExtractor<T extends RequestType>(
  pluginExtractors: readonly DeviceInfoExtractor<T>[],
  options: ComposeOptions = {},
): DeviceInfoExtractor<T> {
  return composeExtractors([composeExtractors(pluginExtractors, mergeByVote, options), standardExtractor], mergeLastSeen);
}
