import { BasePgAssociator, BasePlugin, defineExtractor, DeviceSupport, formatMac, normMac, type Device, type RawConfig } from '@provd/sdk';

/**
 * Reads `AcmePhone-A10/1.0 (00:0f:d3:05:48:48)`, the User-Agent of an Acme phone. `defineExtractor` types the
 * request and turns a throw (here, a malformed MAC) into "nothing found".
 */
const httpExtractor = defineExtractor('http', (request) => {
  const match = /^AcmePhone-([A-Z0-9]+)\/([0-9.]+) \(([0-9a-fA-F:]{17})\)$/.exec(request.headers['user-agent'] ?? '');
  if (!match) return undefined;
  return { vendor: 'Acme', model: match[1], version: match[2], mac: normMac(match[3] as string) };
});

/** Supports the A10 with firmware 1.0; `BasePgAssociator` answers `UNKNOWN` when the vendor is not known. */
class AcmeAssociator extends BasePgAssociator {
  protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
    if (vendor !== 'Acme') return DeviceSupport.IMPROBABLE;
    if (model !== 'A10') return DeviceSupport.PROBABLE;
    return version === '1.0' ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
  }
}

/** The plugin: writes `Acme/<mac>.cfg` from `templates/base.tpl` (or an administrator's override). */
export default class MinimalPlugin extends BasePlugin {
  override readonly httpDevInfoExtractor = httpExtractor;
  override readonly pgAssociator = new AcmeAssociator();

  async configure(device: Device, rawConfig: RawConfig): Promise<void> {
    const file = `${this.requireMac(device, { separator: '' })}.cfg`;
    await this.writeFiles([{ template: this.templates.getDeviceTemplate(file, device), context: rawConfig, file: this.tftpbootPath('Acme', file) }]);
  }

  override async deconfigure(device: Device): Promise<void> {
    if (device.mac) await this.removeFiles(this.tftpbootPath('Acme', `${formatMac(device.mac, { separator: '' })}.cfg`));
  }
}
