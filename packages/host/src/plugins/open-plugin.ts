import { cp, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { extractArchive } from '@provd/firmware';
import { PLUGIN_PACKAGE_LIMITS } from './install-plugin';
import { loadPluginFromDir, type LoadedPlugin, type PluginEnvironment } from './load-plugin';
import { ENTRY_FILE, PLUGIN_INFO_FILE } from './plugin-folder';
import { hostError } from '../errors';

/** A plugin loaded for one command run, from a tarball or a folder; `dispose` closes it and removes temporary files. */
export interface OpenedPlugin extends LoadedPlugin {
  /** Closes the plugin and removes the temporary folder. */
  dispose(): Promise<void>;
}

/** Options of {@link openPlugin}. */
export interface OpenPluginOptions extends PluginEnvironment {
  /**
   * When the plugin is a folder, work on a copy of it (without the files of `var/tftpboot` and `var/cache`), so that
   * what `configure` writes lands in an empty folder and the original is left alone. Tarballs are always unpacked
   * into a temporary folder.
   */
  copyFolder?: boolean;
  /**
   * Where the temporary folder (the unpacked tarball or the copy) is made: a folder on the file system its files
   * will be moved to, so that they move by rename. Where one cannot be made there, and by default: the system's
   * temporary folder.
   */
  workDir?: string;
}

const statOf = (path: string) => lstat(path).catch(() => undefined);

/** Folders of a plugin whose contents a working copy leaves out: generated files and downloaded firmware. */
const SKIPPED_CONTENTS = ['var/tftpboot', 'var/cache'];

async function unpackTarball(file: string, work: string): Promise<string> {
  const unpacked = join(work, 'plugin');
  await extractArchive(file, unpacked, { ...PLUGIN_PACKAGE_LIMITS, linkScope: 'top-folder' });
  const top = await readdir(unpacked);
  const id = top[0];
  if (top.length !== 1 || id === undefined || !(await statOf(join(unpacked, id)))?.isDirectory()) {
    throw hostError('PROVD_PLUGIN_WRONG_TOP_FOLDER', { plugin: id ?? basename(file), file, found: top });
  }
  return join(unpacked, id);
}

async function copyFolder(dir: string, work: string): Promise<string> {
  const copy = join(work, basename(dir));
  await cp(dir, copy, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const rel = relative(dir, source).split('\\').join('/');
      return !SKIPPED_CONTENTS.some((skipped) => rel.startsWith(`${skipped}/`));
    },
  });
  return copy;
}

/** A new temporary folder in `dir` (hidden there), else in the system's temporary folder. */
async function makeWork(dir: string | undefined): Promise<string> {
  if (dir !== undefined) {
    try {
      return await mkdtemp(join(dir, '.provd-run-'));
    } catch {
      // not writable there (a read-only parent, another user's folder): the system's temporary folder
    }
  }
  return mkdtemp(join(tmpdir(), 'provd-run-'));
}

/**
 * Loads a plugin given on the command line, exactly as a host loads an installed one: a tarball (`.tar.gz` from
 * `pnpm build-plugins`) is unpacked safely into a temporary folder whose single top folder names the plugin; a
 * plugin folder is used in place or, with `copyFolder`, copied first. Throws `PROVD_PLUGIN_NOT_FOUND` for anything
 * else, and the loader's errors.
 *
 * @example
 * ```ts
 * const opened = await openPlugin('dist/repo/digium-2.8.1-1.2.0.tar.gz');
 * try { await opened.plugin.configure(device, rawConfig); } finally { await opened.dispose(); }
 * ```
 */
export async function openPlugin(path: string, options: OpenPluginOptions = {}): Promise<OpenedPlugin> {
  const source = resolve(path);
  const stats = await statOf(source);
  const isFolder = stats?.isDirectory() === true;
  if (!stats || (!isFolder && !stats.isFile())) throw hostError('PROVD_PLUGIN_NOT_FOUND', { path });
  if (isFolder && (!(await statOf(join(source, PLUGIN_INFO_FILE))) || !(await statOf(join(source, ENTRY_FILE))))) {
    throw hostError('PROVD_PLUGIN_NOT_FOUND', { path });
  }
  const needsWork = !isFolder || options.copyFolder === true;
  const work = needsWork ? await makeWork(options.workDir) : undefined;
  const removeWork = async () => {
    if (work) await rm(work, { recursive: true, force: true });
  };
  let loaded: LoadedPlugin;
  try {
    const dir = !isFolder ? await unpackTarball(source, work as string) : work ? await copyFolder(source, work) : source;
    loaded = await loadPluginFromDir(dir, options);
  } catch (err) {
    await removeWork();
    throw err;
  }
  return {
    ...loaded,
    async dispose() {
      try {
        await loaded.plugin.close();
      } finally {
        await removeWork();
      }
    },
  };
}
