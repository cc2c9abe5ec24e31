import { BasePlugin, formatMac, serverUrl, type Device, type PluginContext, type RawConfig } from '@provd/sdk';
import { TinkertelAssociator } from './associator';
import { dhcpExtractor, httpExtractor } from './extractors';
import { modelSpec } from './models';
import { keyCount, templateKeys, templateLines } from './template-vars';
import { withoutLineBreaks } from './values';

/** The folder of the plugin's files under tftpboot: phones fetch `/tinkertel/<mac>.cfg`. */
const DIR = 'tinkertel';

/** A device's configuration file name: `000fd3aabbcc.cfg`. */
function configFile(mac: string): string {
  return `${formatMac(mac, { separator: '' })}.cfg`;
}

/**
 * The Tinkertel plugin of one firmware version: writes `tinkertel/<mac>.cfg`, a `key = value` file, from the
 * template of the device's model (`templates/T40.tpl` extending `templates/base.tpl`), with the lines and function
 * keys the model has room for.
 */
export class TinkertelPlugin extends BasePlugin {
  override readonly dhcpDevInfoExtractor = dhcpExtractor;
  override readonly httpDevInfoExtractor = httpExtractor;
  override readonly pgAssociator: TinkertelAssociator;

  /** Creates the plugin of firmware `version` (e.g. `3.1.0`); its firmware package comes from `pkgs/pkgs.db`. */
  constructor(
    context: PluginContext,
    readonly version: string,
  ) {
    super(context);
    this.pgAssociator = new TinkertelAssociator(version);
  }

  async configure(device: Device, rawConfig: RawConfig): Promise<void> {
    const mac = this.requireMac(device);
    const known = modelSpec(device.model);
    // A model the family does not know gets base.tpl with one line, no key and no firmware update.
    const spec = known ?? { lines: 1, keys: 0, expansionModules: 0 };
    const { keys, dropped } = templateKeys(rawConfig, spec);
    if (dropped.length > 0) {
      this.logger.warn(`device "${device.id ?? mac}": a ${device.model ?? 'phone'} has ${keyCount(spec)} keys; function keys ${dropped.join(', ')} left out`);
    }
    const context = withoutLineBreaks({
      ...rawConfig,
      XX_model: device.model ?? 'phone',
      XX_version: this.version,
      XX_server_url: serverUrl(rawConfig),
      XX_firmware: known ? `${device.model}-${this.version}.bin` : '',
      XX_expansion_modules: spec.expansionModules,
      XX_lines: templateLines(rawConfig, spec),
      XX_keys: keys,
    });
    const file = configFile(mac);
    await this.writeFiles([{ template: this.templates.getDeviceTemplate(file, device), context, file: this.tftpbootPath(DIR, file) }]);
  }

  override async deconfigure(device: Device): Promise<void> {
    if (device.mac) await this.removeFiles(this.tftpbootPath(DIR, configFile(device.mac)));
  }

  /** A device's configuration file `<mac>.cfg` holds its SIP passwords (the host passes the base name, no folder). */
  override isSensitiveFilename(filename: string): boolean {
    return /^[0-9a-f]{12}\.cfg$/.test(filename);
  }
}
