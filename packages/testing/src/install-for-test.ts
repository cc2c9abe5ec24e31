import { cp, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { extractArchive } from '@provd/firmware';
import { hostError, PLUGIN_PACKAGE_LIMITS } from '@provd/host';

/** Folders of a plugin whose contents a test installation leaves out: generated files and downloaded firmware. */
const RUNTIME_CONTENTS = ['var/tftpboot', 'var/cache', 'var/installed'];

/**
 * Puts a built plugin into `pluginsDir` as a host installs it, and resolves to its id: a tarball (from `provd-build
 * build`) is unpacked safely (no links out, bounded sizes) and must hold one top folder, the plugin id; a plugin
 * folder is copied without the files it generated or downloaded.
 */
export async function installForTest(source: string, pluginsDir: string): Promise<string> {
  const path = resolve(source);
  const stats = await lstat(path).catch(() => undefined);
  await mkdir(pluginsDir, { recursive: true });
  if (stats?.isDirectory()) {
    const id = basename(path);
    await cp(path, join(pluginsDir, id), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (file) => !RUNTIME_CONTENTS.some((dir) => relative(path, file).split('\\').join('/').startsWith(`${dir}/`)),
    });
    return id;
  }
  if (!stats?.isFile()) throw hostError('PROVD_PLUGIN_NOT_FOUND', { path: source });
  const unpacked = join(pluginsDir, `.unpack-${process.pid}-${Date.now()}`);
  try {
    await extractArchive(path, unpacked, PLUGIN_PACKAGE_LIMITS);
    const top = await readdir(unpacked);
    const id = top[0];
    if (top.length !== 1 || id === undefined || !(await lstat(join(unpacked, id))).isDirectory()) {
      throw hostError('PROVD_PLUGIN_WRONG_TOP_FOLDER', { plugin: id ?? basename(path), file: source, found: top });
    }
    await rename(join(unpacked, id), join(pluginsDir, id));
    return id;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
