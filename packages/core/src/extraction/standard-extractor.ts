import { ipv4Address } from '@provd/sdk';
import { normMac } from '@provd/sdk';
import type { DevInfo } from '@provd/sdk';
import type { DhcpRequest, HttpRequest, TftpRequest } from '@provd/sdk';
import type { DeviceInfoExtractor } from '@provd/sdk';

/** The normalised form of `value`, or `undefined` when it is not a MAC address. */
function macOrUndefined(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : normMac(value);
  } catch {
    return undefined;
  }
}

/**
 * Sets on `into` what the standard extractor learns from a request of each type (its defined values only, IP then
 * MAC); tells whether there was any.
 */
export function addStandardInfo(request: unknown, type: string, into: Record<string, unknown>): boolean {
  let ip: string | undefined;
  let mac: string | undefined;
  switch (type) {
    case 'dhcp': {
      const dhcp = request as Partial<DhcpRequest>;
      ip = ipv4Address(dhcp.ip);
      mac = macOrUndefined(dhcp.mac);
      break;
    }
    case 'http':
      ip = ipv4Address((request as Partial<HttpRequest>).clientIp);
      break;
    case 'tftp':
      ip = ipv4Address((request as Partial<TftpRequest>).address?.ip);
      break;
  }
  if (ip !== undefined) into.ip = ip;
  if (mac !== undefined) into.mac = mac;
  return ip !== undefined || mac !== undefined;
}

/**
 * The host's own extractor (contract §3.3, `StandardDeviceInfoExtractor`): the client's IP for every request type
 * (HTTP: `clientIp`, after the reverse-proxy rules; TFTP: the sender's address; DHCP: the lease's `ip`), and for
 * DHCP also the lease's MAC. provd keeps an IP only when it is IPv4 (unwrapping `::ffff:` mapped addresses) and a MAC
 * only when it is valid (normalised), so a device never gets an address it cannot store.
 *
 * @example
 * ```ts
 * await standardExtractor.extract({ ip: '10.0.0.5', mac: '00:11:22:33:44:55', options: {} }, 'dhcp');
 * // { ip: '10.0.0.5', mac: '00:11:22:33:44:55' }
 * ```
 */
export const standardExtractor: DeviceInfoExtractor = {
  async extract(request, type) {
    return standardDevInfo(request, type);
  },
};

/**
 * What {@link standardExtractor} finds, at once: the defined values of the request's standard information, or
 * `undefined` when there are none (the host extractor calls it on every request, without a promise).
 */
export function standardDevInfo(request: unknown, type: string): DevInfo | undefined {
  const info: Record<string, unknown> = {};
  return addStandardInfo(request, type, info) ? (info as DevInfo) : undefined;
}
