import { configDescendants, needsReconfigure } from '@provd/core';
import { createProvdError, validateRawConfig, type Device } from '@provd/sdk';
import { hostError } from '../errors';
import { reasonOf, type AppContext } from './app-context';
import type { RawConfigs } from './raw-configs';

/**
 * Configuring and reconfiguring devices: each device configured by its plugin with its own copy of its validated
 * raw config, reconfigured exactly when its plugin, config or identity changes, one task at a time per device.
 */
export class DeviceConfiguration {
  /** Configures the devices of `app` with the raw configs of `rawConfigs`. */
  constructor(
    private readonly app: AppContext,
    private readonly rawConfigs: RawConfigs,
  ) {}

  /**
   * Configures `device` with its plugin and its own copy of its raw config; resolves to whether it succeeded (the
   * value of `configured`). Nothing happens without a loaded plugin or a config that exists.
   */
  async configure(device: Device): Promise<boolean> {
    const plugin = this.app.plugins.get(device.plugin);
    const raw = plugin ? this.rawConfigs.forDevice(device) : undefined;
    if (!plugin || !raw) return false;
    const { valid, errors } = validateRawConfig(raw);
    if (!valid) {
      this.app.log(createProvdError('PROVD_INVALID_RAW_CONFIG', { device: device.id, errors }).message);
      return false;
    }
    try {
      await plugin.configure(structuredClone(device), raw);
      return true;
    } catch (err) {
      this.app.log(`configure of device "${device.id}" by plugin "${plugin.id}" failed: ${reasonOf(err)}`);
      return false;
    }
  }

  /** Removes the files of `device` through its plugin (a failure is logged). */
  async deconfigure(device: Device): Promise<void> {
    const plugin = this.app.plugins.get(device.plugin);
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
      const device = this.app.devices.get(id);
      if (!device) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
      return task(device);
    });
  }

  /**
   * Configures an unchanged `device` again (its config, or its plugin's instance, changed) and stores the new
   * `configured` flag. The plugin overwrites the device's files atomically, so a phone fetching meanwhile gets the old
   * file or the new one, never a 404; when configure fails, the device is deconfigured.
   */
  async reconfigureLocked(device: Device): Promise<Device> {
    const configured = await this.configure(device);
    if (!configured && device.configured) await this.deconfigure(device);
    const updated = { ...device, configured };
    await this.app.devices.put(updated);
    return updated;
  }

  /** Deconfigures `device` when configured and stores it with `configured: false` (under its lock). */
  async unconfigureLocked(device: Device): Promise<void> {
    if (device.configured) await this.deconfigure(device);
    await this.app.devices.put({ ...device, configured: false });
  }

  /**
   * Stores `next` in place of `old`; when a key of the reconfigure list changed, the old device is deconfigured and
   * the new one configured (under the device's lock).
   */
  async replaceDevice(old: Device, next: Device): Promise<Device> {
    if (!needsReconfigure(old, next)) {
      const kept = { ...next, configured: old.configured ?? false };
      await this.app.devices.put(kept);
      return kept;
    }
    if (old.configured) await this.deconfigure(old);
    next.configured = false;
    await this.app.devices.put(next);
    next.configured = await this.configure(next);
    if (next.configured) await this.app.devices.put(next);
    if (old.config && old.config !== next.config) await this.dropTransientConfig(old.config);
    return next;
  }

  /** Deletes the transient config `configId` when no device uses it any more. */
  async dropTransientConfig(configId: string): Promise<void> {
    const config = this.app.configs.get(configId);
    if (config?.transient && this.app.devices.findBy('config', configId).length === 0) await this.rawConfigs.change(configId);
  }

  /** Reconfigures the devices of config `id` and of every config inheriting from it. */
  async reconfigureConfigDevices(id: string): Promise<void> {
    await this.reconfigureDevicesOf(id);
    for (const child of configDescendants(id, this.app.configs.all())) await this.reconfigureDevicesOf(child);
  }

  /** Reconfigures the devices pointing at config `configId` whose plugin is loaded. */
  async reconfigureDevicesOf(configId: string): Promise<void> {
    for (const device of this.app.devices.findBy('config', configId)) {
      if (!device.plugin || !this.app.plugins.get(device.plugin)) continue;
      await this.withDevice(device.id, (d) => this.reconfigureLocked(d));
    }
  }
}
