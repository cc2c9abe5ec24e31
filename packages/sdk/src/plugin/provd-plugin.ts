import type { PluginContext } from './plugin-context';
import type { InstallService } from './install-service';
import type { PgAssociator } from '../association/pg-associator';
import type { DeviceInfoExtractor } from '../extraction/device-info-extractor';
import type { Device } from '../types/device';
import type { RawConfig } from '../types/raw-config';

/**
 * A service a plugin exposes to the host beyond configuring devices, such as installing firmware packages. Each
 * service is looked up by name in {@link ProvdPlugin.services}.
 */
export interface PluginServices {
  /** Firmware and language packages; {@link BasePlugin} sets it when the plugin declares packages. */
  install?: InstallService;
  /** Plugin parameters an operator can set. */
  configure?: unknown;
  /** Other services, ignored by hosts that do not know them. */
  [name: string]: unknown;
}

/**
 * What a host expects of a loaded plugin (contract §1.3). {@link BasePlugin} implements it; a plugin may also
 * implement it directly.
 */
export interface ProvdPlugin {
  /** The plugin id (its folder name). */
  readonly id: string;
  /** Extracts device information from DHCP requests. */
  readonly dhcpDevInfoExtractor?: DeviceInfoExtractor<'dhcp'>;
  /** Extracts device information from HTTP requests. */
  readonly httpDevInfoExtractor?: DeviceInfoExtractor<'http'>;
  /** Extracts device information from TFTP requests. */
  readonly tftpDevInfoExtractor?: DeviceInfoExtractor<'tftp'>;
  /** Scores how well the plugin supports a device. */
  readonly pgAssociator?: PgAssociator;
  /** Extra services (firmware installation, parameters). */
  readonly services: PluginServices;
  /** The folder whose files the host serves over HTTP and TFTP for this plugin's devices. */
  readonly tftpbootDir: string;
  /** Called once after each load with the host's base raw config. */
  configureCommon(rawConfig: RawConfig): Promise<void>;
  /** Writes the files of `device` from its raw config. Throws a `ProvdError` when it cannot. */
  configure(device: Device, rawConfig: RawConfig): Promise<void>;
  /** Removes the files written for `device`; idempotent. */
  deconfigure(device: Device): Promise<void>;
  /** Asks the device to fetch its configuration again. */
  synchronize(device: Device, rawConfig: RawConfig): Promise<void>;
  /** The file whose fetch tells that the device applied its configuration (contract §3.8), if any. */
  getRemoteStateTriggerFilename(device: Device): string | undefined;
  /**
   * Whether a requested file holds secrets (passwords), so that the host logs who asks for it and rate-limits unknown
   * devices asking for it. The host asks with the requested path relative to the plugin's tftpboot folder
   * (percent-decoded, no leading `/`): `/tinkertel/001a2b3c4d5e.cfg` is asked as `tinkertel/001a2b3c4d5e.cfg`, and,
   * when that path has a folder, once more with its **base name** `001a2b3c4d5e.cfg`. The file is sensitive when
   * either answer is `true`, so a pattern on the base name alone is enough.
   */
  isSensitiveFilename(filename: string): boolean;
  /** Called last, when the host unloads the plugin. */
  close(): Promise<void>;
}

/**
 * The default export of a plugin's entry module: a class the host constructs with the plugin's context.
 *
 * @example
 * ```ts
 * export default class AcmePlugin extends BasePlugin {
 *   // ...
 * }
 * ```
 */
export type PluginConstructor = new (context: PluginContext) => ProvdPlugin;
