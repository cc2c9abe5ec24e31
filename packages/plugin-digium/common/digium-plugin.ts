import {
  BasePlugin,
  formatMac,
  numericEntries,
  requireSipLines,
  serverUrl,
  standardSipSynchronize,
  type Device,
  type PluginContext,
  type RawConfig,
} from '@provd/sdk';
import { DigiumPgAssociator } from './associator';
import { digiumDhcpExtractor } from './dhcp-extractor';
import { digiumHttpExtractor } from './http-extractor';

/** The phones fetch everything from `<server>/Digium/` (DHCP option 66 ends with `/Digium`). */
const FOLDER = 'Digium';
/** `<mac>.cfg` holds the SIP passwords. */
const SENSITIVE_FILE = /^[\da-f]{12}\.cfg$/;

/**
 * What the Digium plugins of every firmware version share; each version's `entry.ts` only names its firmware.
 *
 * For a phone it writes two XML files into `var/tftpboot/Digium/`: `<mac>.cfg` (settings, SIP accounts, firmware
 * list; template `<mac>.cfg.tpl`, `<model>.tpl` or `base.tpl`) and `<mac>-contacts.xml` (template `contacts.tpl`).
 * Digium phones have no function-key settings: the function keys go into the phonebook, and the phone puts its
 * contacts on the line keys no account uses, with a BLF lamp for those that have `subscribe_to`.
 */
export class BaseDigiumPlugin extends BasePlugin {
  override readonly dhcpDevInfoExtractor = digiumDhcpExtractor;
  override readonly httpDevInfoExtractor = digiumHttpExtractor;
  override readonly pgAssociator: DigiumPgAssociator;
  /**
   * @param context - What the host constructs the plugin with.
   * @param firmwareVersion - The firmware the plugin serves, as phones report it in DHCP (e.g. `1.4.0.0.57389`).
   */
  constructor(context: PluginContext, firmwareVersion: string) {
    // Every value a template prints is XML-escaped, so names and passwords cannot break the XML.
    super(context, { templateEscape: 'xml' });
    this.pgAssociator = new DigiumPgAssociator(firmwareVersion);
    // The firmware service (`services.install`) comes from BasePlugin, which reads `pkgs/pkgs.db`.
  }

  /**
   * Writes `<mac>.cfg` and `<mac>-contacts.xml`, both or neither. Throws `PROVD_DEVICE_NO_MAC` or
   * `PROVD_RAW_CONFIG_NO_SIP_LINE` (before writing anything) when the device has no MAC or no SIP line.
   */
  async configure(device: Device, rawConfig: RawConfig): Promise<void> {
    const mac = this.requireMac(device, { separator: '' });
    const sipLines = requireSipLines(device, rawConfig, this.id);
    // The template variables: the raw config (not modified) plus the values the templates derive from it.
    const context = {
      ...rawConfig,
      XX_server_url: serverUrl(rawConfig),
      XX_mac: mac,
      XX_sip_lines: sipLines,
      XX_funckeys: numericEntries(rawConfig.funckeys),
      XX_main_proxy_ip: sipLines[0][1].proxy_ip,
    };
    await this.writeFiles([
      {
        template: this.templates.getDeviceTemplate(`${mac}.cfg`, device),
        context,
        file: this.tftpbootPath(FOLDER, `${mac}.cfg`),
      },
      { template: 'contacts.tpl', context, file: this.tftpbootPath(FOLDER, `${mac}-contacts.xml`) },
    ]);
  }

  /** Removes both files of the device; files already gone, or a device without MAC, are not an error. */
  override async deconfigure(device: Device): Promise<void> {
    if (!device.mac) return;
    const mac = formatMac(device.mac, { separator: '' });
    await this.removeFiles(this.tftpbootPath(FOLDER, `${mac}.cfg`), this.tftpbootPath(FOLDER, `${mac}-contacts.xml`));
  }

  /** Sends the SIP NOTIFY `check-sync` through the host's sync service: the phone fetches its files again. */
  override async synchronize(device: Device, _rawConfig: RawConfig): Promise<void> {
    await standardSipSynchronize(device, this.hostServices.sync);
  }

  /** `<mac>.cfg`: the phone fetches it once it has applied its configuration. */
  override getRemoteStateTriggerFilename(device: Device): string | undefined {
    return device.mac ? `${formatMac(device.mac, { separator: '' })}.cfg` : undefined;
  }

  /** Whether the file is a phone's `<mac>.cfg`, which holds its SIP passwords. */
  override isSensitiveFilename(filename: string): boolean {
    return SENSITIVE_FILE.test(filename);
  }
}
