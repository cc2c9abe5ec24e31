import type { KeyObject } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PluginInfo } from '@provd/sdk';
import { acquirePluginLock, extractArchive, type ArchiveLimits } from '@provd/firmware';
import { deadlineIn, fetchPluginIndex, fetchPluginPackage, openRepository, REPOSITORY_DEADLINE_MS, sequencesOf, type RepositorySource } from '../repository/index';
import { assertPluginId, ENTRY_FILE, readPluginInfo } from './plugin-folder';
import { assertSdkCompatible, HOST_SDK_VERSION } from './sdk-version';
import { hostError } from '../errors';
import { holdStaging, recoverPluginsFolder, stagingPrefix, writeInstallJournal } from './install-journal';
import { moveAll, moveBack, planMissing, type MovedEntry } from './move-missing';

/** Options of {@link installPlugin}. */
export interface InstallPluginOptions {
  /** The repository: a folder or an `http(s)://` URL (or an opened {@link RepositorySource}). */
  repo: string | RepositorySource;
  /** The plugins folder; created when missing. */
  pluginsDir: string;
  /** Trusted Ed25519 keys: when given, the repository's index must be signed by one of them. */
  trustedKeys?: readonly KeyObject[];
  /** The `@provd/sdk` version the plugin must accept (default: the host's). */
  sdkVersion?: string;
  /**
   * The most fetching the index and the package may take together, in milliseconds (a repository that stalls or
   * trickles fails the install with `PROVD_REPO_UNREACHABLE`). @defaultValue 120000
   */
  deadlineMs?: number;
  /** Bounds on the unpacked package (defaults: 64 MiB per entry, 256 MiB in all, 20 000 entries). */
  limits?: Partial<ArchiveLimits>;
  /**
   * How long an upgrade waits for a firmware install or removal of the plugin to finish (it holds the plugin's
   * firmware lock) before it is refused with `PROVD_FETCHFW_LOCKED`, in milliseconds. @defaultValue 10000
   */
  firmwareLockWaitMs?: number;
}

/** What {@link installPlugin} did. */
export interface InstallPluginResult {
  /** The plugin id. */
  id: string;
  /** The installed version. */
  version: string;
  /** The version it replaced, when it was an upgrade. */
  previousVersion?: string;
  /** The installed plugin folder. */
  dir: string;
  /** The installed `plugin-info`. */
  info: PluginInfo;
}

/** Bounds for a plugin package: plugins hold code and templates; firmware is downloaded later, not shipped inside. */
export const PLUGIN_PACKAGE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntrySize: 64 * 1024 * 1024,
  maxTotalSize: 256 * 1024 * 1024,
  maxEntries: 20_000,
});

const exists = (path: string) => lstat(path).then(
  () => true,
  () => false,
);

/** Unpacks verified package bytes beside the plugins, checks the top folder, and returns the staged plugin folder. */
async function stagePackage(bytes: Buffer, file: string, id: string, staging: string, options: InstallPluginOptions): Promise<string> {
  const unpacked = join(staging, 'new');
  await extractArchive(bytes, unpacked, { name: file, ...PLUGIN_PACKAGE_LIMITS, ...options.limits, linkScope: 'top-folder' });
  const top = await readdir(unpacked);
  const dir = join(unpacked, id);
  if (top.length !== 1 || top[0] !== id || !(await lstat(dir)).isDirectory()) {
    throw hostError('PROVD_PLUGIN_WRONG_TOP_FOLDER', { plugin: id, file, found: top });
  }
  return dir;
}

/**
 * Puts the staged plugin folder in place of `target` atomically: the previous version's runtime state (`var/`:
 * installed firmware, administrators' templates, generated files) is carried over where the new package does not
 * ship the same file, the old folder is renamed aside and the new one renamed in (the commit point), all of it holding
 * the plugin's firmware lock (waiting up to `lockWaitMs` for a firmware operation to finish). The renames are
 * journaled first (see `install-journal.ts`), so a process killed at any of them is undone at the next start; if a
 * step fails, everything is moved back and the previous version is left as it was.
 */
