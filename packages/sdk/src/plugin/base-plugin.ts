import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { PgAssociator } from '../association/pg-associator';
import { createProvdError } from '../errors/sdk-errors';
import type { PackagesDeclaration } from '../firmware/define-packages';
import type { DeviceInfoExtractor } from '../extraction/device-info-extractor';
import { formatMac, type FormatMacOptions } from '../net/mac';
import { AtomicWriter } from '../files/atomic-write';
import { TemplateHelper, type DumpItem, type TemplateEscape } from '../templates/template-helper';
import type { Device } from '../types/device';
import type { PluginInfo } from '../types/plugin-info';
import type { RawConfig } from '../types/raw-config';
import type { GeneralConfig, HostServices, PluginContext, PluginLogger } from './plugin-context';
import type { PluginServices, ProvdPlugin } from './provd-plugin';

/** Options of a {@link BasePlugin}, given by a subclass to `super(context, options)`. */
export interface BasePluginOptions {
  /** The escaping of the plugin's template renders (`xml` for XML configuration files). @defaultValue "none" */
  templateEscape?: TemplateEscape;
  /**
   * Firmware packages declared in TypeScript (see `definePackages`). With them, or with a `pkgs/` folder, the plugin
   * offers the firmware service the host's `installService` factory creates as `services.install`.
   */
  packages?: PackagesDeclaration<string, string>;
}

/** One file of {@link BasePlugin.writeFiles}: a template to render, or contents ready to write. */
export type PluginFile = DumpItem | PluginFileData;

/** A file of {@link BasePlugin.writeFiles} whose contents are already made (e.g. encoded in ISO-8859-1). */
export interface PluginFileData {
  /** The path of the file. */
  file: string;
  /** The contents; strings are written as UTF-8. */
  data: string | Uint8Array;
}

const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The class plugins extend: it holds the plugin's context, the standard folders and a ready {@link TemplateHelper},
 * and implements every {@link ProvdPlugin} member with the established defaults (contract §1.3) except
 * `configure`, which each plugin writes.
 *
 * Defaults: `configureCommon`, `deconfigure` and `close` do nothing; `synchronize` rejects with
 * `PROVD_PLUGIN_SYNC_UNSUPPORTED`; no remote-state trigger file; no sensitive file; no extractors, associator or
 * services. A subclass assigns the ones it has as class fields.
 *
 * @example
 * ```ts
 * export default class AcmePlugin extends BasePlugin {
 *   override readonly httpDevInfoExtractor = new AcmeHttpExtractor();
 *   override readonly pgAssociator = new AcmeAssociator('1.2.3');
 *
 *   constructor(context: PluginContext) {
 *     super(context, { templateEscape: 'xml' });
 *   }
 *
 *   async configure(device: Device, rawConfig: RawConfig): Promise<void> {
 *     const mac = this.requireMac(device, { separator: '' });
 *     const file = `${mac}.cfg`;
 *     await this.writeFiles([
 *       { template: this.templates.getDeviceTemplate(file, device), context: rawConfig, file: this.tftpbootPath(file) },
 *     ]);
 *   }
 *
 *   override async deconfigure(device: Device): Promise<void> {
 *     if (device.mac) await this.removeFiles(this.tftpbootPath(`${formatMac(device.mac, { separator: '' })}.cfg`));
 *   }
 * }
 * ```
 */
export abstract class BasePlugin implements ProvdPlugin {
  /** The standard folder served over HTTP/TFTP, relative to the plugin folder. */
  static readonly TFTPBOOT_DIR = 'var/tftpboot';
  /** The standard folder of administrators' templates, relative to the plugin folder. */
  static readonly CUSTOM_TEMPLATES_DIR: string = TemplateHelper.CUSTOM_DIR;
  /** The standard folder of downloaded firmware archives, relative to the plugin folder. */
  static readonly CACHE_DIR = 'var/cache';
  /** The standard folder of the installed-package records, relative to the plugin folder. */
  static readonly INSTALLED_DIR = 'var/installed';
  /**
   * Where the plugin's writer stages its temporary files before renaming them into place, relative to the plugin
   * folder: beside `var/tftpboot`, so never served, and on its file system (see `AtomicWriterOptions.staging`).
   */
  static readonly STAGING_DIR = 'var/staging';

