import { guardExtractor } from '@provd/sdk';
import type { ProvdError } from '@provd/sdk';
import type { DevInfo } from '@provd/sdk';
import type { RequestType } from '@provd/sdk';
import type { DeviceInfoExtractor } from '@provd/sdk';
import type { DevInfoMerger } from './merge';

/** Where {@link composeExtractors} reports an extractor that failed. */
export interface ComposeOptions {
  /** Receives a `PROVD_EXTRACTOR_FAILED` error and the index of the extractor in the list. */
  onError?: (error: ProvdError, index: number) => void;
}

/**
 * Combines extractors into one (contract §3.3, `CollaboratingDeviceInfoExtractor`): all of them run at once, each
 * guarded (a throw, a rejection or a non-object counts as "nothing found" and goes to `onError`), and the results
 * that found something are merged in the order of the list, whatever order they completed in.
 *
 * @param extractors - The extractors, in merge order.
 * @param merge - How results combine: {@link mergeByVote} or {@link mergeLastSeen}.
 * @param options - Where to report failures.
 * @returns An extractor that resolves to the merge, or to `undefined` when no extractor found anything.
 * @example
 * ```ts
 * const byVote = composeExtractors(pluginExtractors, mergeByVote, { onError: (e, i) => log.warn(e.message) });
 * ```
 */
export function composeExtractors<T extends RequestType>(
  extractors: readonly DeviceInfoExtractor<T>[],
  merge: DevInfoMerger,
  options: ComposeOptions = {},
): DeviceInfoExtractor<T> {
  const guarded = extractors.map((extractor, index) =>
    guardExtractor(extractor, { onError: options.onError && ((error) => options.onError?.(error, index)) }),
  );
  return {
    async extract(request, type) {
      if (guarded.length === 1) {
        // one extractor (one plugin loaded): no list of promises to wait on
        const result = await guarded[0]!.extract(request, type);
        return result === undefined ? undefined : merge([result]);
      }
      // every extractor starts at once; their results are taken in order (a guarded extractor never rejects)
      const pending = guarded.map((extractor) => extractor.extract(request, type));
      const found: DevInfo[] = [];
      for (const result of pending) {
        const info = await result;
        if (info !== undefined) found.push(info);
      }
      return found.length > 0 ? merge(found) : undefined;
    },
  };
}
