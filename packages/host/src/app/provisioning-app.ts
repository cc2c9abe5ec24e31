import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  applyRawConfigDefaults,
  configDescendants,
  createHostExtractor,
  createProvdError,
  flattenConfig,
  needsReconfigure,
  standardSipSynchronize,
  validateRawConfig,
  type AnyRequest,
  type Device,
  type DeviceInfoExtractor,
  type DevInfo,
  type DhcpRequest,
  type ProvdPlugin,
  type RawConfig,
  type RequestType,
  type SyncService,
  type TftpRequest,
} from '@provd/sdk';
import type { HttpRoute, ProvisioningHttpRequest } from '../http/server';
import { associatePlugin, updateDeviceInfo } from '../pipeline/update';
import { requestFilename } from '../pipeline/request-filename';
import { retrieveDevice } from '../pipeline/retrieve';
import { DocumentStore } from '../store/document-store';
import { tftpFileReply } from '../tftp/file-reply';
import { TftpErrorCode } from '../tftp/packet';
import type { TftpReadReply } from '../tftp/server';
import { readConfigInput, type StoredConfig } from './config-input';
import { readDeviceInput } from './device-input';
import { KeyedLock } from './keyed-lock';
import type { PluginHost } from './plugin-host';
import { SecurityGuard } from './security-guard';

/** Options of {@link ProvisioningApp.open}. */
export interface ProvisioningAppOptions {
  /** Where devices and configs are stored (`<dataDir>/devices/`, `<dataDir>/configs/`). */
  dataDir: string;
  /** The plugin manager. */
  plugins: PluginHost;
  /** The base raw config every flattening starts from (see the SDK's `baseRawConfig`). @defaultValue {} */
  baseRawConfig?: RawConfig;
  /** How devices are synchronized; absent: synchronize fails with `PROVD_SYNC_UNAVAILABLE`. */
  syncService?: SyncService;
  /** Create a device for every unknown requester (contract default). @defaultValue true */
  autoCreate?: boolean;
  /** Devices sit behind NAT (several may share an IP), so an IP is not taken away from other devices. @defaultValue false */
  nat?: boolean;
  /** URL-key mode: the key of each tenant (`tenant uuid → key`), prefixed to `http_base_url` when configuring. */
  urlKeys?: Readonly<Record<string, string>>;
  /** The rate limit of sensitive files requested by unknown devices, per client IP. */
  sensitiveLimit?: { limit: number; windowMs: number };
  /** Receives operational log lines. */
  log?: (line: string) => void;
  /** Receives security lines (fail2ban-friendly). @defaultValue the operational log */
  securityLog?: (line: string) => void;
}

/** What identification made of one request. */
export interface ProcessResult {
  /** The device the request comes from, as stored after the request. */
  device?: Device;
  /** The loaded plugin that serves the device. */
  plugin?: ProvdPlugin;
  /** Set when the request is refused by the sensitive-file rate limit. */
  refused?: boolean;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The provisioning application (contract §1.5, §3, §4): stores devices and configs, identifies the device behind
 * every DHCP, HTTP and TFTP request, associates plugins, and configures devices exactly when their plugin, config or
 * identity changes, each with its own copy of its flattened, defaulted and validated raw config.
 */
export class ProvisioningApp {
  /** The devices. */
  readonly devices: DocumentStore<Device>;
  /** The configs. */
  readonly configs: DocumentStore<StoredConfig>;
  private readonly options: ProvisioningAppOptions;
  private readonly identityLock = new KeyedLock();
  private readonly deviceLock = new KeyedLock();
  private readonly security: SecurityGuard;
  private extractors = new Map<RequestType, DeviceInfoExtractor>();
  /** The loaded plugins by id and sorted by id, taken after each plugin operation of the app. */
  private snapshot: { byId: ReadonlyMap<string, ProvdPlugin>; sorted: ProvdPlugin[] } | undefined;
  /** Flattened raw configs by config id, dropped whenever a config changes. */
  private readonly flatCache = new Map<string, RawConfig | undefined>();

