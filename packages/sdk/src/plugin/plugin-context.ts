import type { FilesystemFlush, WriteDurability, WriteMode } from '../files/atomic-write';
import type { SyncService } from '../sync/sync-service';
import type { PackagesDeclaration } from '../firmware/define-packages';
import type { InstallService } from './install-service';

/** Logging functions the host gives a plugin. */
export interface PluginLogger {
  /** Logs a debug message. */
  debug(message: string): void;
  /** Logs an informational message. */
  info(message: string): void;
  /** Logs a warning. */
  warn(message: string): void;
  /** Logs an error. */
  error(message: string): void;
}

/** HTTP(S) proxies the host uses for downloads, keyed by scheme. */
export interface ProxyConfig {
  /** Proxy URL for `http://` downloads. */
  http?: string;
  /** Proxy URL for `https://` downloads. */
  https?: string;
}

/** The host's general configuration as a plugin sees it (contract §1.2; only what plugins use). */
export interface GeneralConfig {
  /** Download proxies. */
  proxies?: ProxyConfig;
  /** The URL phones use to reach the host over HTTP, e.g. `http://10.0.0.1:8667`. */
  advertisedHttpUrl?: string;
  /** The host's TFTP port. */
  tftpPort?: number;
  /** Other settings. */
  [key: string]: unknown;
}

/** The services a host offers to its plugins. */
export interface HostServices {
  /** How SIP NOTIFYs reach phones; absent when the host cannot synchronize devices. */
  sync?: SyncService;
  /** Where the plugin logs. */
  logger?: PluginLogger;
  /**
   * Creates the plugin's firmware-package service (`services.install`); absent when the host installs no firmware.
   * `BasePlugin` calls it with the plugin's folder and declared packages.
   */
  installService?: InstallServiceFactory;
}

/** What a plugin is constructed with. */
export interface PluginContext {
  /** The plugin id, e.g. `digium-2.8.1` (the name of its folder). */
  id: string;
  /** The absolute path of the plugin's folder. */
  pluginDir: string;
  /** The host's general configuration. */
  generalConfig: GeneralConfig;
  /** Free-form configuration of this plugin, from the host's configuration (`{}` when none). */
  pluginConfig: Record<string, unknown>;
  /** The services the host offers. */
  services: HostServices;
  /**
   * Whether the plugin's file writes (`BasePlugin.writeFiles`, its template helper's `dump`) are fsynced: `fsync`
   * (the default, what a host serving phones needs: a configured file survives a power loss) or `none`, for a host
   * whose tftpboot is a throwaway working copy (`provd render`). Writes stay atomic and all-or-nothing either way.
   * @defaultValue "fsync"
   */
  writeDurability?: WriteDurability;
  /**
   * Where the plugin's file writes make their file-system calls (the `mode` of its `AtomicWriter`): `event-loop`
   * (the default) or `sync`, for a host that runs the plugin in a worker thread of its own (a background render
   * thread), leaving libuv's thread pool to the thread that serves.
   * @defaultValue "event-loop"
   */
  writeMode?: WriteMode;
  /**
   * With `writeMode` `hybrid` and durability `fsync`: how the plugin's files are made durable instead of an fsync
   * each (the `flush` of its `AtomicWriter`, e.g. a syncfs shared by the writes in flight; every file still durable
   * before its rename). A render with fsync (`renderPlugin`) gives one.
   */
  writeFlush?: FilesystemFlush;
}

/** What `BasePlugin` tells the host's {@link InstallServiceFactory} about a plugin. */
export interface InstallServiceRequest {
  /** The plugin id, e.g. `digium-2.8.1`. */
  id: string;
  /** The absolute plugin folder (holding `pkgs/` and `var/`). */
  pluginDir: string;
  /** The host's general configuration (download proxies). */
  generalConfig: GeneralConfig;
  /** The plugin's own configuration (`username`/`password` for authenticated downloads). */
  pluginConfig: Record<string, unknown>;
  /** Packages the plugin declares in TypeScript (`definePackages`), if any. */
  packages?: PackagesDeclaration<string, string>;
}

/**
 * How a host creates the firmware service of a plugin (`PluginContext.services.installService`): `undefined` when
 * the plugin declares no package (no `pkgs/` folder and no declaration). The host's `firmwareServiceFor`
 * (`@provd/firmware`) is one.
 */
export type InstallServiceFactory = (request: InstallServiceRequest) => InstallService | undefined;
