import type { PluginContext } from '@provd/sdk';
import { BaseDigiumPlugin } from '../common/digium-plugin';
import { digiumFirmware } from '../common/models';

/** `digium-2.8.1`: Digium D40, D45, D50, D60, D62, D65 and D70 on firmware 2.8.1. */
export default class DigiumPlugin extends BaseDigiumPlugin {
  /** Creates the plugin for the host. */
  constructor(context: PluginContext) {
    super(context, digiumFirmware('2.8.1').reported);
  }
}
