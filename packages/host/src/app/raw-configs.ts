import { applyRawConfigDefaults, flattenConfig } from '@provd/core';
import type { Device, RawConfig } from '@provd/sdk';
import type { AppContext } from './app-context';
import type { StoredConfig } from './config-input';

/**
 * The raw configs devices are configured with: configs flattened over the base raw config (cached until a config
 * changes, on this host or another one sharing the store), then defaulted, with the tenant's URL key. Only the
 * configs a flattening needs are read (a config and its ancestors), never all of them.
 */
export class RawConfigs {
  /** Flattened raw configs by config id, dropped whenever a config changes. */
  private readonly flatCache = new Map<string, Promise<RawConfig | undefined>>();
  /** The same, once flattened (read on every request by the remote-state tracking, without waiting). */
  private readonly flatDone = new Map<string, RawConfig | undefined>();
  /** Stored configs by id (and the `autocreate` one), read once until a config changes: shared, never mutated. */
  private readonly docCache = new Map<string, Promise<StoredConfig | undefined>>();
  private generation = 0;

  /** Works on the configs of `app`. */
  constructor(private readonly app: AppContext) {}

  /** A number that changes whenever the cached configs are dropped (a config changed): for caches built on them. */
  get version(): number {
    return this.generation;
  }

  /** The flattened raw config of config `id` over the base raw config, or `undefined` when `id` is unknown. */
  async flattened(id: string): Promise<RawConfig | undefined> {
    const flat = await this.cachedFlat(id);
    return flat === undefined ? undefined : structuredClone(flat);
  }

  /**
   * The cached flattened raw config of `id` when it is flattened already (`undefined` for an unknown config too),
   * or `false` when it is not: then {@link RawConfigs.cachedFlat}. Shared, never to be mutated.
   */
  flatNow(id: string): RawConfig | undefined | false {
    return this.flatDone.has(id) ? this.flatDone.get(id) : false;
  }

  /** The cached flattened raw config of `id`: shared, never to be mutated. */
  cachedFlat(id: string): Promise<RawConfig | undefined> {
    let flat = this.flatCache.get(id);
    if (!flat) {
      if (this.flatCache.size > 10_000) {
        this.flatCache.clear();
        this.flatDone.clear();
      }
      const generation = this.generation;
      flat = this.flatten(id);
      this.flatCache.set(id, flat);
      // A config changed while this one was read: do not keep what may mix old and new.
      const kept = flat;
      void flat.then(
        (value) => {
          if (generation !== this.generation) return this.flatCache.get(id) === kept && this.flatCache.delete(id);
          if (this.flatCache.get(id) === kept) this.flatDone.set(id, value);
        },
        () => this.flatCache.get(id) === kept && this.flatCache.delete(id),
      );
    }
    return flat;
  }

  /**
   * Config `id` as stored, read once until a config changes (on this host or another sharing the store): shared,
   * never to be mutated. For the checks of every device write (its config exists, in a tenant it may use).
   */
  config(id: string): Promise<StoredConfig | undefined> {
    return this.cachedDoc(`id:${id}`, () => this.app.configs.get(id) as Promise<StoredConfig | undefined>);
  }

  /** The config of role `autocreate` (the first by id), cached as {@link RawConfigs.config}: shared, never mutated. */
  autocreate(): Promise<StoredConfig | undefined> {
    return this.cachedDoc('role:autocreate', () => this.app.configs.findOne({ role: 'autocreate' }) as Promise<StoredConfig | undefined>);
  }

  private cachedDoc(key: string, read: () => Promise<StoredConfig | undefined>): Promise<StoredConfig | undefined> {
    const cached = this.docCache.get(key);
    if (cached) return cached;
    if (this.docCache.size > 10_000) this.docCache.clear();
    const generation = this.generation;
    const doc = read();
    this.docCache.set(key, doc);
    // read while a config changed: not kept (it may be the old one)
    void doc.then(
      () => generation !== this.generation && this.docCache.get(key) === doc && this.docCache.delete(key),
      () => this.docCache.get(key) === doc && this.docCache.delete(key),
    );
    return doc;
  }

  private async flatten(id: string): Promise<RawConfig | undefined> {
    const configs = await this.ancestry(id);
    return flattenConfig(id, (cid) => configs.get(cid), this.app.options.baseRawConfig ?? {});
  }

  private async flattenWith(id: string, pending: readonly StoredConfig[]): Promise<RawConfig | undefined> {
    const extra = new Map(pending.map((c) => [c.id, c]));
    const configs = new Map<string, StoredConfig>();
    for (const config of extra.values()) {
      configs.set(config.id, config);
      for (const parent of config.parent_ids) for (const [k, v] of await this.ancestry(parent)) if (!extra.has(k)) configs.set(k, v);
    }
    for (const [k, v] of await this.ancestry(id)) if (!extra.has(k)) configs.set(k, v);
    return flattenConfig(id, (cid) => configs.get(cid), this.app.options.baseRawConfig ?? {});
  }

  /** Config `id` and every config it inherits from, read level by level. */
  async ancestry(id: string): Promise<Map<string, StoredConfig>> {
    const found = new Map<string, StoredConfig>();
    let wanted = [id];
    while (wanted.length > 0) {
      const batch = await this.app.configs.getMany(wanted);
      wanted = [];
      for (const config of batch) {
        found.set(config.id, config);
        for (const parent of config.parent_ids ?? []) if (!found.has(parent) && !wanted.includes(parent)) wanted.push(parent);
      }
      wanted = wanted.filter((w) => !found.has(w));
    }
    return found;
  }

  /** The ids of every config inheriting from `id`, directly or not (read through the store's parent index). */
  async descendants(id: string): Promise<Set<string>> {
    const found = new Set<string>();
    let level = [id];
    while (level.length > 0) {
      const next: string[] = [];
      for (const parent of level) {
        for (const child of (await this.app.configs.find({ parent_ids: { $contains: parent } })).items) {
          if (child.id === id || found.has(child.id)) continue;
          found.add(child.id);
          next.push(child.id);
        }
      }
      level = next;
    }
    return found;
  }

  /** Forgets every cached flattening (a config changed here or on another host). */
  invalidate(): void {
    this.generation += 1;
    this.flatCache.clear();
    this.flatDone.clear();
    this.docCache.clear();
  }

  /**
   * The raw config a device is configured with: flattened, defaulted, with the tenant's URL key. `pending`: configs
   * about to be stored with the device (e.g. its new transient config), used before the stored ones.
   */
  async forDevice(device: Device, pending: readonly StoredConfig[] = []): Promise<RawConfig | undefined> {
    if (!device.config) return undefined;
    const flat = pending.length === 0 ? await this.flattened(device.config) : await this.flattenWith(device.config, pending);
    if (!flat) return undefined;
    const raw = applyRawConfigDefaults(flat) as RawConfig;
    const key = device.tenant_uuid !== undefined ? this.app.options.urlKeys?.[device.tenant_uuid] : undefined;
    if (key && raw.http_base_url) raw.http_base_url = `${raw.http_base_url.replace(/\/+$/, '')}/${key}`;
    return raw;
  }
}
