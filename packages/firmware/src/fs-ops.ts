/**
 * File operations of the installer that never follow links: copying trees (hard links inside the staging area,
 * copies from elsewhere), merging folders by renaming, and refusing anything that is not a plain file or folder.
 */
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How a copy puts a file in place: `link` (same staging area) or `copy`. */
export type PlaceMode = 'link' | 'copy';

/** Puts `src` at `dst` (a file), replacing what is there. */
export async function placeFile(src: string, dst: string, mode: PlaceMode): Promise<void> {
  await rm(dst, { force: true, recursive: true });
  if (mode === 'link') {
    try {
      await link(src, dst);
      return;
    } catch {
      // another file system, or no hard links: copy
    }
  }
  await copyFile(src, dst, constants.COPYFILE_FICLONE);
}

/** Copies the file or folder `src` to `dst` (created), recursively, refusing links and special files. */
export async function copyTree(src: string, dst: string, mode: PlaceMode, describe: (rel: string) => Error): Promise<void> {
  const st = await lstat(src);
  if (st.isFile()) {
    await mkdir(dirname(dst), { recursive: true });
    await placeFile(src, dst, mode);
  } else if (st.isDirectory()) {
    const existing = await lstat(dst).catch(() => undefined);
    if (existing && !existing.isDirectory()) await rm(dst, { force: true });
    await mkdir(dst, { recursive: true });
    for (const name of await readdir(src)) await copyTree(join(src, name), join(dst, name), mode, (rel) => describe(`${name}/${rel}`));
  } else throw describe('');
}

/** Moves everything in folder `src` into folder `dst`, merging folders and replacing files. */
export async function mergeInto(src: string, dst: string): Promise<void> {
  await mkdir(dst, { recursive: true });
  for (const e of await readdir(src, { withFileTypes: true })) {
    const from = join(src, e.name);
    const to = join(dst, e.name);
    const existing = await lstat(to).catch(() => undefined);
    if (e.isDirectory() && existing?.isDirectory()) {
      await mergeInto(from, to);
      continue;
    }
    if (existing) await rm(to, { recursive: true, force: true });
    await rename(from, to);
  }
}

/** One entry of a tree listing. */
export interface TreeEntry {
  /** `/`-separated path relative to the listed folder. */
  path: string;
  /** Kind of entry. */
  type: 'file' | 'directory' | 'other';
  /** Size in bytes (files). */
  size: number;
}

/** Lists a folder recursively without following links, parents before children, names sorted. */
export async function listTree(root: string, prefix = ''): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const names = (await readdir(join(root, prefix))).sort();
  for (const name of names) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = await lstat(join(root, rel));
    if (st.isDirectory()) {
      out.push({ path: rel, type: 'directory', size: 0 });
      out.push(...(await listTree(root, rel)));
    } else out.push({ path: rel, type: st.isFile() ? 'file' : 'other', size: st.isFile() ? st.size : 0 });
  }
  return out;
}

/** The UTF-8 text of `path`, or `undefined` when the file does not exist (other errors are thrown). */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
