import { lstat, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** One rename done by {@link moveMissing}, so that {@link moveBack} can undo it. */
export interface MovedEntry {
  /** Where it was. */
  from: string;
  /** Where it went. */
  to: string;
}

const statOf = (path: string) => lstat(path).catch(() => undefined);

/**
 * Moves `from` to `to` when `to` does not exist; when both are folders, does the same for each entry of `from`, so
 * that whatever `to` already has stays and the rest of `from` joins it. Each rename is recorded in `moved`.
 */
export async function moveMissing(from: string, to: string, moved: MovedEntry[]): Promise<void> {
  const fromStats = await statOf(from);
  if (!fromStats) return;
  const toStats = await statOf(to);
  if (!toStats) {
    await rename(from, to);
    moved.push({ from, to });
    return;
  }
  if (!toStats.isDirectory() || !fromStats.isDirectory()) return;
  for (const name of await readdir(from)) await moveMissing(join(from, name), join(to, name), moved);
}

/** Undoes the renames of {@link moveMissing}, last first. */
export async function moveBack(moved: readonly MovedEntry[]): Promise<void> {
  for (const { from, to } of [...moved].reverse()) await rename(to, from);
}
