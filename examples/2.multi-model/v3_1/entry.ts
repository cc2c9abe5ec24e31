import type { PluginContext } from '@provd/sdk';
import { TinkertelPlugin } from '../common/tinkertel-plugin';

/** `tinkertel-3.1`: Tinkertel T20, T40 and T60 on firmware 3.1.0. */
export default class Tinkertel31Plugin extends TinkertelPlugin {
  /** Creates the plugin for the host. */
  constructor(context: PluginContext) {
    super(context, '3.1.0');
  }
}
