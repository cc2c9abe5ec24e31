import { lstat, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { acquirePluginLock } from '@provd/firmware';
import { holdStaging, stagingPrefix } from './install-journal';
import { assertPluginId } from './plugin-folder';
import { hostError } from '../errors';

/** Options of {@link uninstallPlugin}. */
export interface UninstallPluginOptions {
  /**
   * How long to wait for a firmware install or removal of the plugin to finish (it holds the plugin's firmware lock)
   * before the removal is refused with `PROVD_FETCHFW_LOCKED`, in milliseconds. @defaultValue 10000
   */
  firmwareLockWaitMs?: number;
}

/**
 * Removes an installed plugin's folder (its firmware and generated files included): it is first renamed aside, so
 * the plugin disappears at once even if deleting its files takes time. The rename holds the plugin's firmware lock,
 * so a firmware install of the plugin never goes on writing into a folder being removed (or recreates part of it).
 * Throws `PROVD_PLUGIN_NOT_INSTALLED`, or `PROVD_FETCHFW_LOCKED` when a firmware operation does not finish in time.
 *
 * @example
 * ```ts
 * await uninstallPlugin('digium-2.8.1', 'plugins');
 * ```
 */
export async function uninstallPlugin(id: string, pluginsDir: string, options: UninstallPluginOptions = {}): Promise<void> {
  assertPluginId(id);
  const dir = resolve(pluginsDir);
  const target = join(dir, id);
  const stats = await lstat(target).catch(() => undefined);
  if (!stats?.isDirectory()) throw hostError('PROVD_PLUGIN_NOT_INSTALLED', { plugin: id, dir: pluginsDir });
  const lock = await acquirePluginLock({ dir: join(target, 'var', 'installed'), plugin: id, waitMs: options.firmwareLockWaitMs ?? 10_000 });
  const trash = await mkdtemp(join(dir, stagingPrefix('remove', id))).catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });
  const held = holdStaging(trash);
  try {
    try {
      // The lock file goes with the folder: once renamed, no one can take the lock of this plugin folder any more.
      await rename(target, join(trash, id));
    } finally {
      await lock.release();
    }
    await rm(trash, { recursive: true, force: true });
  } finally {
    held.release();
  }
}
