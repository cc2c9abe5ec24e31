/**
 * The write-ahead journal of a firmware commit: before the commit moves anything, it records in
 * `var/installed/.commit-journal.json` what it is about to do (files it places, files it replaces or moves aside,
 * folders it creates, the package's previous record). A process killed in the middle leaves the journal behind, and
 * {@link undoInterruptedCommit} puts the install root and the record back as they were before that commit.
 */
import { lstat, mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '@provd/sdk';
import { readTextIfExists } from './fs-ops';
import { unsafeRelativePath } from './paths';

/** The journal's file name, in the records folder (its leading `.` keeps it out of the records). */
export const COMMIT_JOURNAL_NAME = '.commit-journal.json';

/** What a commit is about to do, as written to the journal. Paths of folders are relative to the journal's folder. */
export interface CommitJournal {
  /** The format version. */
  version: 1;
  /** The package being committed. */
  pkg: string;
  /** The install root. */
  root: string;
  /** The staged result folder the new files come from. */
  result: string;
  /** The backup folder: replaced files go to `replaced/<path>`, files only the old version owned to `stale/<path>`. */
  backup: string;
  /** The package's record file before the commit, verbatim, or `null` when it was not installed. */
  previousRecord: string | null;
  /** Folders (relative to the root) that did not exist and that the commit creates. */
  createdDirs: string[];
  /** Files (relative to the root) the commit places, and whether each replaces an existing file. */
  files: Array<{ path: string; replaces: boolean }>;
  /** Files (relative to the root) only the old version owned, moved aside by the commit. */
  stale: string[];
}

/** Where the backup of a replaced file goes. */
export const replacedBackup = (backup: string, path: string): string => join(backup, 'replaced', path);
/** Where a file only the old version owned is moved aside. */
export const staleBackup = (backup: string, path: string): string => join(backup, 'stale', path);

/** The plan of a commit, with absolute folders, as {@link writeCommitJournal} takes it. */
export type CommitPlan = Omit<CommitJournal, 'version'>;

/** Writes (atomically, durably) the journal of a commit into the records folder `dir`. */
export async function writeCommitJournal(dir: string, plan: CommitPlan): Promise<void> {
  const journal: CommitJournal = { version: 1, ...plan, root: relative(dir, plan.root), result: relative(dir, plan.result), backup: relative(dir, plan.backup) };
  await writeFileAtomic(join(dir, COMMIT_JOURNAL_NAME), JSON.stringify(journal));
}

/** Removes the journal of the records folder `dir` (the commit is complete). */
export async function removeCommitJournal(dir: string): Promise<void> {
  await rm(join(dir, COMMIT_JOURNAL_NAME), { force: true });
}

const exists = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined)) !== undefined;
const safe = (p: unknown): p is string => typeof p === 'string' && unsafeRelativePath(p) === undefined;

/**
 * Undoes the commit whose journal is in the records folder `dir`, if any, and removes the journal; returns the package
 * id it rolled back, or `undefined` when there was no journal. Only call it while holding the plugin's lock (no commit
 * is running). Files are put back from the backups; files the commit placed are removed; nothing else is touched.
 *
 * @example
 * ```ts
 * await undoInterruptedCommit(store.dir);
 * ```
 */
export async function undoInterruptedCommit(dir: string): Promise<string | undefined> {
  const file = join(dir, COMMIT_JOURNAL_NAME);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let j: Partial<CommitJournal>;
  try {
    j = JSON.parse(text) as Partial<CommitJournal>;
  } catch {
    // Written atomically, so never torn; an unreadable journal is not ours to act on.
    await rm(file, { force: true });
    return undefined;
  }
  if (typeof j.pkg !== 'string' || typeof j.root !== 'string' || typeof j.result !== 'string' || typeof j.backup !== 'string') {
    await rm(file, { force: true });
    return undefined;
  }
  const root = resolve(dir, j.root);
  const result = resolve(dir, j.result);
  const backup = resolve(dir, j.backup);
  for (const f of [...(j.stale ?? [])].filter(safe).reverse()) {
    const from = staleBackup(backup, f);
    if (!(await exists(from))) continue;
    await mkdir(dirname(join(root, f)), { recursive: true });
    await rename(from, join(root, f));
  }
  for (const entry of [...(j.files ?? [])].reverse()) {
    if (!safe(entry?.path)) continue;
    const target = join(root, entry.path);
    const saved = replacedBackup(backup, entry.path);
    if (await exists(saved)) {
      await rm(target, { force: true });
      await mkdir(dirname(target), { recursive: true });
      await rename(saved, target);
    } else if (!entry.replaces && !(await exists(join(result, entry.path)))) {
      // It left the staged result: this commit placed it.
      await rm(target, { force: true });
    }
  }
  for (const d of (j.createdDirs ?? []).filter(safe).sort().reverse()) await rmdir(join(root, d)).catch(() => undefined);
  const recordFile = join(dir, j.pkg);
  if (safe(j.pkg) && !j.pkg.includes('/') && !j.pkg.startsWith('.')) {
    if (typeof j.previousRecord === 'string') await writeFileAtomic(recordFile, j.previousRecord);
    else await rm(recordFile, { force: true });
  }
  await rm(file, { force: true });
  return j.pkg;
}
