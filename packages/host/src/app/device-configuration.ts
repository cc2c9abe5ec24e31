import { needsReconfigure } from '@provd/core';
import { createProvdError, validateRawConfig, withoutFsync, type Device, type ProvdPlugin, type RawConfig } from '@provd/sdk';
import { hostError } from '../errors';
import { eachLimit } from '../render/each-limit';
import { rawConfigCopier } from '../render/prepare-raw-config';
import type { RenderPluginSpec, RenderResult } from '../reconfigure/render-protocol';
import { BatchDurability } from '../reconfigure/batch-durability';
import type { RenderThreads } from '../reconfigure/render-threads';
import { isWriteFailure } from '../reconfigure/write-failure';
import type { DocumentWrite, ReconfigureJobInput } from '../store/store';
import { reasonOf, type AppContext } from './app-context';
import type { StoredConfig } from './config-input';
import type { RawConfigs } from './raw-configs';

/** How many devices of a background batch are configured at once in the main thread. */
const IN_PROCESS_CONCURRENCY = 8;

/**
 * The write of a device's `configured` flag alone (the rest of it as stored, under its lock here): a put of the whole
 * device made the store write every indexed column and the document again, and carried the document to the database.
 */
const flagWrite = (id: string, configured: boolean): DocumentWrite => ({ op: 'fields', kind: 'devices', id, fields: { configured } });

/** What {@link DeviceConfiguration.prepare} found a device can be configured with. */
export interface PreparedConfiguration {
  /** The loaded plugin of the device. */
  plugin: ProvdPlugin;
  /** Its own copy of its flattened, defaulted, validated raw config. */
  raw: RawConfig;
}

/**
 * Configuring and reconfiguring devices: each device configured by its plugin with its own copy of its validated
 * raw config, reconfigured exactly when its plugin, config or identity changes, one task at a time per device.
 *
 * Every change that needs files written is one store transaction holding the device and a recorded job for it (so
 * a crash between the commit and the files is repaired at the next start, and other hosts sharing the store write
 * their own files); the device is written once per change (a second write only when its plugin fails to configure).
 */
export class DeviceConfiguration {
  /**
   * Configures the devices of `app` with the raw configs of `rawConfigs`; background batches in `threads` when given
   * (for the plugins the plugin host can load there), in the main thread otherwise.
   */
  constructor(
    private readonly app: AppContext,
    private readonly rawConfigs: RawConfigs,
    private readonly threads?: RenderThreads,
  ) {
    this.durability = new BatchDurability();
  }

  /** Drops what configuring with plugin `id` keeps loaded beside its instance here (the render threads' instances). */
  forgetPlugin(id: string): void {
    this.threads?.forget(id);
  }

  /** Stops what background batches keep running (the filesystem flush helper). */
  close(): void {
    this.durability.close();
  }

  /** Batches written without an fsync per file, flushed at once by {@link DeviceConfiguration.makeDurable}. */
  private readonly durability: BatchDurability;
  /** The plugin loads (render keys) the render threads failed with: configured in the main thread instead. */
  private readonly threadless = new Set<number>();
  /** Whether the raw config of a config and tenant passes validation, for {@link RawConfigs.version} `validityOf`. */
  private readonly validity = new Map<string, Promise<boolean>>();
  private validityOf = -1;

  /**
   * Whether `device` can be configured (what {@link DeviceConfiguration.prepare} would tell), without preparing a
   * raw config of its own: for a device configured in the background, whose `configured` flag is only predicted.
   * Cached per config and tenant until a config changes.
   */
  private async configurable(device: Device, pending: readonly StoredConfig[]): Promise<boolean> {
    if (!this.app.plugins.get(device.plugin) || !device.config) return false;
    if (pending.length > 0) return (await this.prepare(device, pending)) !== undefined;
    if (this.validityOf !== this.rawConfigs.version) {
      this.validity.clear();
      this.validityOf = this.rawConfigs.version;
    }
    const key = `${device.config}\u0000${device.tenant_uuid ?? ''}`;
    let valid = this.validity.get(key);
    if (!valid) {
      if (this.validity.size > 10_000) this.validity.clear();
      valid = this.prepare(device).then((p) => p !== undefined);
      this.validity.set(key, valid);
      // a failure is not kept
      valid.catch(() => this.validity.get(key) === valid && this.validity.delete(key));
    }
    return valid;
  }

