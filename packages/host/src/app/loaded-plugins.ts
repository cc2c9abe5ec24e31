import type { DeviceInfoExtractor, ProvdPlugin, RequestType } from '@provd/sdk';
import { pluginExtractor, sortedById } from '../identification/index';
import type { PluginHost } from './plugin-host';

/**
 * The loaded plugins as the application sees them between two plugin operations: by id, sorted by id (the stable
 * order extraction and association use), and the host extractor of each request type, all taken once and dropped by
 * {@link LoadedPlugins.changed}.
 */
export class LoadedPlugins {
  private snapshot: { byId: ReadonlyMap<string, ProvdPlugin>; sorted: ProvdPlugin[] } | undefined;
  private readonly extractors = new Map<RequestType, DeviceInfoExtractor>();
  private readonly leavingIds = new Set<string>();

  /** Reads the plugins of `host`, logging extractor failures to `log`. */
  constructor(
    private readonly host: PluginHost,
    private readonly log: (line: string) => void,
  ) {}

  /** The loaded plugins, sorted by id (a shared array: do not modify it). */
  sorted(): readonly ProvdPlugin[] {
    return this.take().sorted;
  }

  /** The loaded plugin `id`, if any. */
  get(id: string | undefined): ProvdPlugin | undefined {
    return id === undefined ? undefined : this.take().byId.get(id);
  }

  /** The host extractor of `type` over the loaded plugins (see `pluginExtractor`). */
  extractor(type: RequestType): DeviceInfoExtractor {
    let extractor = this.extractors.get(type);
    if (!extractor) {
      const plugins = this.sorted().map((plugin) => ({ id: plugin.id, plugin }));
      extractor = pluginExtractor(plugins, type, (error, id) => this.log(`plugin "${id}": ${error.message}`));
      this.extractors.set(type, extractor);
    }
    return extractor;
  }

  /**
   * Marks plugin `id` as being uninstalled: from now on {@link LoadedPlugins.get}, {@link LoadedPlugins.sorted} and
   * the extractors leave it out (nothing configures a device with it or associates one to it), while
   * {@link LoadedPlugins.leaving} still reaches its instance to deconfigure its devices. {@link LoadedPlugins.stay}
   * ends the mark.
   */
  leave(id: string): void {
    this.leavingIds.add(id);
    this.changed();
  }

  /** Ends the mark of {@link LoadedPlugins.leave} (the uninstall is over, done or failed). */
  stay(id: string): void {
    this.leavingIds.delete(id);
    this.changed();
  }

  /** The loaded instance of plugin `id` while it is marked leaving, if any. */
  leaving(id: string): ProvdPlugin | undefined {
    return this.leavingIds.has(id) ? this.host.loaded().get(id) : undefined;
  }

  /** Forgets what was derived from the loaded plugins (after a load, install or uninstall). */
  changed(): void {
    this.extractors.clear();
    this.snapshot = undefined;
  }

  private take(): { byId: ReadonlyMap<string, ProvdPlugin>; sorted: ProvdPlugin[] } {
    if (!this.snapshot) {
      const byId = new Map(this.host.loaded());
      for (const id of this.leavingIds) byId.delete(id);
      this.snapshot = { byId, sorted: sortedById(byId.values()) };
    }
    return this.snapshot;
  }
}
