import type { AnyRequest, Device, DhcpRequest, ProvdPlugin, RawConfig, RequestType, TftpRequest } from '@provd/sdk';
import type { HttpRoute, ProvisioningHttpRequest } from '../http/server';
import { BackgroundReconfigurer, type JobStatus } from '../reconfigure/background-reconfigurer';
import { RenderThreads } from '../reconfigure/render-threads';
import { refuseOldFormat } from '../store/import-data';
import { openStore } from '../store/open-store';
import type { Collection, ConfigRecord, DeviceRecord, Store } from '../store/store';
import { tftpFileReply } from '../tftp/file-reply';
import { TftpErrorCode } from '../tftp/packet';
import type { TftpReadReply } from '../tftp/server';
import type { AppContext } from './app-context';
import type { ProvisioningAppOptions } from './app-options';
import { ConfigOperations } from './config-operations';
import type { StoredConfig } from './config-input';
import { DeviceConfiguration } from './device-configuration';
import { DeviceOperations } from './device-operations';
import { KeyedLock } from './keyed-lock';
import { LoadedPlugins } from './loaded-plugins';
import type { PluginHost } from './plugin-host';
import { PluginOperations } from './plugin-operations';
import { RawConfigs } from './raw-configs';
import { RequestProcessing, type FileLocation, type ProcessResult } from './request-processing';
import { SecurityGuard } from './security-guard';

/**
 * The provisioning application (contract §1.5, §3, §4): stores devices and configs, identifies the device behind
 * every DHCP, HTTP and TFTP request, associates plugins, and configures devices exactly when their plugin, config or
 * identity changes, each with its own copy of its flattened, defaulted and validated raw config.
 *
 * It puts together its sections, each a module of its own: `LoadedPlugins` (the plugin snapshot),
 * `RawConfigs` (flattening), `DeviceConfiguration` (configure and reconfigure), `DeviceOperations`,
 * `ConfigOperations`, `PluginOperations` and `RequestProcessing` (the request pipeline and the file location HTTP
 * and TFTP serve from).
 */
export class ProvisioningApp {
  /** The store holding devices, configs, settings and the background jobs. */
  readonly store: Store;
  /** The devices (read access; changes go through the app's methods). */
  readonly devices: Collection<DeviceRecord>;
  /** The configs (read access; changes go through the app's methods). */
  readonly configs: Collection<ConfigRecord>;
  /** The background reconfigurations of this host. */
  readonly reconfigurer: BackgroundReconfigurer;
  private readonly options: ProvisioningAppOptions;
  private readonly loaded: LoadedPlugins;
  private readonly rawConfigs: RawConfigs;
  private readonly deviceOps: DeviceOperations;
  private readonly configOps: ConfigOperations;
  private readonly pluginOps: PluginOperations;
  private readonly requests: RequestProcessing;
  private readonly stopWatching: () => void;
  private readonly threads: RenderThreads | undefined;
  private readonly configuration: DeviceConfiguration;

  private constructor(options: ProvisioningAppOptions, store: Store) {
    this.options = options;
    this.store = store;
    this.devices = store.devices;
    this.configs = store.configs;
    const log = (line: string): void => options.log?.(line);
    this.loaded = new LoadedPlugins(options.plugins, log);
    let configuration: DeviceConfiguration | undefined;
    this.reconfigurer = new BackgroundReconfigurer({
      store,
      concurrency: options.reconfigureConcurrency,
      log,
      target: {
        reconfigure: (id, writeFlag) => configuration!.reconfigureStored(id, writeFlag),
        reconfigureMany: (ids, writeFlag) => configuration!.reconfigureStoredMany(ids, writeFlag),
        reconfigureAhead: (device, writeFlag) => configuration!.reconfigureStoredAhead(device as Device, writeFlag),
        makeDurable: () => configuration!.makeDurable(),
        deconfigure: (device) => configuration!.deconfigure(device),
      },
    });
    this.threads = RenderThreads.create({ threads: options.renderThreads, log });
    const context: AppContext = { options, store, devices: store.devices, configs: store.configs, plugins: this.loaded, deviceLock: new KeyedLock(), reconfigurer: this.reconfigurer, log };
    this.rawConfigs = new RawConfigs(context);
    configuration = new DeviceConfiguration(context, this.rawConfigs, this.threads);
    this.configuration = configuration;
    const security = new SecurityGuard({
      log: options.securityLog ?? options.log,
      limit: options.sensitiveLimit?.limit,
      windowMs: options.sensitiveLimit?.windowMs,
    });
    this.deviceOps = new DeviceOperations(context, configuration, this.rawConfigs);
    this.configOps = new ConfigOperations(context, this.rawConfigs);
    this.pluginOps = new PluginOperations(context, configuration);
    this.requests = new RequestProcessing(context, configuration, this.rawConfigs, security, new KeyedLock());
    // A config changed by another host sharing the store: forget the flattenings made from the old one.
    this.stopWatching = store.watch((change) => {
      if (change.writes.some((w) => w.kind === 'configs')) this.rawConfigs.invalidate();
    });
  }

