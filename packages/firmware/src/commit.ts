/**
 * Moves a staged install result into the install root as one transaction: every replaced or stale file is first moved
 * to a backup folder, the record is written last, and any failure puts the root and the records back exactly as they
 * were. A journal written before the first move lets a later process undo a commit killed mid-way
 * (see `commit-journal.ts`). Files another package also owns are shared, never removed; files nobody owns are never overwritten.
 */
import { lstat, mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { firmwareError } from './errors';
import { removeCommitJournal, replacedBackup, staleBackup, writeCommitJournal } from './commit-journal';
import { listTree } from './fs-ops';
import type { InstalledRecord, InstalledStore } from './installed-db';
import { unsafeRelativePath } from './paths';

/** What {@link commitInstall} needs. */
export interface CommitOptions {
  /** The package id. */
  pkg: string;
  /** The staged `result/` folder. */
  result: string;
  /** The install root (`var/tftpboot/`). */
  root: string;
  /** A scratch folder on the same file system for backups. */
  backup: string;
  /** The record store. */
  store: InstalledStore;
  /** Builds the record from the list of installed paths. */
  record: (files: string[]) => InstalledRecord;
  /** Every current record, by package id (the package's own included when installed). */
  installed: Readonly<Record<string, InstalledRecord>>;
  /** A test hook: called before each rename into the root, to simulate failures. */
  beforeRename?: (path: string) => void;
  /** A test hook: called once the record is written, before the journal is removed. */
  afterRecord?: () => void;
}

const isDirEntry = (p: string): boolean => p.endsWith('/');
const trimSlash = (p: string): string => (p.endsWith('/') ? p.slice(0, -1) : p);

/** Every path (folders without their trailing `/`) that a package other than `pkg` owns. */
function pathsOwnedByOthers(installed: Readonly<Record<string, InstalledRecord>>, pkg: string): Set<string> {
  const owned = new Set<string>();
  for (const [id, r] of Object.entries(installed)) if (id !== pkg) for (const f of r.files) owned.add(trimSlash(f));
  return owned;
}

/** Removes folders (deepest first) that are empty, ignoring the ones that are not. */
async function removeEmptyDirs(root: string, dirs: Iterable<string>): Promise<void> {
  for (const d of [...dirs].sort().reverse()) await rmdir(join(root, d)).catch(() => undefined);
}

/**
 * Installs the staged result into the root and writes the package's record, or changes nothing.
 *
 * @example
 * ```ts
 * await commitInstall({ pkg, result, root, backup, store, record: (files) => recordFor(pkg, files), installed });
 * ```
 */
export async function commitInstall(options: CommitOptions): Promise<InstalledRecord> {
  const { root, backup, pkg } = options;
  const previous = options.installed[pkg];
  const ownedByOthers = pathsOwnedByOthers(options.installed, pkg);
  const previousFiles = new Set((previous?.files ?? []).filter((f) => !isDirEntry(f)));
  const previousDirs = new Set((previous?.files ?? []).filter(isDirEntry).map(trimSlash));
  const entries = await listTree(options.result);
  const files = entries.filter((e) => e.type === 'file').map((e) => e.path);
  const dirs = entries.filter((e) => e.type === 'directory').map((e) => e.path);

  // Refuse, before touching anything, to overwrite what no package owns.
  for (const f of files) {
    const st = await lstat(join(root, f)).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory() || !(previousFiles.has(f) || ownedByOthers.has(f))) throw firmwareError('PROVD_FETCHFW_FILE_CONFLICT', { pkg, path: join(root, f) });
  }
  for (const d of dirs) {
    const st = await lstat(join(root, d)).catch(() => undefined);
    if (st && !st.isDirectory()) throw firmwareError('PROVD_FETCHFW_FILE_CONFLICT', { pkg, path: join(root, d) });
  }

  // The plan, journaled before anything moves, so that a process killed mid-way can be undone later.
  const newFiles = new Set(files);
  const createdDirs: string[] = [];
  for (const d of dirs) if (!(await lstat(join(root, d)).catch(() => undefined))) createdDirs.push(d);
  const planned: Array<{ path: string; replaces: boolean }> = [];
  for (const f of files) planned.push({ path: f, replaces: (await lstat(join(root, f)).catch(() => undefined)) !== undefined });
  // Files only the old version owned: moved aside, deleted once the record is written.
  const stale: string[] = [];
  for (const f of previousFiles) {
    if (newFiles.has(f) || ownedByOthers.has(f)) continue;
    const st = await lstat(join(root, f)).catch(() => undefined);
    if (st && !st.isDirectory()) stale.push(f);
  }
  await mkdir(options.store.dir, { recursive: true });
  await writeCommitJournal(options.store.dir, {
    pkg,
    root,
    result: options.result,
    backup,
    previousRecord: await options.store.readRaw(pkg),
    createdDirs,
    files: planned,
    stale,
  });

  const placed: Array<{ path: string; backedUp: boolean }> = [];
  const staleMoved: string[] = [];
  let recordWritten = false;
  try {
    await mkdir(root, { recursive: true });
    for (const d of createdDirs) await mkdir(join(root, d), { recursive: true });
    for (const { path: f, replaces } of planned) {
      const target = join(root, f);
      if (replaces) {
        await mkdir(dirname(replacedBackup(backup, f)), { recursive: true });
        await rename(target, replacedBackup(backup, f));
      }
      placed.push({ path: f, backedUp: replaces });
      options.beforeRename?.(f);
      await rename(join(options.result, f), target);
    }
    for (const f of stale) {
      await mkdir(dirname(staleBackup(backup, f)), { recursive: true });
      await rename(join(root, f), staleBackup(backup, f));
      staleMoved.push(f);
    }
    const dirSet = new Set(dirs);
    // Folders it created, and folders it uses that a package created (shared: the last owner removes them).
    const ownedDirs = new Set([...createdDirs, ...dirs.filter((d) => previousDirs.has(d) || ownedByOthers.has(d))]);
    const record = options.record([...[...ownedDirs].sort().map((d) => `${d}/`), ...files].sort());
    await options.store.write(record);
    recordWritten = true;
    options.afterRecord?.();
    await removeCommitJournal(options.store.dir);
    // Folders the old version created and the new one does not use any more.
    await removeEmptyDirs(root, [...previousDirs].filter((d) => !dirSet.has(d) && !ownedByOthers.has(d)));
    return record;
  } catch (err) {
    if (!recordWritten) {
      for (const f of staleMoved.reverse()) await rename(staleBackup(backup, f), join(root, f)).catch(() => undefined);
      for (const { path, backedUp } of placed.reverse()) {
        await rm(join(root, path), { force: true });
        if (backedUp) await rename(replacedBackup(backup, path), join(root, path)).catch(() => undefined);
      }
      await removeEmptyDirs(root, createdDirs);
      await removeCommitJournal(options.store.dir);
    }
    throw err;
  }
}

/**
 * Removes the files of an installed package that no other package owns, then the folders it created when empty, then
 * its record.
 *
 * @example
 * ```ts
 * await removeInstalled(root, store, records['firmware']!, records);
 * ```
 */
export async function removeInstalled(root: string, store: InstalledStore, record: InstalledRecord, installed: Readonly<Record<string, InstalledRecord>>): Promise<string[]> {
  const ownedByOthers = pathsOwnedByOthers(installed, record.id);
  const removed: string[] = [];
  for (const f of record.files.filter((p) => !isDirEntry(p))) {
    if (ownedByOthers.has(f) || unsafeRelativePath(f)) continue;
    const target = join(root, f);
    const st = await lstat(target).catch(() => undefined);
    if (!st || st.isDirectory()) continue;
    await rm(target, { force: true });
    removed.push(f);
  }
  await removeEmptyDirs(root, record.files.filter(isDirEntry).map(trimSlash).filter((d) => !ownedByOthers.has(d) && !unsafeRelativePath(d)));
  await store.remove(record.id);
  return removed;
}