  private constructor(options: ProvisioningAppOptions, devices: DocumentStore<Device>, configs: DocumentStore<StoredConfig>) {
    this.options = options;
    this.devices = devices;
    this.configs = configs;
    this.security = new SecurityGuard({
      log: options.securityLog ?? options.log ?? (() => {}),
      limit: options.sensitiveLimit?.limit,
      windowMs: options.sensitiveLimit?.windowMs,
    });
  }

  /** Opens the stores under `options.dataDir`; call {@link ProvisioningApp.start} to load the plugins. */
  static async open(options: ProvisioningAppOptions): Promise<ProvisioningApp> {
    const log = options.log;
    const devices = await DocumentStore.open<Device>(join(options.dataDir, 'devices'), { kind: 'device', indexes: ['mac', 'sn', 'uuid', 'ip', 'plugin', 'config'], log });
    const configs = await DocumentStore.open<StoredConfig>(join(options.dataDir, 'configs'), { kind: 'config', indexes: ['role'], log });
    return new ProvisioningApp(options, devices, configs);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** The plugin manager. */
  get plugins(): PluginHost {
    return this.options.plugins;
  }

  /** The base raw config (a copy). */
  get baseRawConfig(): RawConfig {
    return structuredClone(this.options.baseRawConfig ?? {});
  }

  // ── plugins ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Loads every installed plugin; a plugin that fails is logged and left out. No device is configured at start. */
  async start(): Promise<void> {
    const { failed } = await this.options.plugins.loadAll();
    for (const { id, error } of failed) this.log(`plugin "${id}" could not be loaded: ${error.message}`);
    this.pluginsChanged();
  }

  /** Unloads every plugin. */
  async close(): Promise<void> {
    await this.options.plugins.closeAll();
    this.pluginsChanged();
  }

  /** The loaded plugins, sorted by id (the stable order extraction and association use). */
  loadedPlugins(): ProvdPlugin[] {
    return [...this.pluginSnapshot().sorted];
  }

  private pluginSnapshot(): { byId: ReadonlyMap<string, ProvdPlugin>; sorted: ProvdPlugin[] } {
    if (!this.snapshot) {
      const byId = new Map(this.options.plugins.loaded());
      const sorted = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.snapshot = { byId, sorted };
    }
    return this.snapshot;
  }

  /** The loaded plugin `id`, if any. */
  private loadedPlugin(id: string | undefined): ProvdPlugin | undefined {
    return id === undefined ? undefined : this.pluginSnapshot().byId.get(id);
  }

  /** Forgets what was derived from the loaded plugins (after a load, install or uninstall). */
  private pluginsChanged(): void {
    this.extractors.clear();
    this.snapshot = undefined;
  }

  /** Installs (or upgrades) plugin `id`, then configures every device that uses it with the new instance. */
  async installPlugin(id: string): Promise<void> {
    try {
      await this.options.plugins.install(id);
    } finally {
      this.pluginsChanged();
    }
    for (const device of this.devices.findBy('plugin', id)) await this.withDevice(device.id, (d) => this.reconfigureLocked(d));
  }

  /** Deconfigures the devices of plugin `id`, then unloads and removes it. Devices keep their records. */
  async uninstallPlugin(id: string): Promise<void> {
    for (const device of this.devices.findBy('plugin', id)) {
      await this.withDevice(device.id, async (d) => {
        if (d.configured) await this.deconfigure(d);
        await this.devices.put({ ...d, configured: false });
      });
    }
    try {
      await this.options.plugins.uninstall(id);
    } finally {
      this.pluginsChanged();
    }
  }

  // ── configuring ────────────────────────────────────────────────────────────────────────────────────────────────

  /** The flattened raw config of config `id` over the base raw config, or `undefined` when `id` is unknown. */
  flattenedRawConfig(id: string): RawConfig | undefined {
    const flat = this.cachedFlat(id);
    return flat === undefined ? undefined : structuredClone(flat);
  }

  /** The cached flattened raw config of `id`: shared, never to be mutated. */
  private cachedFlat(id: string): RawConfig | undefined {
    if (!this.flatCache.has(id)) {
      if (this.flatCache.size > 10_000) this.flatCache.clear();
      this.flatCache.set(id, flattenConfig(id, (cid) => this.configs.get(cid), this.options.baseRawConfig ?? {}));
    }
    return this.flatCache.get(id);
  }

  /** Writes or deletes a config and forgets every cached flattening. */
  private async changeConfig(id: string, config?: StoredConfig): Promise<void> {
    this.flatCache.clear();
    if (config) await this.configs.put(config);
    else await this.configs.delete(id);
    this.flatCache.clear();
  }

  /** The raw config a device is configured with: flattened, defaulted, with the tenant's URL key. */
  private rawConfigFor(device: Device): RawConfig | undefined {
    if (!device.config) return undefined;
    const flat = this.flattenedRawConfig(device.config);
    if (!flat) return undefined;
    const raw = applyRawConfigDefaults(flat) as RawConfig;
    const key = device.tenant_uuid !== undefined ? this.options.urlKeys?.[device.tenant_uuid] : undefined;
    if (key && raw.http_base_url) raw.http_base_url = `${raw.http_base_url.replace(/\/+$/, '')}/${key}`;
    return raw;
  }

  /**
   * Configures `device` with its plugin and its own copy of its raw config; resolves to whether it succeeded (the
   * value of `configured`). Nothing happens without a loaded plugin or a config that exists.
   */
  private async configure(device: Device): Promise<boolean> {
    const plugin = this.loadedPlugin(device.plugin);
    const raw = plugin ? this.rawConfigFor(device) : undefined;
    if (!plugin || !raw) return false;
    const { valid, errors } = validateRawConfig(raw);
    if (!valid) {
      this.log(createProvdError('PROVD_INVALID_RAW_CONFIG', { device: device.id, errors }).message);
      return false;
    }
    try {
      await plugin.configure(structuredClone(device), raw);
      return true;
    } catch (err) {
      this.log(`configure of device "${device.id}" by plugin "${plugin.id}" failed: ${reasonOf(err)}`);
      return false;
    }
  }

  private async deconfigure(device: Device): Promise<void> {
    const plugin = this.loadedPlugin(device.plugin);
    if (!plugin) return;
    try {
      await plugin.deconfigure(structuredClone(device));
    } catch (err) {
      this.log(`deconfigure of device "${device.id}" by plugin "${plugin.id}" failed: ${reasonOf(err)}`);
    }
  }

  private withDevice<T>(id: string, task: (device: Device) => Promise<T>): Promise<T> {
    return this.deviceLock.run(id, async () => {
      const device = this.devices.get(id);
      if (!device) throw createProvdError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
      return task(device);
    });
  }

  /**
   * Configures an unchanged `device` again (its config, or its plugin's instance, changed) and stores the new
   * `configured` flag. The plugin overwrites the device's files atomically, so a phone fetching meanwhile gets the old
   * file or the new one, never a 404; when configure fails, the device is deconfigured.
   */
  private async reconfigureLocked(device: Device): Promise<Device> {
    const configured = await this.configure(device);
    if (!configured && device.configured) await this.deconfigure(device);
    const updated = { ...device, configured };
    await this.devices.put(updated);
    return updated;
  }

  // ── devices ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Creates a device from client input (validated and normalised), configures it if it can, and returns it. */
  async insertDevice(input: unknown): Promise<Device> {
    const read = readDeviceInput(input);
    if ('errors' in read) throw createProvdError('PROVD_HOST_INVALID_DEVICE', { errors: read.errors });
    const device = { ...read.device, id: read.device.id ?? randomUUID().replaceAll('-', '') } as Device;
    return this.deviceLock.run(device.id, async () => {
      if (this.devices.has(device.id)) throw createProvdError('PROVD_HOST_DUPLICATE_ID', { kind: 'device', id: device.id });
      device.configured = false;
      await this.devices.put(device);
      device.configured = await this.configure(device);
      if (device.configured) await this.devices.put(device);
      return device;
    });
  }

  /**
   * Replaces device `input.id` with `input` (the host keeps `configured`); when a key of the reconfigure list
   * changed, the old device is deconfigured and the new one configured.
   */
  async updateDevice(input: unknown): Promise<Device> {
    const read = readDeviceInput(input);
    if ('errors' in read) throw createProvdError('PROVD_HOST_INVALID_DEVICE', { device: String((input as Device)?.id ?? ''), errors: read.errors });
    const id = read.device.id;
    if (id === undefined) throw createProvdError('PROVD_HOST_INVALID_DEVICE', { errors: ['id: is required'] });
    return this.withDevice(id, (old) => this.replaceDevice(old, { ...read.device, id } as Device));
  }

  private async replaceDevice(old: Device, next: Device): Promise<Device> {
    if (!needsReconfigure(old, next)) {
      const kept = { ...next, configured: old.configured ?? false };
      await this.devices.put(kept);
      return kept;
    }
    if (old.configured) await this.deconfigure(old);
    next.configured = false;
    await this.devices.put(next);
    next.configured = await this.configure(next);
    if (next.configured) await this.devices.put(next);
    if (old.config && old.config !== next.config) await this.dropTransientConfig(old.config);
    return next;
  }

  /** Deletes device `id` (deconfiguring it when configured) and the transient config only it used. */
  async deleteDevice(id: string): Promise<void> {
    await this.withDevice(id, async (device) => {
      await this.devices.delete(id);
      if (device.configured) await this.deconfigure(device);
      if (device.config) await this.dropTransientConfig(device.config);
    });
  }

  /** Configures device `id` again (deconfigured only if that fails). */
  async reconfigureDevice(id: string): Promise<Device> {
    return this.withDevice(id, (device) => this.reconfigureLocked(device));
  }

  /** Asks device `id` to fetch its configuration again, through its plugin's `synchronize`. */
  async synchronizeDevice(id: string): Promise<void> {
    const device = this.devices.get(id);
    if (!device) throw createProvdError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
    if (!device.configured) throw createProvdError('PROVD_HOST_DEVICE_NOT_CONFIGURED', { device: id });
    const plugin = this.loadedPlugin(device.plugin);
    if (!plugin) throw createProvdError('PROVD_HOST_PLUGIN_NOT_LOADED', { plugin: device.plugin ?? '', device: id });
    await plugin.synchronize(device, this.rawConfigFor(device) ?? {});
  }

  /** Sends the standard SIP `check-sync` to a device through the host's sync service (for plugins and tests). */
  async standardSynchronize(device: Device): Promise<void> {
    await standardSipSynchronize(device, this.options.syncService);
  }

  private async dropTransientConfig(configId: string): Promise<void> {
    const config = this.configs.get(configId);
    if (config?.transient && this.devices.findBy('config', configId).length === 0) await this.changeConfig(configId);
  }

  // ── configs ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Creates a config from client input (validated), then configures the devices that already point at it. */
  async insertConfig(input: unknown): Promise<StoredConfig> {
    const read = readConfigInput(input, (id) => this.configs.get(id));
    if ('errors' in read) throw createProvdError('PROVD_HOST_INVALID_CONFIG', { config: (input as StoredConfig)?.id, errors: read.errors });
    const config = { ...read.config, id: read.config.id ?? randomUUID().replaceAll('-', '') } as StoredConfig;
    if (this.configs.has(config.id)) throw createProvdError('PROVD_HOST_DUPLICATE_ID', { kind: 'config', id: config.id });
    await this.changeConfig(config.id, config);
    await this.reconfigureConfigDevices(config.id);
    return config;
  }

  /** Replaces config `input.id`, then reconfigures every device using it or one of its descendants. */
  async updateConfig(input: unknown): Promise<StoredConfig> {
    const id = (input as StoredConfig)?.id;
    if (typeof id !== 'string' || !this.configs.has(id)) throw createProvdError('PROVD_HOST_CONFIG_NOT_FOUND', { config: String(id) });
    const read = readConfigInput(input, (cid) => this.configs.get(cid));
    if ('errors' in read) throw createProvdError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: read.errors });
    const descendants = configDescendants(id, this.configs.all());
    const loop = (read.config.parent_ids as string[]).find((p) => descendants.has(p));
    if (loop) throw createProvdError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: [`parent_ids: "${loop}" inherits from "${id}", which would make a loop`] });
    const config = { ...read.config, id } as StoredConfig;
    await this.changeConfig(id, config);
    await this.reconfigureConfigDevices(id);
    return config;
  }

  /**
   * Deletes config `id`: devices pointing at it are deconfigured (`configured: false`); devices of its descendants
   * are reconfigured and their flag refreshed.
   */
  async deleteConfig(id: string): Promise<void> {
    const config = this.configs.get(id);
    if (!config) throw createProvdError('PROVD_HOST_CONFIG_NOT_FOUND', { config: id });
    if (config.deletable === false) throw createProvdError('PROVD_HOST_CONFIG_NOT_DELETABLE', { config: id });
    const descendants = configDescendants(id, this.configs.all());
    await this.changeConfig(id);
    for (const device of this.devices.findBy('config', id)) {
      await this.withDevice(device.id, async (d) => {
        if (d.configured) await this.deconfigure(d);
        await this.devices.put({ ...d, configured: false });
      });
    }
    for (const child of descendants) await this.reconfigureDevicesOf(child);
  }

  private async reconfigureConfigDevices(id: string): Promise<void> {
    await this.reconfigureDevicesOf(id);
    for (const child of configDescendants(id, this.configs.all())) await this.reconfigureDevicesOf(child);
  }

  private async reconfigureDevicesOf(configId: string): Promise<void> {
    for (const device of this.devices.findBy('config', configId)) {
      if (!device.plugin || !this.loadedPlugin(device.plugin)) continue;
      await this.withDevice(device.id, (d) => this.reconfigureLocked(d));
    }
  }

  // ── identification (every request) ────────────────────────────────────────────────────────────────────────────

  private extractor(type: RequestType): DeviceInfoExtractor {
    let extractor = this.extractors.get(type);
    if (!extractor) {
      const key = `${type}DevInfoExtractor` as 'dhcpDevInfoExtractor' | 'httpDevInfoExtractor' | 'tftpDevInfoExtractor';
      const plugins = this.loadedPlugins().filter((p) => p[key] !== undefined);
      extractor = createHostExtractor(
        plugins.map((p) => p[key] as DeviceInfoExtractor),
        { onError: (error, index) => this.log(`plugin "${plugins[index]?.id}": ${error.message}`) },
      );
      this.extractors.set(type, extractor);
    }
    return extractor;
  }

  private isSensitiveAnywhere(filename: string): boolean {
    return this.loadedPlugins().some((plugin) => {
      try {
        return plugin.isSensitiveFilename(filename);
      } catch {
        return false;
      }
    });
  }

  /**
   * Runs the identification pipeline on one request (contract §3.2): extract (every plugin votes, then the standard
   * extractor) → retrieve by MAC, serial, UUID or IP, else create → update → associate a plugin → configure when
   * needed → remote-state tracking. Requests of one phone run one at a time.
   */
  async process(request: AnyRequest, type: RequestType, tenantUuid?: string): Promise<ProcessResult> {
    const devInfo: DevInfo = (await this.extractor(type).extract(request as never, type)) ?? {};
    const filename = requestFilename(request, type);
    const clientIp = devInfo.ip ?? '';
    const identity = devInfo.mac ?? devInfo.sn ?? devInfo.uuid ?? devInfo.ip ?? 'anonymous';
    return this.identityLock.run(identity, async () => {
      let device = retrieveDevice(devInfo, this.devices);
      const known = this.loadedPlugin(device?.plugin) !== undefined;
      if (!known && filename !== undefined && this.isSensitiveAnywhere(filename)) {
        if (!this.security.recordSensitive(clientIp, filename)) return { refused: true };
      }
      if (!device) {
        if (this.options.autoCreate === false || this.security.isLimited(clientIp)) return {};
        device = await this.autoCreate(devInfo, tenantUuid);
        if (!device) return {};
      }
      device = await this.withDevice(device.id, (current) => this.updateFromRequest(current, devInfo, filename));
      const plugin = this.loadedPlugin(device.plugin);
      return plugin ? { device, plugin } : { device };
    });
  }

  private async autoCreate(devInfo: DevInfo, tenantUuid: string | undefined): Promise<Device | undefined> {
    const device: Device = { ...structuredClone(devInfo), id: randomUUID().replaceAll('-', ''), added: 'auto', is_new: true, configured: false };
    if (tenantUuid !== undefined) device.tenant_uuid = tenantUuid;
    try {
      await this.devices.put(device);
    } catch (err) {
      this.log(`could not create a device for ${JSON.stringify(devInfo)}: ${reasonOf(err)}`);
      return undefined;
    }
    if (devInfo.ip) this.security.line('New device created automatically', devInfo.ip, device.id);
    return device;
  }

  private async updateFromRequest(device: Device, devInfo: DevInfo, filename: string | undefined): Promise<Device> {
    let changed = updateDeviceInfo(device, devInfo);
    if (device.plugin === undefined) {
      const chosen = associatePlugin(devInfo, this.loadedPlugins(), (e) => this.log(e.message));
      if (chosen) {
        device.plugin = chosen;
        changed = true;
      }
    }
    if (device.config === undefined) changed = (await this.autocreateConfig(device)) || changed;
    if (devInfo.ip && !this.options.nat) await this.takeIpFromOthers(devInfo.ip, device.id);
    changed = this.trackRemoteState(device, filename) || changed;
    if (!changed) return device;
    return this.replaceDevice(this.devices.get(device.id) ?? device, device);
  }

  /** Gives a device without config a transient child of the `autocreate` config, when that config has a line 1. */
  private async autocreateConfig(device: Device): Promise<boolean> {
    const autocreate = this.configs.findBy('role', 'autocreate')[0];
    if (!autocreate?.raw_config.sip_lines?.['1']) return false;
    const config: StoredConfig = {
      id: `${autocreate.id}-${randomUUID()}`,
      parent_ids: [autocreate.id],
      raw_config: structuredClone(autocreate.raw_config),
      transient: true,
    };
    await this.changeConfig(config.id, config);
    device.config = config.id;
    return true;
  }

  private async takeIpFromOthers(ip: string, keep: string): Promise<void> {
    const holders = this.devices.idsBy('ip', ip);
    if (holders.length === 0 || (holders.length === 1 && holders[0] === keep)) return;
    for (const other of this.devices.findBy('ip', ip)) {
      if (other.id === keep) continue;
      await this.withDevice(other.id, async (d) => {
        const { ip: _dropped, ...rest } = d;
        await this.devices.put(rest as Device);
      });
    }
  }

  /** Records the SIP user of line 1 when the device fetches its plugin's trigger file (contract §3.8); tells if it changed. */
  private trackRemoteState(device: Device, filename: string | undefined): boolean {
    if (!filename || !device.configured || !device.config) return false;
    const plugin = this.loadedPlugin(device.plugin);
    let trigger: string | undefined;
    try {
      trigger = plugin?.getRemoteStateTriggerFilename(device);
    } catch {
      return false;
    }
    if (!trigger || trigger !== filename) return false;
    const username = this.cachedFlat(device.config)?.sip_lines?.['1']?.username;
    if (typeof username !== 'string' || username === '' || username === device.remote_state_sip_username) return false;
    device.remote_state_sip_username = username;
    return true;
  }

  /** Routes an HTTP request: the tftpboot folder of the device's plugin, 404 otherwise, 429 when rate-limited. */
  async httpRoute(request: ProvisioningHttpRequest): Promise<HttpRoute> {
    const result = await this.process(request, 'http', request.tenantUuid);
    if (result.refused) return { status: 429, message: 'too many requests' };
    if (!result.plugin) return { status: 404, message: 'not found' };
    return { root: result.plugin.tftpbootDir };
  }

  /** Answers a TFTP read: the file from the device's plugin's tftpboot folder, or an error. */
  async tftpReply(request: TftpRequest): Promise<TftpReadReply> {
    const result = await this.process(request, 'tftp');
    if (result.refused) return { error: { code: TftpErrorCode.ACCESS_VIOLATION, message: 'too many requests' } };
    if (!result.plugin) return { error: { code: TftpErrorCode.FILE_NOT_FOUND, message: 'file not found' } };
    return tftpFileReply(result.plugin.tftpbootDir, request.filename);
  }

  /** Processes a DHCP lease (identification only: a device may be created and associated, nothing is served). */
  async dhcpCommit(request: DhcpRequest): Promise<Device | undefined> {
    return (await this.process(request, 'dhcp')).device;
  }
}
