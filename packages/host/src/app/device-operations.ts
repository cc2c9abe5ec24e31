import { standardSipSynchronize, type Device } from '@provd/sdk';
import { hostError } from '../errors';
import { newRecordId } from '../store/records';
import type { AppContext } from './app-context';
import type { DeviceConfiguration } from './device-configuration';
import { readDeviceInput } from './device-input';
import type { RawConfigs } from './raw-configs';

/** The keys no two devices that clients write may share. */
const CLIENT_UNIQUE_KEYS = ['mac'] as const;

/** What clients do to devices (API and CLI): create, replace, delete, reconfigure, synchronize. */
export class DeviceOperations {
  /** Works on the devices of `app`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
    private readonly rawConfigs: RawConfigs,
  ) {}

  /**
   * Creates a device from client input (validated and normalised) and returns it once stored; its files are written
   * in the background (or on demand when the phone asks first). Its MAC must be no other device's
   * (`PROVD_HOST_DUPLICATE_KEY`, checked in the commit).
   */
  async insert(input: unknown): Promise<Device> {
    const read = readDeviceInput(input);
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_DEVICE', { errors: read.errors });
    return this.insertRead(read.device);
  }

  /** {@link DeviceOperations.insert} of a device `readDeviceInput` gave (validated and normalised already). */
  async insertRead(read: Partial<Device>): Promise<Device> {
    const device = { ...read, id: read.id ?? newRecordId() } as Device;
    return this.app.deviceLock.run(device.id, () => this.configuration.replaceDevice(undefined, device, [], true, CLIENT_UNIQUE_KEYS));
  }

  /**
   * Replaces device `input.id` with `input` (the host keeps `configured`); when a key of the reconfigure list
   * changed, the old device is deconfigured and the new one configured. Its MAC must be no other device's.
   */
  async update(input: unknown): Promise<Device> {
    const read = readDeviceInput(input);
    if ('errors' in read) throw hostError('PROVD_HOST_INVALID_DEVICE', { device: String((input as Device)?.id ?? ''), errors: read.errors });
    const id = read.device.id;
    if (id === undefined) throw hostError('PROVD_HOST_INVALID_DEVICE', { errors: ['id: is required'] });
    return this.configuration.withDevice(id, (old) => this.configuration.replaceDevice(old, { ...read.device, id } as Device, [], true, CLIENT_UNIQUE_KEYS));
  }

  /** Deletes device `id` (deconfiguring it when configured) and the transient config only it used. */
  async delete(id: string): Promise<void> {
    await this.configuration.withDevice(id, (device) => this.configuration.deleteDevice(device, true));
  }

  /** Configures device `id` again (deconfigured only if that fails). */
  async reconfigure(id: string): Promise<Device> {
    return this.configuration.withDevice(id, (device) => this.configuration.reconfigureLocked(device));
  }

  /** Asks device `id` to fetch its configuration again, through its plugin's `synchronize`. */
  async synchronize(id: string): Promise<void> {
    const device = await this.app.devices.get(id);
    if (!device) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
    if (!device.configured) throw hostError('PROVD_HOST_DEVICE_NOT_CONFIGURED', { device: id });
    const plugin = this.app.plugins.get(device.plugin);
    if (!plugin) throw hostError('PROVD_HOST_PLUGIN_NOT_LOADED', { plugin: device.plugin ?? '', device: id });
    // The phone fetches its files right after: make sure a pending change has reached them.
    await this.app.reconfigurer.ensureFresh(device);
    await plugin.synchronize(device, (await this.rawConfigs.forDevice(device)) ?? {});
  }

  /** Sends the standard SIP `check-sync` to a device through the host's sync service (for plugins and tests). */
  async standardSynchronize(device: Device): Promise<void> {
    await standardSipSynchronize(device, this.app.options.syncService);
  }
}
