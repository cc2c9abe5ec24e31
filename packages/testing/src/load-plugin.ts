import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPlugin, prepareRawConfig, renderPlugin, toRenderDevice, type OpenedPlugin, type OpenPluginOptions } from '@provd/host';
import type { Device, RawConfig } from '@provd/sdk';

/** A built plugin loaded for a test, exactly as a host loads it; `dispose` closes it and removes its copy. */
export type TestPlugin = OpenedPlugin;

/**
 * Loads a built plugin (a tarball from `provd-build build`, or a plugin folder) as a host does: the tarball is
 * unpacked safely into a temporary folder (a folder is copied), `plugin-info` and its `sdk` range are checked, and
 * `entry.js` is imported sharing the host's copy of `@provd/sdk`, its class constructed with a plugin context. The
 * plugin's writes land in the temporary copy.
 *
 * @example
 * ```ts
 * const loaded = await loadPlugin(family.tarball('acme-1.0.0'));
 * try {
 *   expect(loaded.plugin.pgAssociator.associate({ vendor: 'Acme', model: 'A10', version: '1.0.0' })).toBe(DeviceSupport.EXACT);
 * } finally {
 *   await loaded.dispose();
 * }
 * ```
 */
export async function loadPlugin(path: string, options: OpenPluginOptions = {}): Promise<TestPlugin> {
  return openPlugin(path, { copyFolder: true, writeDurability: 'none', ...options });
}

/** Options of {@link renderFiles}. */
export interface RenderFilesOptions extends OpenPluginOptions {
  /**
   * The devices to configure, as `provd render --devices` reads them: `mac`, `vendor` and `model` required, `id`
   * defaulting to the MAC without separators.
   */
  devices: readonly (Omit<Device, 'id'> & { id?: string })[];
  /** The flattened raw config each device is configured with (defaults applied and validated as the host does). */
  config: RawConfig;
}

/**
 * Configures devices with a built plugin, as `provd render` does, and resolves to every file written, by path
 * relative to the plugin's tftpboot folder (the path phones ask for), as text.
 *
 * @example
 * ```ts
 * const files = await renderFiles(family.tarball('acme-1.0.0'), { devices: [{ mac: '00:00:5e:00:53:01', model: 'A10' }], config });
 * assertWellFormedXml(files['acme/00005e005301.xml']);
 * ```
 */
export async function renderFiles(path: string, options: RenderFilesOptions): Promise<Record<string, string>> {
  const out = await mkdtemp(join(tmpdir(), 'provd-render-'));
  try {
    const { devices, config, ...environment } = options;
    const checked = devices.map((device, i) => toRenderDevice(device, 'devices', `[${i}]`));
    const result = await renderPlugin({ ...environment, plugin: path, devices: checked, rawConfig: prepareRawConfig(config), outDir: out });
    const files: Record<string, string> = {};
    for (const file of result.files) files[file] = await readFile(join(out, file), 'utf8');
    return files;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
