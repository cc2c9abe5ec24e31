import type { KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createProvdError, isProvdError, removeStaleTemporaries, type PluginInfo, type ProvdError, type ProvdPlugin, type RawConfig } from '@provd/sdk';
import type { InstallablePlugin, PluginHost } from '../app/plugin-host';
import type { RenderPluginSpec } from '../reconfigure/render-protocol';
import { fetchPluginIndex, openRepository, sequencesOf, type RepositorySource } from '../repository/index';
import { installPlugin } from './install-plugin';
import { recoverPluginsFolder } from './install-journal';
import { listInstalledPlugins } from './list-installed';
import { loadPluginFromDir, type LoadedPlugin, type PluginEnvironment } from './load-plugin';
import { uninstallPlugin } from './uninstall-plugin';
import { hostError } from '../errors';

/** Options of a {@link PluginManager}. */
export interface PluginManagerOptions extends PluginEnvironment {
  /** The plugins folder. */
  pluginsDir: string;
  /** The plugin repository (a folder or an `http(s)://` URL), for `installable` and `install`. */
  repo?: string;
  /** Trusted Ed25519 keys: when given, the repository's index must be signed by one of them. */
  trustedKeys?: readonly KeyObject[];
  /** The most an install may spend fetching from the repository, in ms. @defaultValue 120000 */
  downloadDeadlineMs?: number;
  /** The base raw config; when given, each plugin's `configureCommon` receives a copy of it right after loading. */
  baseRawConfig?: RawConfig;
  /** Receives errors that do not fail an operation (a plugin's `close` that throws). */
  onError?: (error: ProvdError) => void;
  /** Receives what recovery after a crash did (an upgrade rolled back, stale temporary files removed). */
  log?: (line: string) => void;
}

/** What {@link PluginManager.onChange} listeners receive. */
export interface PluginChange {
  /** Whether the plugin was loaded or unloaded. */
  type: 'load' | 'unload';
  /** The plugin id. */
  id: string;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The host's plugins: installs, loads and unloads the plugins of one plugins folder, with at most one loaded instance
 * per plugin id (contract §1.4). Loading constructs the plugin, then calls `configureCommon` (if a base raw config
 * was given); a plugin failing there is closed and not registered. Unloading calls `close()` last.
 *
 * @example
 * ```ts
 * const plugins = new PluginManager({ pluginsDir: 'plugins', repo: 'dist/repo' });
 * await plugins.loadAll();
 * await plugins.install('digium-2.8.1');
 * plugins.loaded().get('digium-2.8.1');
 * await plugins.closeAll();
 * ```
 */
export class PluginManager implements PluginHost {
  private readonly instances = new Map<string, LoadedPlugin>();
  /** The load of each loaded plugin (increasing across loads: render threads load a plugin again when it changes). */
  private readonly loadKeys = new Map<string, number>();
  private loads = 0;
  private readonly claimed = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly listeners = new Set<(change: PluginChange) => void>();
  private readonly pluginsDir: string;
  private repoOverride: string | undefined;

  constructor(private readonly options: PluginManagerOptions) {
    this.pluginsDir = resolve(options.pluginsDir);
  }

  /** The loaded plugins, by id, in id order. */
  loaded(): ReadonlyMap<string, ProvdPlugin> {
    return new Map([...this.instances.keys()].sort().map((id) => [id, (this.instances.get(id) as LoadedPlugin).plugin]));
  }

  /** The loaded plugin `id` with its folder and `plugin-info`, if loaded. */
  get(id: string): LoadedPlugin | undefined {
    return this.instances.get(id);
  }

  /** How a render thread loads its own instance of the loaded plugin `id` (see {@link PluginHost.renderSpec}). */
  renderSpec(id: string): RenderPluginSpec | undefined {
    const loaded = this.instances.get(id);
    const key = this.loadKeys.get(id);
    if (!loaded || key === undefined) return undefined;
    return {
      id,
      key,
      dir: loaded.dir,
      generalConfig: this.options.generalConfig ?? {},
      pluginConfig: this.options.pluginConfigs?.[id] ?? {},
      ...(this.options.sdkVersion !== undefined ? { sdkVersion: this.options.sdkVersion } : {}),
      ...(this.options.baseRawConfig ? { baseRawConfig: this.options.baseRawConfig } : {}),
      writeDurability: this.options.writeDurability ?? 'fsync',
    };
  }

