import { defineExtractor, type DevInfo, type DhcpRequest } from '@provd/sdk';
import { DIGIUM_VENDOR } from './models';

/**
 * Option 60 of a Digium phone: `digium_<MODEL>_<firmware version, dots written as underscores>`, for example
 * `digium_D40_1_4_0_0_57389` (model D40, firmware 1.4.0.0.57389). DHCP options are at most 255 bytes long.
 */
const VENDOR_CLASS = /^digium_(D\d\d)_(\d+(?:_\d+)*)$/;
const MAX_OPTION_LENGTH = 255;

/**
 * Reads vendor, model and firmware version from the vendor class identifier (option 60) of a Digium phone's DHCP
 * request; anything else, however long or binary, gives `undefined`.
 *
 * @example
 * ```ts
 * digiumDhcpDevInfo({ ip, mac, options: { 60: 'digium_D65_2_8_1' } }); // { vendor: 'Digium', model: 'D65', version: '2.8.1' }
 * ```
 */
export function digiumDhcpDevInfo(request: DhcpRequest): DevInfo | undefined {
  const vendorClass = request.options?.[60];
  if (typeof vendorClass !== 'string' || vendorClass.length > MAX_OPTION_LENGTH) return undefined;
  const [, model, version] = VENDOR_CLASS.exec(vendorClass) ?? [];
  if (model === undefined || version === undefined) return undefined;
  return { vendor: DIGIUM_VENDOR, model, version: version.replaceAll('_', '.') };
}

/** The DHCP extractor of the Digium plugins, built on {@link digiumDhcpDevInfo}. */
export const digiumDhcpExtractor = defineExtractor('dhcp', digiumDhcpDevInfo);
