/**
 * The journal of a plugin install or upgrade, so that a process killed at any of its renames is undone (or, past the
 * commit point, completed) at the next start. An install works in a staging folder `.install-<id>-<pid>-<random>`
 * beside the plugins: the package is unpacked to `new/<id>`; an upgrade then writes `journal.json` (the renames it
 * is about to make) before the first rename, moves the previous version's runtime files (`var/`: firmware records,
 * device files, administrators' templates) into the new folder, renames the old folder to `old`, and renames the new
 * one in place of it. That last rename is the commit point.
 */
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { isLeftByGoneProcess, writeFileAtomic } from '@provd/sdk';
import type { MovedEntry } from './move-missing';

/** The journal file, in the staging folder. */
export const INSTALL_JOURNAL_FILE = 'journal.json';

/** What an upgrade is about to do; paths are relative to the staging folder's parent (the plugins folder). */
interface InstallJournal {
  version: 1;
  /** The plugin id (its folder in the plugins folder). */
  id: string;
  /** The staged new folder. */
  staged: string;
  /** Where the old folder goes. */
  aside: string;
  /** The runtime entries moved from the old folder into the staged one, in order. */
  moves: MovedEntry[];
}

/** Staging folders of operations running in this process (never recovered by it). */
const activeHere = new Set<string>();

/** The prefix of a staging folder of plugin `id` made by this process (`.install-` or `.remove-`). */
export const stagingPrefix = (kind: 'install' | 'remove', id: string): string => `.${kind}-${id}-${process.pid}-`;

/** Marks a staging folder as in use by this process until `release()`. */
export function holdStaging(dir: string): { release(): void } {
  const path = resolve(dir);
  activeHere.add(path);
  return { release: () => activeHere.delete(path) };
}

/** Writes (atomically, durably) the journal of an upgrade into its staging folder. */
export async function writeInstallJournal(staging: string, entry: { id: string; staged: string; aside: string; moves: readonly MovedEntry[] }): Promise<void> {
  const base = dirname(resolve(staging));
  const rel = (p: string) => relative(base, p);
  const journal: InstallJournal = {
    version: 1,
    id: entry.id,
    staged: rel(entry.staged),
    aside: rel(entry.aside),
    moves: entry.moves.map((m) => ({ from: rel(m.from), to: rel(m.to) })),
  };
  await writeFileAtomic(join(staging, INSTALL_JOURNAL_FILE), JSON.stringify(journal));
}

const exists = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined)) !== undefined;

/** A path of the journal, resolved inside the plugins folder (`undefined` when it would leave it). */
function inside(base: string, rel: unknown): string | undefined {
  if (typeof rel !== 'string' || rel === '') return undefined;
  const abs = resolve(base, rel);
  return abs.startsWith(`${base}/`) ? abs : undefined;
}

/** What {@link recoverPluginsFolder} did to one staging folder. */
export interface RecoveredStaging {
  /** The staging folder (removed). */
  folder: string;
  /** The plugin. */
  id: string;
  /** `rolled-back`: the previous version is back; `completed`: the upgrade had passed its commit point; `removed`: nothing had moved. */
  outcome: 'rolled-back' | 'completed' | 'removed';
}

/** Undoes (or completes) the upgrade journaled in `staging`; returns what happened. */
async function recoverOne(base: string, staging: string, id: string): Promise<RecoveredStaging['outcome']> {
  const text = await readFile(join(staging, INSTALL_JOURNAL_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return 'removed'; // the journal is written before the first rename: nothing moved
  let journal: Partial<InstallJournal>;
  try {
    journal = JSON.parse(text) as Partial<InstallJournal>;
  } catch {
    return 'removed'; // written atomically, so never torn; not ours
  }
  const target = inside(base, journal.id);
  const staged = inside(base, journal.staged);
  const aside = inside(base, journal.aside);
  if (!target || !staged || !aside || journal.id !== id) return 'removed';
  if (!(await exists(staged)) && (await exists(target))) return 'completed'; // the commit rename happened
  if (!(await exists(target)) && (await exists(aside))) await rename(aside, target);
  for (const move of [...(journal.moves ?? [])].reverse()) {
    const from = inside(base, move?.from);
    const to = inside(base, move?.to);
    if (!from || !to || !(await exists(to)) || (await exists(from))) continue;
    await mkdir(dirname(from), { recursive: true });
    await rename(to, from);
  }
  return 'rolled-back';
}

const STAGING = /^\.(install|remove)-(.+)-(\d+)-[^-]+$/;

/**
 * Recovers the plugins folder after a crash: every staging folder left by a process that is gone is undone (an
 * interrupted upgrade puts the previous version back, with its firmware records and device files), completed (an
 * upgrade killed after its commit rename) or simply removed (nothing had moved, or an interrupted uninstall's trash).
 * Staging folders of live processes are left alone; a folder named after a pid that a process started since it last
 * changed (pids are reused) is not that process's and is recovered. Returns what was done, for the log.
 *
 * @example
 * ```ts
 * for (const r of await recoverPluginsFolder('plugins')) log(`plugin ${r.id}: interrupted operation ${r.outcome}`);
 * ```
 */
export async function recoverPluginsFolder(pluginsDir: string): Promise<RecoveredStaging[]> {
  const base = resolve(pluginsDir);
  const names = await readdir(base).catch(() => [] as string[]);
  const done: RecoveredStaging[] = [];
  for (const name of names.sort()) {
    const m = STAGING.exec(name);
    if (!m) continue;
    const folder = join(base, name);
    const pid = Number(m[3]);
    // A live process with the folder's pid made it only if it was already running when the folder last changed.
    if (activeHere.has(folder) || (pid !== process.pid && !(await isLeftByGoneProcess(pid, folder)))) continue;
    const id = m[2] as string;
    const outcome = m[1] === 'install' ? await recoverOne(base, folder, id) : 'removed';
    await rm(folder, { recursive: true, force: true });
    done.push({ folder, id, outcome });
  }
  return done;
}