  /** Calls `listener` after every load and unload; returns a function that removes it. */
  onChange(listener: (change: PluginChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the installed plugin `id`; throws `PROVD_PLUGIN_ALREADY_LOADED` when it is loaded (or being loaded). */
  async load(id: string): Promise<ProvdPlugin> {
    if (this.instances.has(id) || this.claimed.has(id)) throw hostError('PROVD_PLUGIN_ALREADY_LOADED', { plugin: id });
    this.claimed.add(id);
    try {
      const loaded = await loadPluginFromDir(join(this.pluginsDir, id), this.options);
      // temporary files that atomic writes of a killed process left in the plugin's runtime folders
      const stale = await removeStaleTemporaries(join(this.pluginsDir, id, 'var'));
      if (stale.length > 0) this.options.log?.(`plugin "${id}": removed ${stale.length} temporary file(s) left by an interrupted write`);
      if (this.options.baseRawConfig) {
        try {
          await loaded.plugin.configureCommon(structuredClone(this.options.baseRawConfig));
        } catch (err) {
          await this.closeQuietly(loaded);
          throw hostError('PROVD_PLUGIN_CONFIGURE_COMMON_FAILED', { plugin: id, reason: reasonOf(err) }, { cause: err });
        }
      }
      this.instances.set(id, loaded);
      this.loadKeys.set(id, ++this.loads);
      this.emit({ type: 'load', id });
      return loaded.plugin;
    } finally {
      this.claimed.delete(id);
    }
  }

  /** Unloads `id`: removes it, then calls its `close()` (errors go to `onError`). Throws `PROVD_HOST_PLUGIN_NOT_LOADED`. */
  async unload(id: string): Promise<void> {
    const loaded = this.instances.get(id);
    if (!loaded) throw hostError('PROVD_HOST_PLUGIN_NOT_LOADED', { plugin: id });
    this.instances.delete(id);
    this.loadKeys.delete(id);
    await this.closeQuietly(loaded);
    this.emit({ type: 'unload', id });
  }

  /** Loads every installed plugin not loaded yet, in id order; one failing plugin does not stop the others. */
  async loadAll(): Promise<{ loaded: string[]; failed: { id: string; error: Error }[] }> {
    for (const r of await recoverPluginsFolder(this.pluginsDir)) {
      if (r.outcome === 'removed') continue;
      this.options.log?.(`plugin "${r.id}": an install interrupted by a crash was ${r.outcome === 'completed' ? 'completed' : 'rolled back (the previous version is back)'}`);
    }
    const { plugins, broken } = await listInstalledPlugins(this.pluginsDir);
    const result: { loaded: string[]; failed: { id: string; error: Error }[] } = { loaded: [], failed: [] };
    for (const error of broken) result.failed.push({ id: error.plugin ?? '', error });
    for (const id of Object.keys(plugins)) {
      if (this.instances.has(id)) continue;
      try {
        await this.load(id);
        result.loaded.push(id);
      } catch (err) {
        result.failed.push({ id, error: err as Error });
      }
    }
    return result;
  }

  /** The installed plugins' `plugin-info`, by id (folders with a broken `plugin-info` are left out). */
  async installed(): Promise<Record<string, PluginInfo>> {
    return (await listInstalledPlugins(this.pluginsDir)).plugins;
  }

  /** The plugins the repository offers, in id order, without their file names. */
  async installable(): Promise<InstallablePlugin[]> {
    const index = await fetchPluginIndex(this.repository(), { trustedKeys: this.options.trustedKeys, sequences: sequencesOf(this.pluginsDir) });
    return Object.keys(index)
      .sort()
      .map((id) => {
        const { filename: _filename, ...entry } = index[id] as (typeof index)[string];
        return { ...entry, id, version: entry.version, description: String(entry.description ?? '') };
      });
  }

  /** Installs (or upgrades) `id` from the repository and loads it; a loaded previous version is closed first. */
  async install(id: string): Promise<ProvdPlugin> {
    return this.exclusive(id, async () => {
      await installPlugin(id, {
        repo: this.repository(),
        pluginsDir: this.pluginsDir,
        trustedKeys: this.options.trustedKeys,
        sdkVersion: this.options.sdkVersion,
        ...(this.options.downloadDeadlineMs === undefined ? {} : { deadlineMs: this.options.downloadDeadlineMs }),
      });
      if (this.instances.has(id)) await this.unload(id);
      return this.load(id);
    });
  }

  /** Unloads `id` if it is loaded, then loads it again from its folder (after a change made by hand, say). */
  async reload(id: string): Promise<ProvdPlugin> {
    return this.exclusive(id, async () => {
      if (this.instances.has(id)) await this.unload(id);
      return this.load(id);
    });
  }

  /** Sets the repository `installable` and `install` use from now on (`undefined`: back to the `repo` option). */
  setRepo(repo: string | undefined): void {
    this.repoOverride = repo;
  }

  /** Unloads `id` if it is loaded, then removes its folder. */
  async uninstall(id: string): Promise<void> {
    await this.exclusive(id, async () => {
      if (this.instances.has(id)) await this.unload(id);
      await uninstallPlugin(id, this.pluginsDir);
    });
  }

  /** Unloads every plugin. */
  async closeAll(): Promise<void> {
    for (const id of [...this.instances.keys()]) await this.unload(id);
  }

  private repository(): RepositorySource {
    const repo = this.repoOverride ?? this.options.repo;
    if (!repo) {
      throw hostError('PROVD_REPO_UNREACHABLE', { repo: '', file: 'plugins.db', reason: 'no plugin repository is configured (give --repo, or set plugin_server through the API)' });
    }
    // the proxies object is the host's live one (the API's proxy parameters change it): read at each request
    return openRepository(repo, { deadlineMs: this.options.downloadDeadlineMs, proxies: this.options.generalConfig?.proxies });
  }

  private async exclusive<T>(id: string, operation: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) throw hostError('PROVD_PLUGIN_BUSY', { plugin: id });
    this.busy.add(id);
    try {
      return await operation();
    } finally {
      this.busy.delete(id);
    }
  }

  private async closeQuietly(loaded: LoadedPlugin): Promise<void> {
    try {
      await loaded.plugin.close();
    } catch (err) {
      this.options.onError?.(isProvdError(err) ? err : createProvdError('PROVD_INTERNAL', { what: `plugin "${loaded.id}" failed to close: ${reasonOf(err)}` }, { cause: err }));
    }
  }

  private emit(change: PluginChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
