import type { DevInfo } from '../types/device';
import type { RequestByType, RequestType } from '../types/requests';
import type { DeviceInfoExtractor } from './device-info-extractor';
import { type GuardOptions, runGuarded } from './guard';

/** The function a plugin author writes for {@link defineExtractor}; it may be async and it may throw. */
export type ExtractFunction<T extends RequestType> = (
  request: RequestByType[T],
) => DevInfo | undefined | Promise<DevInfo | undefined>;

/**
 * Builds a device-info extractor for one request type from a plain function, with the safety the host expects: a
 * throw or a rejection of `extract` (say, a regular expression that did not match and a value that is then
 * `undefined`) counts as "nothing found", as does a request of another type. The request argument is typed after
 * `type`.
 *
 * @param type - The request type the extractor handles: `"dhcp"`, `"http"` or `"tftp"`.
 * @param extract - Returns what it learns from the request, or `undefined`.
 * @param options - Where to report failures (e.g. the plugin's logger), and the plugin to name.
 * @returns The extractor, to expose as the plugin's `dhcpDevInfoExtractor` (or http, tftp).
 * @example
 * ```ts
 * const dhcpDevInfoExtractor = defineExtractor('dhcp', (request) => {
 *   const m = /^digium_(D\d\d)_([\d_]+)$/.exec(request.options[60] ?? '');
 *   return m ? { vendor: 'Digium', model: m[1], version: m[2]!.replaceAll('_', '.') } : undefined;
 * });
 * ```
 */
export function defineExtractor<T extends RequestType>(
  type: T,
  extract: ExtractFunction<T>,
  options: GuardOptions = {},
): DeviceInfoExtractor<T> {
  return {
    extract: (request, requestType) =>
      requestType === type ? runGuarded(() => extract(request), type, options) : Promise.resolve(undefined),
  };
}
