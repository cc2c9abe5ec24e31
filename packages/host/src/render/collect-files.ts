import { constants, type Dirent } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { eachLimit } from './each-limit';

/** The files of a folder, by `/`-separated relative path, with what tells a rewrite (size and modification time). */
export type FolderSnapshot = Map<string, string>;

/** How many single files are moved at once. */
const MOVE_CONCURRENCY = 32;

/** One entry under a folder: its `/`-separated relative path and whether it is a regular file or a folder. */
interface Entry {
  rel: string;
  kind: 'file' | 'folder' | 'other';
}

/** Every entry under `dir` (recursively); a missing folder has none. */
async function listEntries(dir: string): Promise<Entry[]> {
  const entries: Dirent[] = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.map((e) => ({
    rel: relative(dir, join(e.parentPath, e.name)).split('\\').join('/'),
    kind: e.isFile() ? 'file' : e.isDirectory() ? 'folder' : 'other',
  }));
}

const stampOf = async (file: string): Promise<string> => {
  const stats = await stat(file);
  return `${stats.size}:${stats.mtimeMs}`;
};

/** Lists every file under `dir` with its size and modification time. */
export async function snapshotFiles(dir: string): Promise<FolderSnapshot> {
  const files = (await listEntries(dir)).filter((e) => e.kind === 'file').map((e) => e.rel);
  const stamps = await Promise.all(files.map((rel) => stampOf(join(dir, rel))));
  return new Map(files.map((rel, i) => [rel, stamps[i] as string]));
}

/** The folders holding `rel`, innermost first (`a/b/c` gives `a/b`, `a`). */
function parentsOf(rel: string): string[] {
  const parents: string[] = [];
  for (let at = rel.lastIndexOf('/'); at > 0; at = rel.lastIndexOf('/', at - 1)) parents.push(rel.slice(0, at));
  return parents;
}

/** Moves a file, copying it (to a temporary name, then renaming) when the two folders are on different devices. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const temp = `${to}.${process.pid}.tmp`;
    await copyFile(from, temp, constants.COPYFILE_FICLONE);
    await rename(temp, to);
    await unlink(from);
  }
}

/** Renames the folder `from` to `to` when `to` does not exist yet (or is empty) and both are on one filesystem. */
async function moveFolder(from: string, to: string): Promise<boolean> {
  try {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    return true;
  } catch {
    return false; // e.g. EXDEV, or `to` holds files already: the files are moved one by one instead
  }
}

/**
 * Moves the files under `fromDir` that are new or changed since `before` to the same relative paths under `toDir`,
 * creating folders, and returns their sorted relative paths. A folder of `fromDir` that holds only such files (no
 * file from before, no link, no folder without one) is renamed whole when `toDir` has no such folder yet and both
 * are on one filesystem; other files are renamed one by one (copied when on another filesystem).
 */
export async function moveChangedFiles(fromDir: string, before: FolderSnapshot, toDir: string): Promise<string[]> {
  const entries = await listEntries(fromDir);
  const candidates = entries.filter((e) => e.kind === 'file').map((e) => e.rel);
  const changedFlags = await Promise.all(candidates.map(async (rel) => !before.has(rel) || before.get(rel) !== (await stampOf(join(fromDir, rel)))));
  const changed = candidates.filter((_, i) => changedFlags[i]).sort();

  // Folders with a changed file under them, and folders holding anything else (they cannot be moved whole).
  const withChanged = new Set(changed.flatMap(parentsOf));
  const changedSet = new Set(changed);
  const mixed = new Set<string>();
  for (const e of entries) {
    const movable = e.kind === 'file' ? changedSet.has(e.rel) : e.kind === 'folder' && withChanged.has(e.rel);
    if (!movable) for (const p of parentsOf(e.rel)) mixed.add(p);
  }

  // Top-down: rename whole folders where possible, and collect the files left to move one by one.
  const singles: string[] = [];
  const movedFolders: string[] = [];
  const folders = entries.filter((e) => e.kind === 'folder' && withChanged.has(e.rel)).map((e) => e.rel).sort();
  const movedUnder = (rel: string) => movedFolders.some((f) => rel.startsWith(`${f}/`));
  for (const folder of folders) {
    if (mixed.has(folder) || movedUnder(folder)) continue;
    if (await moveFolder(join(fromDir, folder), join(toDir, folder))) movedFolders.push(folder);
  }
  for (const rel of changed) if (!movedUnder(rel)) singles.push(rel);

  for (const folder of new Set(singles.map((rel) => dirname(join(toDir, rel))))) await mkdir(folder, { recursive: true });
  await eachLimit(singles, MOVE_CONCURRENCY, (rel) => moveFile(join(fromDir, rel), join(toDir, rel)));
  return changed;
}
