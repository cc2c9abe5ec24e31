import type { PluginInfo, ProvdPlugin } from '@provd/sdk';
import type { RenderPluginSpec } from '../reconfigure/render-protocol';

/** An entry of the installable-plugins list of a repository. */
export interface InstallablePlugin {
  /** The plugin id. */
  id: string;
  /** Its version. */
  version: string;
  /** Its description. */
  description: string;
  /** Other keys of its `plugins.db` entry. */
  [key: string]: unknown;
}

/**
 * What the provisioning application needs from the plugin manager: the loaded plugins and the install life cycle.
 * The host's plugin manager implements it; tests may give a folder-free one.
 */
export interface PluginHost {
  /** The loaded plugins, by id. */
  loaded(): ReadonlyMap<string, ProvdPlugin>;
  /**
   * Loads every installed plugin (each load ends with the plugin's `configureCommon` on a copy of the base raw
   * config); resolves to the ids loaded and the failures (other plugins still load).
   */
  loadAll(): Promise<{ loaded: string[]; failed: { id: string; error: Error }[] }>;
  /** The installed plugins and their plugin-info. */
  installed(): Promise<Record<string, PluginInfo>>;
  /** The plugins the repository offers. */
  installable(): Promise<InstallablePlugin[]>;
  /** Installs (or upgrades) `id` from the repository and loads it; an already loaded instance is closed first. */
  install(id: string): Promise<ProvdPlugin>;
  /** Unloads the installed plugin `id` if it is loaded, then loads it again from its folder. */
  reload(id: string): Promise<ProvdPlugin>;
  /** Sets the plugin repository installs come from (`undefined`: the one the host was started with). */
  setRepo?(repo: string | undefined): void;
  /** Unloads (`close`) and removes `id`. */
  uninstall(id: string): Promise<void>;
  /** Unloads every plugin (`close`). */
  closeAll(): Promise<void>;
  /**
   * How a render thread loads its own instance of the loaded plugin `id` (its folder and environment), or
   * `undefined` when it cannot (not loaded, or not from a folder): its devices are then configured in the main
   * thread. Absent: every plugin is configured in the main thread.
   */
  renderSpec?(id: string): RenderPluginSpec | undefined;
}