  /**
   * The plugin and raw config `device` would be configured with, or `undefined` when it cannot be: no loaded plugin,
   * no config, or a raw config that fails validation (logged).
   */
  async prepare(device: Device, pending: readonly StoredConfig[] = []): Promise<PreparedConfiguration | undefined> {
    const plugin = this.app.plugins.get(device.plugin);
    const raw = plugin ? await this.rawConfigs.forDevice(device, pending) : undefined;
    if (!plugin || !raw) return undefined;
    const { valid, errors } = validateRawConfig(raw);
    if (!valid) {
      this.app.options.onConfigured?.(plugin!.id, 0, false);
      this.app.log(createProvdError('PROVD_INVALID_RAW_CONFIG', { device: device.id, errors }).message);
      return undefined;
    }
    return { plugin, raw };
  }

  /** Writes the files of `device` as prepared; resolves to whether the plugin succeeded (logged otherwise). */
  async configurePrepared(device: Device, prepared: PreparedConfiguration): Promise<boolean> {
    return (await this.configureOutcome(device, prepared)) === true;
  }

  /**
   * Writes the files of `device` as prepared, telling a write failure (the disk is full, read-only or failing: the
   * plugin's atomic writes left the previous files in place) apart from a refusal: `true` written, `false` refused by
   * the plugin, or the write error.
   */
  async configureOutcome(device: Device, { plugin, raw }: PreparedConfiguration): Promise<boolean | Error> {
    const started = performance.now();
    try {
      await plugin.configure(structuredClone(device), raw);
      this.app.options.onConfigured?.(plugin.id, (performance.now() - started) / 1000, true);
      return true;
    } catch (err) {
      this.app.options.onConfigured?.(plugin.id, (performance.now() - started) / 1000, false);
      this.app.log(`configure of device "${device.id}" by plugin "${plugin.id}" failed: ${reasonOf(err)}`);
      return isWriteFailure(err) ? (err as Error) : false;
    }
  }

  /**
   * Configures `device` with its plugin and its own copy of its raw config; resolves to whether it succeeded (the
   * value of `configured`). Nothing happens without a loaded plugin or a config that exists.
   */
  async configure(device: Device): Promise<boolean> {
    const prepared = await this.prepare(device);
    return prepared ? this.configurePrepared(device, prepared) : false;
  }

  /** Removes the files of `device` through `plugin` (by default its loaded plugin; a failure is logged). */
  async deconfigure(device: Device, plugin = this.app.plugins.get(device.plugin)): Promise<void> {
    if (!plugin) return;
    try {
      await plugin.deconfigure(structuredClone(device));
    } catch (err) {
      this.app.log(`deconfigure of device "${device.id}" by plugin "${plugin.id}" failed: ${reasonOf(err)}`);
    }
  }

  /** Runs `task` on the stored device `id` under its lock; `PROVD_HOST_DEVICE_NOT_FOUND` when there is none. */
  withDevice<T>(id: string, task: (device: Device) => Promise<T>): Promise<T> {
    return this.app.deviceLock.run(id, async () => {
      const device = await this.app.devices.get(id);
      if (!device) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
      return task(device);
    });
  }

  /**
   * Configures an unchanged `device` again (under its lock) and stores its `configured` flag when it changed. The
   * plugin overwrites the device's files atomically, so a phone fetching meanwhile gets the old file or the new one,
   * never a 404; when configure refuses, the device is deconfigured. When its files cannot be written (a full disk),
   * the previous files stay served, the flag is kept, and `PROVD_HOST_RECONFIGURE_FAILED` (507) is thrown.
   */
  async reconfigureLocked(device: Device, writeFlag = true): Promise<Device> {
    const prepared = await this.prepare(device);
    const outcome = prepared ? await this.configureOutcome(device, prepared) : false;
    if (outcome instanceof Error) throw hostError('PROVD_HOST_RECONFIGURE_FAILED', { devices: [device.id], reason: reasonOf(outcome) }, { cause: outcome });
    const configured = outcome;
    if (!configured && device.configured) await this.deconfigure(device);
    const updated = { ...device, configured };
    if (writeFlag && configured !== (device.configured ?? false)) await this.app.store.commit({ writes: [flagWrite(device.id, configured)] });
    return updated;
  }

