import { createHostExtractor } from '@provd/core';
import type { DeviceInfoExtractor, ProvdError, RequestType } from '@provd/sdk';
import type { IdentifyPlugin } from './identify-plugin';

const EXTRACTOR_KEY = {
  dhcp: 'dhcpDevInfoExtractor',
  http: 'httpDevInfoExtractor',
  tftp: 'tftpDevInfoExtractor',
} as const;

/**
 * The host's extractor for one request type (contract §3.3-§3.4): the extractors of `plugins` for that type (in the
 * order given: callers pass plugins sorted by id) vote key by key, then the standard extractor sets the client IP
 * (and for DHCP the lease MAC). An extractor that fails counts as "nothing found" and is reported to `onError` with
 * its plugin's id.
 *
 * @example
 * ```ts
 * const extractor = pluginExtractor(plugins, 'http', (error, id) => log(`plugin "${id}": ${error.message}`));
 * const devInfo = (await extractor.extract(request, 'http')) ?? {};
 * ```
 */
export function pluginExtractor(plugins: readonly IdentifyPlugin[], type: RequestType, onError?: (error: ProvdError, pluginId: string | undefined) => void): DeviceInfoExtractor {
  const key = EXTRACTOR_KEY[type];
  const having = plugins.filter((p) => p.plugin[key] !== undefined);
  return createHostExtractor(
    having.map((p) => p.plugin[key] as DeviceInfoExtractor),
    { onError: (error, index) => onError?.(error, having[index]?.id) },
  );
}
