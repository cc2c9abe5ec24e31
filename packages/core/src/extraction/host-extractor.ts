import { guardExtractor } from '@provd/sdk';
import type { DevInfo, RequestType } from '@provd/sdk';
import type { ComposeOptions } from './compose';
import type { DeviceInfoExtractor } from '@provd/sdk';
import { copyDefined, mergeByVote } from './merge';
import { addStandardInfo } from './standard-extractor';

/**
 * The identification extractor the host uses for one request type (contract §3.2 default wiring): the plugins'
 * extractors vote key by key ({@link mergeByVote}, first seen wins a tie), then the {@link standardExtractor}'s IP
 * (and, for DHCP, MAC) override what the plugins said ({@link mergeLastSeen}). A plugin extractor that fails counts
 * as "nothing found" and is reported to `onError` with its index in `pluginExtractors`.
 *
 * It gives what `composeExtractors([composeExtractors(plugins, mergeByVote, options), standardExtractor],
 * mergeLastSeen)` gives, with one promise of its own per request: the plugins' guarded extractors are the only
 * ones awaited, the standard information is taken at once and the two merges are one.
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
  const guarded = pluginExtractors.map((extractor, index) =>
    guardExtractor(extractor, { onError: options.onError && ((error) => options.onError?.(error, index)) }),
  );
  const one = guarded.length === 1 ? guarded[0] : undefined;
  return {
    async extract(request, type) {
      const merged: Record<string, unknown> = {};
      let found = false;
      if (one !== undefined) {
        // one extractor (one plugin loaded): its result is its vote
        const result = await one.extract(request, type);
        if (result !== undefined) found = copyDefined(result, merged);
      } else if (guarded.length > 1) {
        // every extractor starts at once; their results are taken in order (a guarded extractor never rejects)
        const pending = guarded.map((extractor) => extractor.extract(request, type));
        const results: DevInfo[] = [];
        for (const result of pending) {
          const info = await result;
          if (info !== undefined) results.push(info);
        }
        if (results.length > 0) found = copyDefined(mergeByVote(results), merged);
      }
      // the standard information overrides the plugins' (set on the merge at once)
      found = addStandardInfo(request, type, merged) || found;
      return found ? (merged as DevInfo) : undefined;
    },
  };
}
