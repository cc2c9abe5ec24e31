import type { AppContext } from './app-context';
import type { DeviceConfiguration } from './device-configuration';

/** The plugin life cycle as the application runs it: load at start, install and uninstall with their devices. */
export class PluginOperations {
  /** Works on the plugins of `app`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
  ) {}

  /** Loads every installed plugin; a plugin that fails is logged and left out. No device is configured at start. */
  async start(): Promise<void> {
    const { failed } = await this.app.options.plugins.loadAll();
    for (const { id, error } of failed) this.app.log(`plugin "${id}" could not be loaded: ${error.message}`);
    this.app.plugins.changed();
  }

  /** Unloads every plugin. */
  async close(): Promise<void> {
    await this.app.options.plugins.closeAll();
    this.app.plugins.changed();
  }

  /** Installs (or upgrades) plugin `id`, then configures every device that uses it with the new instance. */
  async install(id: string): Promise<void> {
    try {
      await this.app.options.plugins.install(id);
    } finally {
      this.app.plugins.changed();
    }
    for (const device of this.app.devices.findBy('plugin', id)) {
      await this.configuration.withDevice(device.id, (d) => this.configuration.reconfigureLocked(d));
    }
  }

  /** Deconfigures the devices of plugin `id`, then unloads and removes it. Devices keep their records. */
  async uninstall(id: string): Promise<void> {
    for (const device of this.app.devices.findBy('plugin', id)) {
      await this.configuration.withDevice(device.id, (d) => this.configuration.unconfigureLocked(d));
    }
    try {
      await this.app.options.plugins.uninstall(id);
    } finally {
      this.app.plugins.changed();
    }
  }
}
