import { firmwareServiceFor } from '@provd/firmware';
import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FilesystemFlush, type HostServices, type GeneralConfig, type PluginInfo, type ProvdPlugin, type WriteDurability, type WriteMode } from '@provd/sdk';
import { assertPluginId, ENTRY_FILE, readPluginInfo } from './plugin-folder';
import { importPluginEntry } from './sdk-bridge';
import { assertSdkCompatible, HOST_SDK_VERSION } from './sdk-version';
import { hostError } from '../errors';

/** What a host gives the plugins it loads (the parts of the `PluginContext` that are not per plugin folder). */
export interface PluginEnvironment {
  /** The host's general configuration (default `{}`). */
  generalConfig?: GeneralConfig;
  /** Per-plugin configuration, keyed by plugin id (default: none). */
  pluginConfigs?: Readonly<Record<string, Record<string, unknown>>>;
  /** The services offered to plugins (default: the firmware installer `firmwareServiceFor` only). */
  services?: HostServices;
  /** The `@provd/sdk` version to check plugins against (default: the host's own). */
  sdkVersion?: string;
  /** Whether plugins fsync their file writes (the context's `writeDurability`; default `fsync`). */
  writeDurability?: WriteDurability;
  /** Where plugins' file writes make their calls (the context's `writeMode`; default `event-loop`). */
  writeMode?: WriteMode;
  /** How plugins' durable writes in mode `hybrid` are flushed instead of an fsync each (the context's `writeFlush`). */
  writeFlush?: FilesystemFlush;
}

/** A constructed plugin with its folder and `plugin-info`. */
export interface LoadedPlugin {
  /** The plugin id (its folder name). */
  id: string;
  /** The absolute plugin folder. */
  dir: string;
  /** Its `plugin-info`. */
  info: PluginInfo;
  /** The plugin instance. */
  plugin: ProvdPlugin;
}

const REQUIRED_METHODS = [
  'configure',
  'deconfigure',
  'configureCommon',
  'synchronize',
  'close',
  'getRemoteStateTriggerFilename',
  'isSensitiveFilename',
] as const;

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function describeExport(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return typeof value === 'function' ? 'a function that is not a class' : `a ${typeof value}`;
}

/** Whether `value` can be called with `new` (a class, not an arrow function or method). */
const isConstructor = (value: unknown): value is new (...args: never[]) => unknown =>
  typeof value === 'function' && value.prototype !== undefined;

/**
 * Loads the plugin in `dir` as a host does (contract §2.7, with the fixes of §10): reads and validates its
 * `plugin-info`, checks its `sdk` range against the host's `@provd/sdk` with semver, imports `entry.js` sharing the
 * host's single copy of the SDK, and constructs its default-exported class with a `PluginContext`. It does not call
 * `configureCommon` (the plugin manager does). Every failure is a `ProvdError` naming the plugin.
 *
 * @example
 * ```ts
 * const { plugin, info } = await loadPluginFromDir('/var/lib/provd/plugins/digium-2.8.1');
 * await plugin.configure(device, rawConfig);
 * await plugin.close();
 * ```
 */
export async function loadPluginFromDir(dir: string, environment: PluginEnvironment = {}): Promise<LoadedPlugin> {
  const pluginDir = resolve(dir);
  const id = basename(pluginDir);
  assertPluginId(id);
  const info = await readPluginInfo(pluginDir, id);
  assertSdkCompatible(id, info, environment.sdkVersion ?? HOST_SDK_VERSION);
  const entryFile = join(pluginDir, ENTRY_FILE);
  try {
    await access(entryFile);
  } catch {
    throw hostError('PROVD_PLUGIN_ENTRY_MISSING', { plugin: id, file: entryFile });
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = await importPluginEntry(pathToFileURL(entryFile).href);
  } catch (err) {
    throw hostError('PROVD_PLUGIN_ENTRY_FAILED', { plugin: id, file: entryFile, reason: reasonOf(err) }, { cause: err });
  }
  const PluginClass = namespace.default;
  if (!isConstructor(PluginClass)) throw hostError('PROVD_PLUGIN_NO_CLASS', { plugin: id, file: entryFile, found: describeExport(PluginClass) });
  let plugin: ProvdPlugin;
  try {
    plugin = new (PluginClass as new (context: unknown) => ProvdPlugin)({
      id,
      pluginDir,
      generalConfig: environment.generalConfig ?? {},
      pluginConfig: environment.pluginConfigs?.[id] ?? {},
      services: { installService: firmwareServiceFor, ...environment.services },
      ...(environment.writeDurability && { writeDurability: environment.writeDurability }),
      ...(environment.writeMode && { writeMode: environment.writeMode }),
      ...(environment.writeFlush && { writeFlush: environment.writeFlush }),
    });
  } catch (err) {
    throw hostError('PROVD_PLUGIN_CONSTRUCT_FAILED', { plugin: id, reason: reasonOf(err) }, { cause: err });
  }
  const missing: string[] = REQUIRED_METHODS.filter((name) => typeof (plugin as unknown as Record<string, unknown>)[name] !== 'function');
  if (typeof plugin.tftpbootDir !== 'string') missing.push('tftpbootDir');
  if (missing.length > 0) throw hostError('PROVD_PLUGIN_NOT_A_PLUGIN', { plugin: id, missing });
  return { id, dir: pluginDir, info, plugin };
}
