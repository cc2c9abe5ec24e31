import { createProvdError } from '../errors/sdk-errors';
import type { Device } from '../types/device';
import type { RawConfig, SipLine } from '../types/raw-config';
import { numericEntries } from './numeric-entries';

/**
 * The SIP lines of a raw config as `[line number, line]` pairs in numeric order (see {@link numericEntries}), for a
 * plugin that cannot configure a device without one: throws `PROVD_RAW_CONFIG_NO_SIP_LINE` naming the device and
 * plugin when there is none.
 *
 * @param device - The device being configured (named in the error).
 * @param rawConfig - Its raw config.
 * @param plugin - The plugin id, named in the error.
 * @returns At least one `[number, line]` pair.
 * @example
 * ```ts
 * const lines = requireSipLines(device, rawConfig, this.id); // [[1, { username: '1001', ... }], ...]
 * const mainProxy = lines[0][1].proxy_ip;
 * ```
 */
export function requireSipLines(
  device: Pick<Device, 'id'>,
  rawConfig: Readonly<RawConfig>,
  plugin?: string,
): [[number, SipLine], ...[number, SipLine][]] {
  const lines = numericEntries(rawConfig.sip_lines);
  const [first, ...rest] = lines;
  if (first === undefined) throw createProvdError('PROVD_RAW_CONFIG_NO_SIP_LINE', { device: device.id, plugin });
  return [first, ...rest];
}
