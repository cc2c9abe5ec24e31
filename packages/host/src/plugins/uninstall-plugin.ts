import { lstat, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { holdStaging, stagingPrefix } from './install-journal';
import { assertPluginId } from './plugin-folder';
import { hostError } from '../errors';

/**
 * Removes an installed plugin's folder (its firmware and generated files included): it is first renamed aside, so
 * the plugin disappears at once even if deleting its files takes time. Throws `PROVD_PLUGIN_NOT_INSTALLED`.
 *
 * @example
 * ```ts
 * await uninstallPlugin('digium-2.8.1', 'plugins');
 * ```
 */
export async function uninstallPlugin(id: string, pluginsDir: string): Promise<void> {
  assertPluginId(id);
  const dir = resolve(pluginsDir);
  const target = join(dir, id);
  const stats = await lstat(target).catch(() => undefined);
  if (!stats?.isDirectory()) throw hostError('PROVD_PLUGIN_NOT_INSTALLED', { plugin: id, dir: pluginsDir });
  const trash = await mkdtemp(join(dir, stagingPrefix('remove', id)));
  const held = holdStaging(trash);
  try {
    await rename(target, join(trash, id));
    await rm(trash, { recursive: true, force: true });
  } finally {
    held.release();
  }
}
