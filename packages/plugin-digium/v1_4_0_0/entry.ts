import type { PluginContext } from '@provd/sdk';
import { BaseDigiumPlugin } from '../common/digium-plugin';
import { digiumFirmware } from '../common/models';

/** `digium-1.4.0.0`: Digium D40, D50 and D70 on firmware 1.4.0.0.57389. */
export default class DigiumPlugin extends BaseDigiumPlugin {
  /** Creates the plugin for the host. */
  constructor(context: PluginContext) {
    super(context, digiumFirmware('1.4.0.0').reported);
  }
}
