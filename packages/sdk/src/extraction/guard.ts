import { createProvdError } from '../errors/sdk-errors';
import type { ProvdError } from '../errors/provd-error';
import { reasonOf } from '../association/reason-of';
import type { DevInfo } from '../types/device';
import type { RequestType } from '../types/requests';
import type { DeviceInfoExtractor } from './device-info-extractor';

/** What a guarded extractor does when the code it wraps fails. */
export interface GuardOptions {
  /** The plugin the extractor belongs to, named in the error. */
  plugin?: string;
  /** Receives a `PROVD_EXTRACTOR_FAILED` error each time the extractor throws, rejects or returns a non-object. */
  onError?: (error: ProvdError) => void;
}

/**
 * Runs one extraction so that it cannot fail: a throw, a rejection or a result that is not an object counts as
 * "nothing found" (`undefined`) and is reported to `onError`; an empty object also counts as nothing found.
 */
export async function runGuarded(
  extract: () => unknown,
  type: RequestType,
  options: GuardOptions,
): Promise<DevInfo | undefined> {
  let result: unknown;
  try {
    result = await extract();
  } catch (err) {
    return guardFailed(type, options, reasonOf(err), err);
  }
  if (result === undefined || result === null) return undefined;
  if (typeof result !== 'object' || Array.isArray(result)) {
    return guardFailed(type, options, `it resolved to ${Array.isArray(result) ? 'an array' : `${typeof result} ${JSON.stringify(String(result))}`}, not an object`);
  }
  for (const key in result) if (Object.hasOwn(result, key)) return result as DevInfo;
  return undefined;
}

/** Reports an extractor failure to `options.onError`; the guarded extractor then found nothing. */
function guardFailed(type: RequestType, options: GuardOptions, reason: string, cause?: unknown): undefined {
  options.onError?.(createProvdError('PROVD_EXTRACTOR_FAILED', { type, plugin: options.plugin, reason }, { cause }));
  return undefined;
}

/**
 * Wraps an extractor so that it never throws nor rejects (contract §3.3, where an extractor that throws breaks the
 * whole identification): a failure counts as "nothing found" and is reported to `options.onError` with the plugin
 * named. The host wraps every plugin's extractor this way.
 *
 * @param extractor - The extractor to protect.
 * @param options - The plugin to name and where to report failures.
 * @returns An extractor with the same results that resolves to `undefined` instead of failing.
 * @example
 * ```ts
 * const safe = guardExtractor(plugin.httpDevInfoExtractor, { plugin: plugin.id, onError: (e) => log.warn(e.message) });
 * ```
 */
export function guardExtractor<T extends RequestType>(
  extractor: DeviceInfoExtractor<T>,
  options: GuardOptions = {},
): DeviceInfoExtractor<T> {
  return { extract: (request, type) => runGuarded(() => extractor.extract(request, type), type, options) };
}
