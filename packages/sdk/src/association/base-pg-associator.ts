import type { DevInfo } from '../types/device';
import { DeviceSupport } from './device-support';
import type { PgAssociator } from './pg-associator';

/**
 * The usual shape of a plugin's associator (contract §3.7): a device whose vendor is unknown scores
 * {@link DeviceSupport.UNKNOWN}; otherwise the subclass scores its vendor, model and version in
 * {@link BasePgAssociator.doAssociate}. An empty string counts as missing, so `doAssociate` always gets a non-empty
 * vendor and a non-empty model or version or `undefined`.
 *
 * @example
 * ```ts
 * class AcmeAssociator extends BasePgAssociator {
 *   protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
 *     if (vendor !== 'Acme') return DeviceSupport.IMPROBABLE;
 *     if (model === undefined || !MODELS.has(model)) return DeviceSupport.PROBABLE;
 *     return version === '1.2.3' ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
 *   }
 * }
 * ```
 */
export abstract class BasePgAssociator implements PgAssociator {
  /** Scores `devInfo`: {@link DeviceSupport.UNKNOWN} without a vendor, else what `doAssociate` says. */
  associate(devInfo: DevInfo): DeviceSupport {
    const vendor = devInfo.vendor || undefined;
    if (vendor === undefined) return DeviceSupport.UNKNOWN;
    return this.doAssociate(vendor, devInfo.model || undefined, devInfo.version || undefined);
  }

  /**
   * Scores a device of a known vendor. Must not throw.
   *
   * @param vendor - The device's vendor, e.g. `Digium`.
   * @param model - The device's model (e.g. `D65`), `undefined` when unknown.
   * @param version - The device's firmware version (e.g. `2.8.1`), `undefined` when unknown.
   * @returns A {@link DeviceSupport} score.
   */
  protected abstract doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport;
}