  /**
   * Configures the stored device `id` again for a background job (under its lock): a device whose plugin is not
   * loaded here is left as it is. Resolves to its `configured` flag, `undefined` when it no longer exists.
   */
  async reconfigureStored(id: string, writeFlag: boolean): Promise<boolean | undefined> {
    return this.app.deviceLock.run(id, async () => {
      const device = await this.app.devices.get(id);
      if (!device) return undefined;
      if (!this.app.plugins.get(device.plugin)) return device.configured ?? false;
      return (await this.reconfigureLocked(device, writeFlag)).configured ?? false;
    });
  }

  /**
   * Configures the stored devices `ids` again for a background job, holding all their locks: read in one round trip,
   * each raw config flattened, defaulted and validated once per config (and tenant), the devices configured in the
   * render threads when the plugin can be loaded there (else here, a few at once), and the changed `configured` flags
   * stored in one transaction when `writeFlag` (its fsync not waited for: the job's next durable record covers it).
   * Devices that no longer exist, or whose plugin is not loaded here, are left as they are. When files cannot be
   * written (a full disk), the other devices are still done and `PROVD_HOST_RECONFIGURE_FAILED` is thrown naming the
   * failed ones.
   */
  async reconfigureStoredMany(ids: readonly string[], writeFlag: boolean): Promise<void> {
    await this.app.deviceLock.runAll(ids, async () => {
      const devices = (await this.app.devices.getMany(ids)).filter((d) => this.app.plugins.get(d.plugin) !== undefined);
      const prepared = await this.prepareMany(devices);
      const outcomes = await this.configureMany(devices, prepared);
      const flags: DocumentWrite[] = [];
      const failed: { id: string; error: Error }[] = [];
      for (const [i, device] of devices.entries()) {
        const outcome = outcomes[i] as boolean | Error;
        if (outcome instanceof Error) {
          failed.push({ id: device.id, error: outcome });
          continue;
        }
        if (!outcome && device.configured) await this.deconfigure(device);
        if (writeFlag && outcome !== (device.configured ?? false)) flags.push(flagWrite(device.id, outcome));
      }
      // Not waited for on disk (deferSync): a flag lost in a power loss is written again when its job runs again,
      // since what records the job past these devices (its progress, a one-device job's finish) is a durable commit
      // after this one, whose flush covers it (one journal on either engine). A chunk held its slot, and its devices'
      // locks, through the fsync; a phone configured before its turn waited for it.
      if (flags.length > 0) await this.app.store.commit({ writes: flags, deferSync: true });
      if (failed.length > 0) {
        throw hostError('PROVD_HOST_RECONFIGURE_FAILED', { devices: failed.map((f) => f.id), reason: reasonOf(failed[0]!.error) }, { cause: failed[0]!.error });
      }
    });
  }

  /**
   * Configures the stored device `id` (`device`, as last read) ahead of a background job of many devices (a phone
   * asked before its turn) as that job configures its devices: in a render thread, its files written without their
   * fsyncs, made durable by the job's next flush, before the record that passes the device. Resolves to `false`,
   * having done nothing, where that is not how this host configures the device's plugin (no render thread, a plugin
   * configured in the main thread, files fsynced one by one): the caller configures it as usual then.
   */
  async reconfigureStoredAhead(device: Device, writeFlag: boolean): Promise<boolean> {
    const plugin = device.plugin ? this.app.plugins.get(device.plugin) : undefined;
    if (!plugin || !this.threadSpec(plugin) || !(await this.durability.deferred(plugin.tftpbootDir))) return false;
    await this.reconfigureStoredMany([device.id as string], writeFlag);
    return true;
  }

  /**
   * Makes the files background work wrote without their fsyncs since the last call durable (before a batch is
   * recorded done); throws when it cannot.
   */
  async makeDurable(): Promise<void> {
    await this.durability.flush();
  }

  /**
   * Runs `task` (which writes files of `plugin`) without its fsyncs when batches are flushed at once, recording the
   * folder for the next {@link DeviceConfiguration.makeDurable}; with them otherwise.
   */
  private async deferringFsync<T>(plugin: ProvdPlugin, task: () => Promise<T>): Promise<T> {
    if (!(await this.durability.deferred(plugin.tftpbootDir))) return task();
    this.durability.track(plugin.tftpbootDir);
    return withoutFsync(task);
  }