  /** The plugin id (its folder name), e.g. `digium-2.8.1`. */
  readonly id: string;
  /** The context the host constructed the plugin with. */
  readonly context: PluginContext;
  /** The absolute plugin folder. */
  readonly pluginDir: string;
  /** The host's general configuration. */
  readonly generalConfig: GeneralConfig;
  /** This plugin's own configuration from the host (`{}` when none). */
  readonly pluginConfig: Record<string, unknown>;
  /** The services the host offers the plugin (sync, logger). */
  readonly hostServices: HostServices;
  /** The absolute folder served over HTTP/TFTP (`var/tftpboot`), where device files are written. */
  readonly tftpbootDir: string;
  /** The absolute folder of administrators' templates (`var/templates`), searched before `templates/`. */
  readonly customTemplatesDir: string;
  /** The absolute folder of downloaded firmware archives (`var/cache`). */
  readonly cacheDir: string;
  /** The absolute folder of installed-package records (`var/installed`). */
  readonly installedDir: string;
  /** The template helper of this plugin's folder. */
  readonly templates: TemplateHelper;
  /** Writes the plugin's files atomically, fsynced unless the context's `writeDurability` is `none`. */
  readonly writer: AtomicWriter;
  /** Extra services (firmware installation, parameters); none by default. Assign or override to add some. */
  services: PluginServices = {};

  /** Extracts device information from DHCP requests; none by default. */
  readonly dhcpDevInfoExtractor?: DeviceInfoExtractor<'dhcp'>;
  /** Extracts device information from HTTP requests; none by default. */
  readonly httpDevInfoExtractor?: DeviceInfoExtractor<'http'>;
  /** Extracts device information from TFTP requests; none by default. */
  readonly tftpDevInfoExtractor?: DeviceInfoExtractor<'tftp'>;
  /** Scores how well the plugin supports a device; none by default. */
  readonly pgAssociator?: PgAssociator;

  /** Sets up the plugin from the host's `context`. */
  constructor(context: PluginContext, options: BasePluginOptions = {}) {
    this.context = context;
    this.id = context.id;
    this.pluginDir = resolve(context.pluginDir);
    this.generalConfig = context.generalConfig;
    this.pluginConfig = context.pluginConfig;
    this.hostServices = context.services;
    this.tftpbootDir = join(this.pluginDir, BasePlugin.TFTPBOOT_DIR);
    this.customTemplatesDir = join(this.pluginDir, BasePlugin.CUSTOM_TEMPLATES_DIR);
    this.cacheDir = join(this.pluginDir, BasePlugin.CACHE_DIR);
    this.installedDir = join(this.pluginDir, BasePlugin.INSTALLED_DIR);
    this.writer = new AtomicWriter({
      staging: join(this.pluginDir, BasePlugin.STAGING_DIR),
      durability: context.writeDurability ?? 'fsync',
      ...(context.writeMode ? { mode: context.writeMode } : {}),
      ...(context.writeFlush ? { flush: context.writeFlush } : {}),
    });
    this.templates = new TemplateHelper(this.pluginDir, { escape: options.templateEscape ?? 'none', writer: this.writer });
    const install = context.services.installService?.({
      id: context.id,
      pluginDir: this.pluginDir,
      generalConfig: context.generalConfig,
      pluginConfig: context.pluginConfig,
      ...(options.packages ? { packages: options.packages } : {}),
    });
    if (install) this.services = { install };
  }

  /** Where the plugin logs: the host's logger, or a silent one. */
  get logger(): PluginLogger {
    return this.hostServices.logger ?? silentLogger;
  }

