import { BasePgAssociator, DeviceSupport } from '@provd/sdk';
import { modelSpec } from './models';

/** Scores Tinkertel phones: exact for a known model on the plugin's firmware, complete on another firmware. */
export class TinkertelAssociator extends BasePgAssociator {
  /** Scores for the plugin of firmware `version` (e.g. `3.1.0`). */
  constructor(private readonly version: string) {
    super();
  }

  protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
    if (vendor !== 'Tinkertel') return DeviceSupport.IMPROBABLE;
    if (modelSpec(model) === undefined) return DeviceSupport.PROBABLE;
    return version === this.version ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
  }
}