  /**
   * The prepared configuration of each device (`undefined`: it cannot be configured), one per plugin, config and
   * tenant: shared, so its raw config must be copied for each device.
   */
  private prepareMany(devices: readonly Device[]): Promise<(PreparedConfiguration | undefined)[]> {
    const byKey = new Map<string, Promise<PreparedConfiguration | undefined>>();
    return Promise.all(
      devices.map((device) => {
        const key = JSON.stringify([device.plugin, device.config, device.tenant_uuid]);
        let prepared = byKey.get(key);
        if (!prepared) byKey.set(key, (prepared = this.prepare(device)));
        return prepared;
      }),
    );
  }

  /**
   * Configures each device with its shared prepared configuration: in the render threads for the plugins they can
   * load, in this thread (a few at once, each with its own copy of the raw config) otherwise. One outcome per device,
   * as {@link DeviceConfiguration.configureOutcome}; `false` for a device without a prepared configuration.
   */
  private async configureMany(devices: readonly Device[], prepared: readonly (PreparedConfiguration | undefined)[]): Promise<(boolean | Error)[]> {
    const outcomes: (boolean | Error)[] = devices.map(() => false);
    const byPlugin = new Map<ProvdPlugin, number[]>();
    for (const [i, p] of prepared.entries()) {
      if (!p) continue;
      const list = byPlugin.get(p.plugin);
      if (list) list.push(i);
      else byPlugin.set(p.plugin, [i]);
    }
    await Promise.all(
      [...byPlugin].map(async ([plugin, indexes]) => {
        const spec = this.threadSpec(plugin);
        if (spec && this.threads) {
          const deferred = spec.writeDurability === 'fsync' && (await this.durability.deferred(plugin.tftpbootDir));
          if (deferred) {
            spec.writeDurability = 'none';
            this.durability.track(plugin.tftpbootDir);
          }
          const raws: RawConfig[] = [];
          const rawIndex = new Map<RawConfig, number>();
          const items = indexes.map((i) => {
            const raw = (prepared[i] as PreparedConfiguration).raw;
            let at = rawIndex.get(raw);
            if (at === undefined) rawIndex.set(raw, (at = raws.push(raw) - 1));
            return { device: devices[i] as Device, raw: at };
          });
          let results: RenderResult[] | undefined;
          try {
            results = await this.threads.configure(spec, raws, items);
          } catch (err) {
            // e.g. a plugin that cannot be loaded in a thread: this load of it is configured here from now on
            this.threadless.add(spec.key);
            this.app.log(`reconfigure: plugin "${plugin.id}" is configured in the main thread: ${reasonOf(err)}`);
          }
          // marked again once written: a flush that started while they were being written may not hold them
          if (deferred) this.durability.track(plugin.tftpbootDir);
          if (results) {
            for (const [k, i] of indexes.entries()) outcomes[i] = this.outcomeOf(devices[i] as Device, plugin, results[k] as RenderResult);
            return;
          }
        }
        const copiers = new Map<RawConfig, () => RawConfig>();
        await eachLimit(indexes, IN_PROCESS_CONCURRENCY, async (i) => {
          const { raw } = prepared[i] as PreparedConfiguration;
          let copy = copiers.get(raw);
          if (!copy) copiers.set(raw, (copy = rawConfigCopier(raw)));
          const own = copy();
          outcomes[i] = await this.deferringFsync(plugin, () => this.configureOutcome(devices[i] as Device, { plugin, raw: own }));
        });
      }),
    );
    return outcomes;
  }

  /** How a render thread loads `plugin`, when the render threads configure it (else `undefined`: this thread does). */
  private threadSpec(plugin: ProvdPlugin): RenderPluginSpec | undefined {
    const spec = this.threads && plugin.id ? this.app.options.plugins.renderSpec?.(plugin.id) : undefined;
    return spec && !this.threadless.has(spec.key) ? spec : undefined;
  }

  /** The outcome of a device configured in a render thread (logged and counted as here). */
  private outcomeOf(device: Device, plugin: ProvdPlugin, result: RenderResult): boolean | Error {
    this.app.options.onConfigured?.(plugin.id, result.seconds, result.ok);
    if (result.ok) return true;
    this.app.log(`configure of device "${device.id}" by plugin "${plugin.id}" failed: ${result.reason}`);
    if (!result.writeFailure) return false;
    return new Error(result.reason);
  }

