import type { AppContext } from './app-context';
import type { DeviceConfiguration } from './device-configuration';

/** The plugin life cycle as the application runs it: load at start, install and uninstall with their devices. */
export class PluginOperations {
  /** Works on the plugins of `app`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
  ) {}

  /**
   * Loads every installed plugin (a plugin that fails is logged and left out), then resumes the background
   * reconfigurations left unfinished. No other device is configured at start.
   */
  async start(): Promise<{ failed: { id: string; error: Error }[] }> {
    const { failed } = await this.app.options.plugins.loadAll();
    for (const { id, error } of failed) this.app.log(`plugin "${id}" could not be loaded: ${error.message}`);
    this.app.plugins.changed();
    await this.app.reconfigurer.start();
    return { failed: [...failed] };
  }

  /** Stops the background work (it resumes at the next start), then unloads every plugin. */
  async close(): Promise<void> {
    await this.app.reconfigurer.stop();
    await this.app.options.plugins.closeAll();
    this.app.plugins.changed();
  }

  /**
   * Installs (or upgrades) plugin `id`, then records a background job configuring every device that uses it with the
   * new instance; resolves once the job is recorded (devices are configured in the background, or on demand).
   */
  async install(id: string): Promise<void> {
    await this.replace(id, () => this.app.options.plugins.install(id));
  }

  /** Loads plugin `id` again from its folder (unloading the running instance), then reconfigures its devices. */
  async reload(id: string): Promise<void> {
    await this.replace(id, () => this.app.options.plugins.reload(id));
  }

  private async replace(id: string, change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
    } finally {
      this.app.plugins.changed();
    }
    const committed = await this.app.store.commit({ jobs: [{ reason: `plugin "${id}" installed`, selector: { plugin: id } }] });
    this.app.reconfigurer.add(committed.jobs);
  }

  /**
   * Deconfigures the devices of plugin `id`, then unloads and removes it. Devices keep their records. The plugin is
   * first marked leaving: nothing configures a device with it any more or associates a new device to it (a device
   * changed meanwhile is stored not configured), and requests no longer reach it. The background work already under
   * way first finishes (a device job held back for its burst, a reconfigure of the plugin's devices), so that none
   * of it configures a device again after it was deconfigured here. A failed uninstall ends the mark.
   */
  async uninstall(id: string): Promise<void> {
    this.app.plugins.leave(id);
    try {
      await this.app.reconfigurer.idle();
      const plugin = this.app.plugins.leaving(id);
      for (let after: string | undefined; ; ) {
        const ids = await this.app.devices.idsAfter({ plugin: id }, after, 256);
        if (ids.length === 0) break;
        for (const deviceId of ids) {
          await this.app.deviceLock.run(deviceId, async () => {
            const device = await this.app.devices.get(deviceId);
            if (device) await this.configuration.unconfigureLocked(device, plugin);
          });
        }
        after = ids[ids.length - 1];
      }
      await this.app.options.plugins.uninstall(id);
    } finally {
      this.app.plugins.stay(id);
      this.configuration.forgetPlugin(id);
    }
  }
}
