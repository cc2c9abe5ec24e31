import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isProvdError, ProvdError, type PluginInfo } from '@provd/sdk';
import { readPluginInfo } from './plugin-folder';
import { hostError } from '../errors';

/** `err`, naming plugin `id` when it names none (a schema error of the SDK names only the file). */
function aboutPlugin(err: ProvdError, id: string): ProvdError {
  if (err.plugin !== undefined) return err;
  const { code, message, file, key, device, status } = err;
  return new ProvdError(code, message, { plugin: id, cause: err.cause, ...(file === undefined ? {} : { file }), ...(key === undefined ? {} : { key }), ...(device === undefined ? {} : { device }), ...(status === undefined ? {} : { status }) });
}

/** The installed plugins of a plugins folder. */
export interface InstalledPlugins {
  /** The `plugin-info` of each installed plugin, keyed by id, in id order. */
  plugins: Record<string, PluginInfo>;
  /** One error per folder whose `plugin-info` is missing or invalid (the others are still listed). */
  broken: ProvdError[];
}

/**
 * Lists the plugins installed in a plugins folder: every sub-folder not starting with `.` (temporary folders of
 * installs in progress start with `.`). A folder with a missing or invalid `plugin-info` is reported in `broken`
 * instead of failing the whole listing (contract §10.16). A missing plugins folder lists nothing.
 *
 * @example
 * ```ts
 * const { plugins } = await listInstalledPlugins('plugins');
 * Object.keys(plugins); // ['digium-2.8.1']
 * ```
 */
export async function listInstalledPlugins(pluginsDir: string): Promise<InstalledPlugins> {
  const dir = resolve(pluginsDir);
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const ids = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const plugins: Record<string, PluginInfo> = {};
  const broken: ProvdError[] = [];
  for (const id of ids) {
    try {
      plugins[id] = await readPluginInfo(join(dir, id), id);
    } catch (err) {
      broken.push(isProvdError(err) ? aboutPlugin(err, id) : hostError('PROVD_PLUGIN_INFO_MISSING', { plugin: id, file: join(dir, id), reason: String(err) }));
    }
  }
  return { plugins, broken };
}
