import { randomUUID } from 'node:crypto';
import type { AnyRequest, Device, DevInfo, ProvdPlugin, RequestType } from '@provd/sdk';
import { associatePlugin, requestFilename, retrieveDevice, updateDeviceInfo } from '../identification/index';
import { reasonOf, type AppContext } from './app-context';
import type { StoredConfig } from './config-input';
import type { DeviceConfiguration } from './device-configuration';
import type { RawConfigs } from './raw-configs';
import type { SecurityGuard } from './security-guard';

/** What identification made of one request. */
export interface ProcessResult {
  /** The device the request comes from, as stored after the request. */
  device?: Device;
  /** The loaded plugin that serves the device. */
  plugin?: ProvdPlugin;
  /** Set when the request is refused by the sensitive-file rate limit. */
  refused?: boolean;
}

/**
 * Where a requested file is to be read from, the one contract of the HTTP and TFTP servers: the folder of the
 * device's plugin (`root`, holding the file by its requested name), or why there is none: `refused` (the
 * sensitive-file rate limit) or `unknown` (no device, or no loaded plugin for it).
 */
export type FileLocation = { root: string } | { refused: true } | { unknown: true };

/**
 * The request pipeline (contract §3.2): every DHCP, HTTP and TFTP request is identified (the host's identification
 * module: extract, then associate), its device retrieved or created, updated, associated with a plugin, configured
 * when needed, and its remote state tracked. Requests of one phone run one at a time.
 */
export class RequestProcessing {
  /** Processes the requests of `app`, guarded by `security`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
    private readonly rawConfigs: RawConfigs,
    private readonly security: SecurityGuard,
    private readonly identityLock: { run<T>(key: string, task: () => Promise<T>): Promise<T> },
  ) {}

  /**
   * Runs the identification pipeline on one request: extract (every plugin votes, then the standard extractor) →
   * retrieve by MAC, serial, UUID or IP, else create → update → associate a plugin → configure when needed →
   * remote-state tracking.
   */
  async process(request: AnyRequest, type: RequestType, tenantUuid?: string): Promise<ProcessResult> {
    const devInfo: DevInfo = (await this.app.plugins.extractor(type).extract(request as never, type)) ?? {};
    const filename = requestFilename(request, type);
    const clientIp = devInfo.ip ?? '';
    const identity = devInfo.mac ?? devInfo.sn ?? devInfo.uuid ?? devInfo.ip ?? 'anonymous';
    return this.identityLock.run(identity, async () => {
      let device = retrieveDevice(devInfo, this.app.devices);
      const known = this.app.plugins.get(device?.plugin) !== undefined;
      if (!known && filename !== undefined && this.isSensitiveAnywhere(filename)) {
        if (!this.security.recordSensitive(clientIp, filename)) return { refused: true };
      }
      if (!device) {
        if (this.app.options.autoCreate === false || this.security.isLimited(clientIp)) return {};
        device = await this.autoCreate(devInfo, tenantUuid);
        if (!device) return {};
      }
      device = await this.configuration.withDevice(device.id, (current) => this.updateFromRequest(current, devInfo, filename));
      const plugin = this.app.plugins.get(device.plugin);
      return plugin ? { device, plugin } : { device };
    });
  }

  /** Processes an HTTP or TFTP request and tells where its file is to be read from. */
  async locateFile(request: AnyRequest, type: 'http' | 'tftp', tenantUuid?: string): Promise<FileLocation> {
    const result = await this.process(request, type, tenantUuid);
    if (result.refused) return { refused: true };
    if (!result.plugin) return { unknown: true };
    return { root: result.plugin.tftpbootDir };
  }

  private isSensitiveAnywhere(filename: string): boolean {
    return this.app.plugins.sorted().some((plugin) => {
      try {
        return plugin.isSensitiveFilename(filename);
      } catch {
        return false;
      }
    });
  }

  private async autoCreate(devInfo: DevInfo, tenantUuid: string | undefined): Promise<Device | undefined> {
    const device: Device = { ...structuredClone(devInfo), id: randomUUID().replaceAll('-', ''), added: 'auto', is_new: true, configured: false };
    if (tenantUuid !== undefined) device.tenant_uuid = tenantUuid;
    try {
      await this.app.devices.put(device);
    } catch (err) {
      this.app.log(`could not create a device for ${JSON.stringify(devInfo)}: ${reasonOf(err)}`);
      return undefined;
    }
    if (devInfo.ip) this.security.line('New device created automatically', devInfo.ip, device.id);
    return device;
  }

  private async updateFromRequest(device: Device, devInfo: DevInfo, filename: string | undefined): Promise<Device> {
    let changed = updateDeviceInfo(device, devInfo);
    if (device.plugin === undefined) {
      const plugins = this.app.plugins.sorted().map((plugin) => ({ id: plugin.id, plugin }));
      const { plugin: chosen, failures } = associatePlugin(devInfo, plugins);
      for (const failure of failures) this.app.log(failure.message);
      if (chosen) {
        device.plugin = chosen;
        changed = true;
      }
    }
    if (device.config === undefined) changed = (await this.autocreateConfig(device)) || changed;
    if (devInfo.ip && !this.app.options.nat) await this.takeIpFromOthers(devInfo.ip, device.id);
    changed = this.trackRemoteState(device, filename) || changed;
    if (!changed) return device;
    return this.configuration.replaceDevice(this.app.devices.get(device.id) ?? device, device);
  }

  /** Gives a device without config a transient child of the `autocreate` config, when that config has a line 1. */
  private async autocreateConfig(device: Device): Promise<boolean> {
    const autocreate = this.app.configs.findBy('role', 'autocreate')[0];
    if (!autocreate?.raw_config.sip_lines?.['1']) return false;
    const config: StoredConfig = {
      id: `${autocreate.id}-${randomUUID()}`,
      parent_ids: [autocreate.id],
      raw_config: structuredClone(autocreate.raw_config),
      transient: true,
    };
    await this.rawConfigs.change(config.id, config);
    device.config = config.id;
    return true;
  }

  private async takeIpFromOthers(ip: string, keep: string): Promise<void> {
    const holders = this.app.devices.idsBy('ip', ip);
    if (holders.length === 0 || (holders.length === 1 && holders[0] === keep)) return;
    for (const other of this.app.devices.findBy('ip', ip)) {
      if (other.id === keep) continue;
      await this.configuration.withDevice(other.id, async (d) => {
        const { ip: _dropped, ...rest } = d;
        await this.app.devices.put(rest as Device);
      });
    }
  }

  /** Records the SIP user of line 1 when the device fetches its plugin's trigger file (contract §3.8); tells if it changed. */
  private trackRemoteState(device: Device, filename: string | undefined): boolean {
    if (!filename || !device.configured || !device.config) return false;
    const plugin = this.app.plugins.get(device.plugin);
    let trigger: string | undefined;
    try {
      trigger = plugin?.getRemoteStateTriggerFilename(device);
    } catch {
      return false;
    }
    if (!trigger || trigger !== filename) return false;
    const username = this.rawConfigs.cachedFlat(device.config)?.sip_lines?.['1']?.username;
    if (typeof username !== 'string' || username === '' || username === device.remote_state_sip_username) return false;
    device.remote_state_sip_username = username;
    return true;
  }
}