  /**
   * Opens the store (`options.store`, by default the SQLite file of `options.dataDir`; refused with
   * `PROVD_HOST_OLD_DATA_FORMAT` when the data folder still holds documents of an old format); call
   * {@link ProvisioningApp.start} to load the plugins. Nothing is read per device.
   */
  static async open(options: ProvisioningAppOptions): Promise<ProvisioningApp> {
    await refuseOldFormat(options.dataDir);
    const store = await openStore(options.store ?? { engine: 'sqlite', dataDir: options.dataDir }, { dataDir: options.dataDir, log: options.log });
    return new ProvisioningApp(options, store);
  }

  /** The progress of the background reconfigurations of this host. */
  reconfigureStatus(): JobStatus[] {
    return this.reconfigurer.status();
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

  /**
   * Loads every installed plugin; a plugin that fails is logged and left out (and returned). No device is configured
   * at start.
   */
  start(): Promise<{ failed: { id: string; error: Error }[] }> {
    return this.pluginOps.start();
  }

  /** The devices the background reconfigurations of this host still have to do (metrics). */
  pendingWork(): number {
    return this.reconfigurer.status().reduce((sum, job) => sum + Math.max(0, job.total - job.done), 0);
  }

  /** Stops the background work, unloads every plugin and closes the store. */
  async close(): Promise<void> {
    this.stopWatching();
    try {
      await this.pluginOps.close();
    } finally {
      await this.threads?.close();
      this.configuration.close();
      await this.store.close();
    }
  }

  /** The loaded plugins, sorted by id (the stable order extraction and association use). */
  loadedPlugins(): ProvdPlugin[] {
    return [...this.loaded.sorted()];
  }

  /** Installs (or upgrades) plugin `id`, then configures every device that uses it with the new instance. */
  installPlugin(id: string): Promise<void> {
    return this.pluginOps.install(id);
  }

  /** Loads plugin `id` again from its folder (unloading the running instance), then reconfigures its devices. */
  reloadPlugin(id: string): Promise<void> {
    return this.pluginOps.reload(id);
  }

  /** Deconfigures the devices of plugin `id`, then unloads and removes it. Devices keep their records. */
  uninstallPlugin(id: string): Promise<void> {
    return this.pluginOps.uninstall(id);
  }

  // ── configs ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** The flattened raw config of config `id` over the base raw config, or `undefined` when `id` is unknown. */
  flattenedRawConfig(id: string): Promise<RawConfig | undefined> {
    return this.rawConfigs.flattened(id);
  }

  /**
   * Config `id` as stored, read once until a config changes (on this host or another sharing the store), for the
   * checks every device write makes: shared, never to be mutated.
   */
  storedConfig(id: string): Promise<StoredConfig | undefined> {
    return this.rawConfigs.config(id);
  }

  /** Creates a config from client input (validated), then configures the devices that already point at it. */
  insertConfig(input: unknown): Promise<StoredConfig> {
    return this.configOps.insert(input);
  }

  /** Replaces config `input.id`, then reconfigures every device using it or one of its descendants. */
  updateConfig(input: unknown): Promise<StoredConfig> {
    return this.configOps.update(input);
  }

  /** Deletes config `id`: its devices are deconfigured, devices of its descendants reconfigured. */
  deleteConfig(id: string): Promise<void> {
    return this.configOps.delete(id);
  }

  // ── devices ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Creates a device from client input (validated and normalised), configures it if it can, and returns it. */
  insertDevice(input: unknown): Promise<Device> {
    return this.deviceOps.insert(input);
  }

  /**
   * {@link ProvisioningApp.insertDevice} of a device that `readDeviceInput` gave (validated and normalised already,
   * e.g. by the REST API before its own checks): not read again.
   */
  insertReadDevice(device: Partial<Device>): Promise<Device> {
    return this.deviceOps.insertRead(device);
  }

  /** Replaces device `input.id` with `input`; reconfigures it when a key of the reconfigure list changed. */
  updateDevice(input: unknown): Promise<Device> {
    return this.deviceOps.update(input);
  }

  /** Deletes device `id` (deconfiguring it when configured) and the transient config only it used. */
  deleteDevice(id: string): Promise<void> {
    return this.deviceOps.delete(id);
  }

  /** Configures device `id` again (deconfigured only if that fails). */
  reconfigureDevice(id: string): Promise<Device> {
    return this.deviceOps.reconfigure(id);
  }

  /** Asks device `id` to fetch its configuration again, through its plugin's `synchronize`. */
  synchronizeDevice(id: string): Promise<void> {
    return this.deviceOps.synchronize(id);
  }

  /** Sends the standard SIP `check-sync` to a device through the host's sync service (for plugins and tests). */
  standardSynchronize(device: Device): Promise<void> {
    return this.deviceOps.standardSynchronize(device);
  }

  // ── requests ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Runs the identification pipeline on one request (see `RequestProcessing.process`). */
  process(request: AnyRequest, type: RequestType, tenantUuid?: string): Promise<ProcessResult> {
    return this.requests.process(request, type, tenantUuid);
  }

  /** Where the file of an HTTP or TFTP request is to be read from (the contract both servers share). */
  locateFile(request: AnyRequest, type: 'http' | 'tftp', tenantUuid?: string): Promise<FileLocation> {
    return this.requests.locateFile(request, type, tenantUuid);
  }

  /** Routes an HTTP request: the tftpboot folder of the device's plugin, 404 otherwise, 429 when rate-limited. */
  httpRoute(request: ProvisioningHttpRequest): Promise<HttpRoute> {
    return this.requests.locateFile(request, 'http', request.tenantUuid).then(routeOf);
  }

  /** Answers a TFTP read: the file from the device's plugin's tftpboot folder, or an error. */
  async tftpReply(request: TftpRequest): Promise<TftpReadReply> {
    const location = await this.locateFile(request, 'tftp');
    const who = identityOf(location);
    if ('refused' in location) return { error: { code: TftpErrorCode.ACCESS_VIOLATION, message: 'too many requests' }, ...who };
    if ('unknown' in location) return { error: { code: TftpErrorCode.FILE_NOT_FOUND, message: 'file not found' }, ...who };
    return { ...(await tftpFileReply(location.root, request.filename)), ...who };
  }

  /** Processes a DHCP lease (identification only: a device may be created and associated, nothing is served). */
  async dhcpCommit(request: DhcpRequest): Promise<Device | undefined> {
    return (await this.process(request, 'dhcp')).device;
  }
}

/** The device and plugin ids of a file location (for the access log). */
function identityOf(location: FileLocation): { device?: string; plugin?: string } {
  return { ...(location.device !== undefined ? { device: location.device } : {}), ...(location.plugin !== undefined ? { plugin: location.plugin } : {}) };
}

/** The HTTP route of a file location: the folder to read from, or the status to answer. */
function routeOf(location: FileLocation): HttpRoute {
  const route: HttpRoute = 'refused' in location ? { status: 429, message: 'too many requests' } : 'unknown' in location ? { status: 404, message: 'not found' } : { root: location.root };
  if (location.device !== undefined) route.device = location.device;
  if (location.plugin !== undefined) route.plugin = location.plugin;
  if (location.fresh && 'root' in route) route.fresh = true;
  return route;
}
