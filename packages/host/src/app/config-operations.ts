import { randomUUID } from 'node:crypto';
import { configDescendants } from '@provd/core';
import { hostError } from '../errors';
import type { AppContext } from './app-context';
import { readConfigInput, type StoredConfig } from './config-input';
import type { DeviceConfiguration } from './device-configuration';
import type { RawConfigs } from './raw-configs';

/** What clients do to configs (API and CLI): create, replace, delete, each followed by the reconfigures it needs. */
export class ConfigOperations {
  /** Works on the configs of `app`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
    private readonly rawConfigs: RawConfigs,
  ) {}

  /** Creates a config from client input (validated), then configures the devices that already point at it. */
  async insert(input: unknown): Promise<StoredConfig> {
    const read = readConfigInput(input, (id) => this.app.configs.get(id));
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: (input as StoredConfig)?.id, errors: read.errors });
    const config = { ...read.config, id: read.config.id ?? randomUUID().replaceAll('-', '') } as StoredConfig;
    if (this.app.configs.has(config.id)) throw hostError('PROVD_HOST_DUPLICATE_ID', { kind: 'config', id: config.id });
    await this.rawConfigs.change(config.id, config);
    await this.configuration.reconfigureConfigDevices(config.id);
    return config;
  }

  /** Replaces config `input.id`, then reconfigures every device using it or one of its descendants. */
  async update(input: unknown): Promise<StoredConfig> {
    const id = (input as StoredConfig)?.id;
    if (typeof id !== 'string' || !this.app.configs.has(id)) throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: String(id) });
    const read = readConfigInput(input, (cid) => this.app.configs.get(cid));
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: read.errors });
    const descendants = configDescendants(id, this.app.configs.all());
    const loop = (read.config.parent_ids as string[]).find((p) => descendants.has(p));
    if (loop) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: [`parent_ids: "${loop}" inherits from "${id}", which would make a loop`] });
    const config = { ...read.config, id } as StoredConfig;
    await this.rawConfigs.change(id, config);
    await this.configuration.reconfigureConfigDevices(id);
    return config;
  }

  /**
   * Deletes config `id`: devices pointing at it are deconfigured (`configured: false`); devices of its descendants
   * are reconfigured and their flag refreshed.
   */
  async delete(id: string): Promise<void> {
    const config = this.app.configs.get(id);
    if (!config) throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: id });
    if (config.deletable === false) throw hostError('PROVD_HOST_CONFIG_NOT_DELETABLE', { config: id });
    const descendants = configDescendants(id, this.app.configs.all());
    await this.rawConfigs.change(id);
    for (const device of this.app.devices.findBy('config', id)) {
      await this.configuration.withDevice(device.id, (d) => this.configuration.unconfigureLocked(d));
    }
    for (const child of descendants) await this.configuration.reconfigureDevicesOf(child);
  }
}