  /**
   * Deconfigures `device` when configured (through `plugin`, by default its loaded plugin) and stores it with
   * `configured: false` (under its lock).
   */
  async unconfigureLocked(device: Device, plugin?: ProvdPlugin): Promise<void> {
    if (device.configured) await this.deconfigure(device, plugin ?? this.app.plugins.get(device.plugin));
    if (device.configured !== false) await this.app.store.put('devices', { ...device, configured: false } as Device & { id: string });
  }

  /**
   * Stores `next` in place of `old` (`undefined`: a new device, refused when its id exists), with `extra` writes in
   * the same transaction. When a key of the reconfigure list changed, the change records a job for the device, the
   * old device is deconfigured and the new one configured, and the job is reported done (under the device's lock);
   * with `background`, the job is left to the background worker and the call returns after the commit. `unique`:
   * the keys (e.g. `mac`) no other device may share, checked in the commit (`PROVD_HOST_DUPLICATE_KEY`). `deferSync`:
   * the commit resolves before it is on disk (see `ChangeSet.deferSync`), for a device its requester creates again.
   */
  async replaceDevice(old: Device | undefined, next: Device, extra: readonly DocumentWrite[] = [], background = false, unique: readonly string[] = [], deferSync = false): Promise<Device> {
    const id = next.id;
    if (old && !needsReconfigure(old, next)) {
      const kept = { ...next, configured: old.configured ?? false };
      await this.app.store.commit({ writes: [...extra, { op: 'put', kind: 'devices', doc: kept as Device & { id: string }, unique }], deferSync });
      return kept;
    }
    const pending = extra.flatMap((w) => (w.op === 'put' && w.kind === 'configs' ? [w.doc] : []));
    // configured in the background: only whether it can be is needed now
    const prepared = background ? undefined : await this.prepare(next, pending);
    next.configured = background ? await this.configurable(next, pending) : prepared !== undefined;
    const deconfigure = old?.configured ? [old as Device & { id: string }] : [];
    const jobs: ReconfigureJobInput[] =
      (next.plugin && next.config) || deconfigure.length > 0 ? [{ reason: `device "${id}" ${old ? 'changed' : 'created'}`, selector: { id }, ...(deconfigure.length > 0 ? { deconfigure } : {}) }] : [];
    const committed = await this.app.store.commit({
      writes: [...extra, { op: 'put', kind: 'devices', doc: next as Device & { id: string }, expect: old ? 'present' : 'absent', unique }],
      jobs,
      deferSync,
    });
    if (background) {
      // Configured by the background worker (a phone asking first is configured on demand); `configured` holds
      // what the checks above predict and is corrected if the plugin then fails.
      this.app.reconfigurer.add(committed.jobs);
      if (old?.config && old.config !== next.config) await this.dropTransientConfig(old.config);
      return next;
    }
    this.app.reconfigurer.add(committed.jobs, true);
    try {
      if (old?.configured) await this.deconfigure(old);
      if (prepared && !(await this.configurePrepared(next, prepared))) {
        next.configured = false;
        await this.app.store.put('devices', next as Device & { id: string });
      }
    } finally {
      this.app.reconfigurer.finishInline(committed.jobs);
    }
    if (old?.config && old.config !== next.config) await this.dropTransientConfig(old.config);
    return next;
  }

  /** Deletes the stored `device` (one transaction recording the removal of its files), then removes its files. */
  async deleteDevice(device: Device, background = false): Promise<void> {
    const deconfigure = device.configured ? [device as Device & { id: string }] : [];
    const committed = await this.app.store.commit({
      writes: [{ op: 'delete', kind: 'devices', id: device.id, expect: 'present' }],
      jobs: deconfigure.length > 0 ? [{ reason: `device "${device.id}" deleted`, selector: { id: device.id }, deconfigure }] : [],
    });
    if (background) {
      this.app.reconfigurer.add(committed.jobs);
      if (device.config) await this.dropTransientConfig(device.config);
      return;
    }
    this.app.reconfigurer.add(committed.jobs, true);
    try {
      if (device.configured) await this.deconfigure(device);
    } finally {
      this.app.reconfigurer.finishInline(committed.jobs);
    }
    if (device.config) await this.dropTransientConfig(device.config);
  }

  /** Deletes the transient config `configId` when no device uses it any more. */
  async dropTransientConfig(configId: string): Promise<void> {
    const config = await this.app.configs.get(configId);
    if (config?.transient && (await this.app.devices.count({ config: configId })) === 0) {
      await this.app.store.delete('configs', configId);
      this.rawConfigs.invalidate();
    }
  }
}
