import type { RawConfig, SyncService } from '@provd/sdk';
import type { StoreLocation } from '../store/store';
import type { PluginHost } from './plugin-host';

/** Options of `ProvisioningApp.open`. */
export interface ProvisioningAppOptions {
  /** The host's data folder: its id, and the SQLite store (`<dataDir>/provd.sqlite`) unless `store` says otherwise. */
  dataDir: string;
  /** Where devices and configs are stored. @defaultValue the SQLite file of `dataDir` */
  store?: StoreLocation;
  /** How many devices background reconfigurations configure at once. @defaultValue 32 */
  reconfigureConcurrency?: number;
  /**
   * How many worker threads configure the devices of background reconfigurations (each loads its own instance of
   * the plugins the plugin manager can load from a folder), so that serving never waits behind them; 0: in the main
   * thread. @defaultValue the cores but one, 1 or 2 (none when the host runs from its TypeScript sources)
   */
  renderThreads?: number;
  /** The plugin manager. */
  plugins: PluginHost;
  /** The base raw config every flattening starts from (see the core's `baseRawConfig`). @defaultValue {} */
  baseRawConfig?: RawConfig;
  /** How devices are synchronized; absent: synchronize fails with `PROVD_SYNC_UNAVAILABLE`. */
  syncService?: SyncService;
  /** Create a device for every unknown requester (contract default). @defaultValue true */
  autoCreate?: boolean;
  /** Devices sit behind NAT (several may share an IP), so an IP is not taken away from other devices. @defaultValue false */
  nat?: boolean;
  /** The tenant of the devices the host creates for phones it does not know (the API's top tenant). */
  defaultTenant?: string;
  /** URL-key mode: the key of each tenant (`tenant uuid → key`), prefixed to `http_base_url` when configuring. */
  urlKeys?: Readonly<Record<string, string>>;
  /**
   * Requests that prove nothing (every HTTP and TFTP request outside URL-key mode, TFTP requests in it) may move a
   * known device's IP and take it from other devices; otherwise only DHCP information, the API and requests
   * authenticated for the device do, and a known device's sensitive files go only to its recorded IP.
   * @defaultValue false
   */
  trustRequestIp?: boolean;
  /** In URL-key mode, sensitive files may also be read over TFTP (unauthenticated), from the device's own IP. @defaultValue false */
  sensitiveOverTftp?: boolean;
  /** The rate limit of sensitive files (misses, and hits from elsewhere than the device's recorded IP), per client IP. */
  sensitiveLimit?: { limit: number; windowMs: number };
  /** Receives operational log lines. */
  log?: (line: string) => void;
  /** Receives security lines (fail2ban-friendly). @defaultValue the operational log */
  securityLog?: (line: string) => void;
  /** Told how identification ended for each phone request (metrics). */
  onIdentified?: (outcome: 'known' | 'created' | 'ignored' | 'refused') => void;
  /** Told each plugin association: `new` (the device had none) or `better` (a higher score replaced its plugin). */
  onAssociated?: (plugin: string, reason: 'new' | 'better') => void;
  /** Told each configure call: the plugin, its duration in seconds and whether it succeeded (metrics). */
  onConfigured?: (plugin: string, seconds: number, ok: boolean) => void;
}
