import { randomUUID } from 'node:crypto';
import { hostError } from '../errors';
import type { ReconfigureJobInput } from '../store/store';
import type { AppContext } from './app-context';
import { readConfigInput, type StoredConfig } from './config-input';
import type { RawConfigs } from './raw-configs';

/**
 * What clients do to configs (API and CLI): create, replace, delete. Each change is one transaction holding the
 * config and a recorded background job reconfiguring the devices it affects; it returns at once, and the devices are
 * configured in the background (a phone asking first is configured on demand).
 */
export class ConfigOperations {
  /** Works on the configs of `app`. */
  constructor(
    private readonly app: AppContext,
    private readonly rawConfigs: RawConfigs,
  ) {}

  /** The configs `input.parent_ids` names that exist, for {@link readConfigInput}. */
  private async parentsOf(input: unknown): Promise<Map<string, StoredConfig>> {
    const ids = (input as { parent_ids?: unknown })?.parent_ids;
    const wanted = Array.isArray(ids) ? ids.filter((p): p is string => typeof p === 'string') : [];
    return new Map((await this.app.configs.getMany(wanted)).map((c) => [c.id, c]));
  }

  /** The job reconfiguring the devices of config `id` and of every config inheriting from it. */
  private async jobFor(id: string, reason: string): Promise<ReconfigureJobInput> {
    const affected = [id, ...(await this.rawConfigs.descendants(id))];
    return { reason, selector: { config: { $in: affected } } };
  }

  /** Creates a config from client input (validated), then configures the devices that already point at it. */
  async insert(input: unknown): Promise<StoredConfig> {
    const parents = await this.parentsOf(input);
    const read = readConfigInput(input, (id) => parents.get(id));
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: (input as StoredConfig)?.id, errors: read.errors });
    const config = { ...read.config, id: read.config.id ?? randomUUID().replaceAll('-', '') } as StoredConfig;
    // configs still naming this id as a parent (it was deleted and is created again) inherit from it: none may be its parent
    const descendants = await this.rawConfigs.descendants(config.id);
    const loop = config.parent_ids.find((p) => descendants.has(p));
    if (loop) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: config.id, errors: [`parent_ids: "${loop}" inherits from "${config.id}", which would make a loop`] });
    const job = await this.jobFor(config.id, `config "${config.id}" created`);
    await this.commit({ writes: [{ op: 'put', kind: 'configs', doc: config, expect: 'absent' }], jobs: [job] });
    return config;
  }

  /** Replaces config `input.id`, then reconfigures (in the background) every device using it or a descendant. */
  async update(input: unknown): Promise<StoredConfig> {
    const id = (input as StoredConfig)?.id;
    if (typeof id !== 'string' || (await this.app.store.revision('configs', id)) === 0) throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: String(id) });
    const parents = await this.parentsOf(input);
    const read = readConfigInput(input, (cid) => parents.get(cid));
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: read.errors });
    const descendants = await this.rawConfigs.descendants(id);
    const loop = (read.config.parent_ids as string[]).find((p) => p === id || descendants.has(p));
    if (loop) throw hostError('PROVD_HOST_INVALID_CONFIG', { config: id, errors: [`parent_ids: "${loop}" inherits from "${id}", which would make a loop`] });
    const config = { ...read.config, id } as StoredConfig;
    await this.commit({
      writes: [{ op: 'put', kind: 'configs', doc: config, expect: 'present' }],
      jobs: [{ reason: `config "${id}" changed`, selector: { config: { $in: [id, ...descendants] } } }],
    });
    return config;
  }

  /**
   * Deletes config `id`: devices pointing at it are deconfigured (`configured: false`); devices of its descendants
   * are reconfigured and their flag refreshed (in the background).
   */
  async delete(id: string): Promise<void> {
    const config = await this.app.configs.get(id);
    if (!config) throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: id });
    if (config.deletable === false) throw hostError('PROVD_HOST_CONFIG_NOT_DELETABLE', { config: id });
    const job = await this.jobFor(id, `config "${id}" deleted`);
    await this.commit({ writes: [{ op: 'delete', kind: 'configs', id, expect: 'present' }], jobs: [job] });
  }

  private async commit(changes: Parameters<AppContext['store']['commit']>[0]): Promise<void> {
    const committed = await this.app.store.commit(changes);
    this.rawConfigs.invalidate();
    // Known to the serving path before the caller gets the answer: no phone is served a file this change made stale.
    this.app.reconfigurer.add(committed.jobs);
  }
}