async function swapIn(id: string, staged: string, target: string, staging: string, lockWaitMs: number): Promise<void> {
  if (!(await exists(target))) {
    await rename(staged, target);
    return;
  }
  // The firmware records move with var/: hold the lock the firmware installer takes, so that no install or removal
  // of this plugin's firmware runs meanwhile. The new folder gets a copy of the lock file (so its own lock file is not
  // moved over), which keeps the lock held under the same path once the new folder is in place.
  const lock = await acquirePluginLock({ dir: join(target, 'var', 'installed'), plugin: id, waitMs: lockWaitMs });
  try {
    await lock.carryTo(join(staged, 'var', 'installed'));
    const aside = join(staging, 'old');
    const plan = await planMissing(join(target, 'var'), join(staged, 'var'));
    await writeInstallJournal(staging, { id, staged, aside, moves: plan });
    const moved: MovedEntry[] = [];
    let asideDone = false;
    try {
      await moveAll(plan, moved);
      await rename(target, aside);
      asideDone = true;
      await rename(staged, target);
    } catch (err) {
      if (asideDone) await rename(aside, target);
      await moveBack(moved);
      throw err;
    }
  } finally {
    await lock.release();
  }
}

/**
 * Installs (or upgrades) plugin `id` from a repository into a plugins folder (contract §2.3, with the fixes of §10):
 * the index is fetched (and its signature checked when the host has trusted keys), the package's size and digest are
 * checked before anything is unpacked, the package is extracted safely beside the plugins, its single top folder
 * must be the plugin id, its `plugin-info` must be valid and accept the host's SDK, and only then does the folder
 * replace the previous version by rename. A refused install leaves the plugins folder exactly as it was.
 *
 * @example
 * ```ts
 * const { version, previousVersion } = await installPlugin('digium-2.8.1', { repo: 'dist/repo', pluginsDir: 'plugins' });
 * ```
 */
export async function installPlugin(id: string, options: InstallPluginOptions): Promise<InstallPluginResult> {
  assertPluginId(id);
  const repo = typeof options.repo === 'string' ? openRepository(options.repo) : options.repo;
  const deadline = deadlineIn(options.deadlineMs ?? REPOSITORY_DEADLINE_MS);
  const index = await fetchPluginIndex(repo, { trustedKeys: options.trustedKeys, sequences: sequencesOf(resolve(options.pluginsDir)), deadline });
  const entry = index[id];
  if (!entry) throw hostError('PROVD_PLUGIN_NOT_IN_REPO', { plugin: id, repo: repo.location, available: Object.keys(index).sort() });
  const bytes = await fetchPluginPackage(repo, id, entry, deadline);

  const pluginsDir = resolve(options.pluginsDir);
  const createdDir = await mkdir(pluginsDir, { recursive: true });
  await recoverPluginsFolder(pluginsDir);
  const staging = await mkdtemp(join(pluginsDir, stagingPrefix('install', id)));
  const held = holdStaging(staging);
  const target = join(pluginsDir, id);
  try {
    const staged = await stagePackage(bytes, entry.filename, id, staging, options);
    const info = await readPluginInfo(staged, id);
    assertSdkCompatible(id, info, options.sdkVersion ?? HOST_SDK_VERSION);
    if (!(await exists(join(staged, ENTRY_FILE)))) throw hostError('PROVD_PLUGIN_ENTRY_MISSING', { plugin: id, file: `${id}/${ENTRY_FILE}` });
    const previous = await readPluginInfo(target, id).catch(() => undefined);
    await swapIn(id, staged, target, staging, options.firmwareLockWaitMs ?? 10_000);
    const result: InstallPluginResult = { id, version: info.version, dir: target, info };
    if (previous) result.previousVersion = previous.version;
    return result;
  } catch (err) {
    if (createdDir !== undefined) await rm(createdDir, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
    held.release();
  }
}
