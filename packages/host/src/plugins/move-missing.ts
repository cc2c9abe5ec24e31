import { lstat, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** One rename planned by {@link planMissing}: where an entry is and where it goes. */
export interface MovedEntry {
  /** Where it was. */
  from: string;
  /** Where it went. */
  to: string;
}

const statOf = (path: string) => lstat(path).catch(() => undefined);

/**
 * Plans moving `from` to `to` when `to` does not exist; when both are folders, plans the same for each entry of
 * `from`, so that whatever `to` already has stays and the rest of `from` joins it. Nothing is moved: the plan is
 * journaled first, then carried out by {@link moveAll}.
 */
export async function planMissing(from: string, to: string, plan: MovedEntry[] = []): Promise<MovedEntry[]> {
  const fromStats = await statOf(from);
  if (!fromStats) return plan;
  const toStats = await statOf(to);
  if (!toStats) {
    plan.push({ from, to });
    return plan;
  }
  if (!toStats.isDirectory() || !fromStats.isDirectory()) return plan;
  for (const name of (await readdir(from)).sort()) await planMissing(join(from, name), join(to, name), plan);
  return plan;
}

/** Carries out planned renames in order; each one done is pushed to `done`, so that {@link moveBack} can undo them. */
export async function moveAll(plan: readonly MovedEntry[], done: MovedEntry[]): Promise<void> {
  for (const entry of plan) {
    await rename(entry.from, entry.to);
    done.push(entry);
  }
}

/** Undoes renames, last first. */
export async function moveBack(moved: readonly MovedEntry[]): Promise<void> {
  for (const { from, to } of [...moved].reverse()) await rename(to, from);
}