  /**
   * Reads the plugin's `plugin-info` (parsed JSON of `<pluginDir>/plugin-info`) again on every call. Its `sdk` key
   * is the range of `@provd/sdk` versions the plugin supports. Throws `PROVD_INVALID_PLUGIN_INFO` when the file is
   * missing, not a JSON object, or lacks one of `capabilities`, `description` and `version` (the full schema check
   * is `validatePluginInfo`).
   *
   * @example
   * ```ts
   * const { version, capabilities } = this.info();
   * ```
   */
  info(): PluginInfo {
    const file = join(this.pluginDir, 'plugin-info');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const reason = err instanceof SyntaxError ? `not JSON: ${err.message}` : `cannot read it: ${(err as Error).message}`;
      throw createProvdError('PROVD_INVALID_PLUGIN_INFO', { file, errors: [reason] }, { cause: err });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw createProvdError('PROVD_INVALID_PLUGIN_INFO', { file, errors: ['the file must hold a JSON object'] });
    }
    const missing = ['capabilities', 'description', 'version'].filter((key) => !(key in parsed));
    if (missing.length > 0) {
      throw createProvdError('PROVD_INVALID_PLUGIN_INFO', { file, errors: missing.map((key) => `${key}: is required`) });
    }
    return parsed as PluginInfo;
  }

  /**
   * The absolute path of a file under the tftpboot folder, from relative segments. Throws
   * `PROVD_PLUGIN_PATH_OUTSIDE` for an absolute segment or one that climbs out with `..`.
   *
   * @example
   * ```ts
   * this.tftpbootPath('Digium', '000fd3054848.cfg'); // <pluginDir>/var/tftpboot/Digium/000fd3054848.cfg
   * ```
   */
  tftpbootPath(...segments: string[]): string {
    const rel = segments.join('/');
    const parts = rel.split(/[/\\]/);
    if (segments.some((s) => isAbsolute(s)) || parts.includes('..') || rel.includes('\0')) {
      throw createProvdError('PROVD_PLUGIN_PATH_OUTSIDE', { plugin: this.id, path: rel });
    }
    return join(this.tftpbootDir, ...segments);
  }

  /**
   * The device's MAC address, formatted (e.g. `{ separator: '' }` for `000fd3054848`); throws `PROVD_DEVICE_NO_MAC`
   * naming the device and plugin when it has none.
   *
   * @example
   * ```ts
   * const mac = this.requireMac(device, { separator: '' }); // '000fd3054848'
   * ```
   */
  requireMac(device: Device, options: FormatMacOptions = {}): string {
    if (!device.mac) throw createProvdError('PROVD_DEVICE_NO_MAC', { device: device.id, plugin: this.id });
    return formatMac(device.mac, options);
  }

  /**
   * Renders several templates and writes their files all-or-nothing: either every file is replaced or none, and
   * a failure (render or write) leaves the earlier files as they were. Every template is rendered before anything is
   * written. Files are written atomically (fsynced unless the context's `writeDurability` is `none`), rendered text
   * in UTF-8; an item with `data` instead of a template is written as given (e.g. text a plugin encoded itself).
   *
   * @example
   * ```ts
   * await this.writeFiles([
   *   { template: this.templates.getDeviceTemplate(`${mac}.cfg`, device), context: rawConfig, file: this.tftpbootPath('Digium', `${mac}.cfg`) },
   *   { template: 'contact.tpl', context: rawConfig, file: this.tftpbootPath('Digium', `${mac}-contacts.xml`) },
   * ]);
   * ```
   */
  async writeFiles(files: readonly PluginFile[]): Promise<void> {
    const contents = files.map((f) => ({
      path: f.file,
      data: 'data' in f ? f.data : this.templates.render(f.template, f.context, f),
    }));
    await this.writer.writeFiles(contents);
  }

  /**
   * Removes files; a file that does not exist is not an error (so `deconfigure` stays idempotent).
   *
   * @example
   * ```ts
   * await this.removeFiles(this.tftpbootPath('Digium', `${mac}.cfg`), this.tftpbootPath('Digium', `${mac}-contacts.xml`));
   * ```
   */
  async removeFiles(...files: string[]): Promise<void> {
    for (const file of files) {
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }

  /** Called once after each load with a copy of the host's base raw config; does nothing by default. */
  async configureCommon(_rawConfig: RawConfig): Promise<void> {}

  /** Writes the files of `device` from its raw config. Throws a `ProvdError` naming the device when it cannot. */
  abstract configure(device: Device, rawConfig: RawConfig): Promise<void>;

  /** Removes the files written for `device`; does nothing by default. Must be idempotent. */
  async deconfigure(_device: Device): Promise<void> {}

  /** Asks the device to fetch its configuration again; by default rejects with `PROVD_PLUGIN_SYNC_UNSUPPORTED`. */
  async synchronize(device: Device, _rawConfig: RawConfig): Promise<void> {
    throw createProvdError('PROVD_PLUGIN_SYNC_UNSUPPORTED', { plugin: this.id, device: device.id });
  }

  /** The file whose fetch tells that the device applied its configuration (contract §3.8); none by default. */
  getRemoteStateTriggerFilename(_device: Device): string | undefined {
    return undefined;
  }

  /**
   * Whether a requested file holds secrets, so that the host logs who asks for it; `false` by default. The host asks
   * with the path relative to tftpboot (`Digium/000fd3054848.cfg`) and, when it has a folder, with its base name
   * (`000fd3054848.cfg`): see {@link ProvdPlugin.isSensitiveFilename}.
   */
  isSensitiveFilename(_filename: string): boolean {
    return false;
  }

  /** Called last, when the host unloads the plugin; does nothing by default. */
  async close(): Promise<void> {}
}
