import { applyRawConfigDefaults, flattenConfig } from '@provd/core';
import type { Device, RawConfig } from '@provd/sdk';
import type { AppContext } from './app-context';
import type { StoredConfig } from './config-input';

/**
 * The raw configs devices are configured with: configs flattened over the base raw config (cached until a config
 * changes), then defaulted, with the tenant's URL key.
 */
export class RawConfigs {
  /** Flattened raw configs by config id, dropped whenever a config changes. */
  private readonly flatCache = new Map<string, RawConfig | undefined>();

  /** Works on the configs of `app`. */
  constructor(private readonly app: AppContext) {}

  /** The flattened raw config of config `id` over the base raw config, or `undefined` when `id` is unknown. */
  flattened(id: string): RawConfig | undefined {
    const flat = this.cachedFlat(id);
    return flat === undefined ? undefined : structuredClone(flat);
  }

  /** The cached flattened raw config of `id`: shared, never to be mutated. */
  cachedFlat(id: string): RawConfig | undefined {
    if (!this.flatCache.has(id)) {
      if (this.flatCache.size > 10_000) this.flatCache.clear();
      this.flatCache.set(id, flattenConfig(id, (cid) => this.app.configs.get(cid), this.app.options.baseRawConfig ?? {}));
    }
    return this.flatCache.get(id);
  }

  /** Writes (or, without `config`, deletes) config `id` and forgets every cached flattening. */
  async change(id: string, config?: StoredConfig): Promise<void> {
    this.flatCache.clear();
    if (config) await this.app.configs.put(config);
    else await this.app.configs.delete(id);
    this.flatCache.clear();
  }

  /** The raw config a device is configured with: flattened, defaulted, with the tenant's URL key. */
  forDevice(device: Device): RawConfig | undefined {
    if (!device.config) return undefined;
    const flat = this.flattened(device.config);
    if (!flat) return undefined;
    const raw = applyRawConfigDefaults(flat) as RawConfig;
    const key = device.tenant_uuid !== undefined ? this.app.options.urlKeys?.[device.tenant_uuid] : undefined;
    if (key && raw.http_base_url) raw.http_base_url = `${raw.http_base_url.replace(/\/+$/, '')}/${key}`;
    return raw;
  }
}
