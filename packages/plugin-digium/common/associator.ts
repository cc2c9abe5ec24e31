import { BasePgAssociator, DeviceSupport } from '@provd/sdk';
import { DIGIUM_MODELS, DIGIUM_VENDOR } from './models';

/**
 * Scores Digium phones for one plugin: EXACT for a known model at the plugin's firmware version, COMPLETE for a known
 * model at another version (the plugin still configures it, and installs its own firmware), PROBABLE for a Digium
 * of unknown model, IMPROBABLE for another vendor. A device without a vendor is UNKNOWN (see `BasePgAssociator`).
 */
export class DigiumPgAssociator extends BasePgAssociator {
  /** @param version - The firmware version of the plugin, as the phones report it (e.g. `1.4.0.0.57389`). */
  constructor(private readonly version: string) {
    super();
  }

  /** Scores a device whose vendor is known. */
  protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
    if (vendor !== DIGIUM_VENDOR) return DeviceSupport.IMPROBABLE;
    if (model === undefined || !DIGIUM_MODELS.includes(model)) return DeviceSupport.PROBABLE;
    return version === this.version ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
  }
}
