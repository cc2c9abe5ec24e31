/**
 * The inter-process lock of a plugin's firmware folder: a file `var/installed/.lock` holding the pid of the holder,
 * the time it was taken and a random token. It is created whole and atomically (written under a temporary name, then
 * hard-linked to its name, which fails when it exists), so a reader never sees it half-written. A lock whose process
 * is gone (or that an earlier process with this very pid left, or whose pid a process started since has) is taken
 * over.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLeftByGoneProcess } from '@provd/sdk';
import { firmwareError } from './errors';
import { readTextIfExists } from './fs-ops';

/** The lock's file name, in the records folder. */
export const LOCK_NAME = '.lock';

/** Lock files this process holds (a lock file naming this pid and not listed here was left by an earlier process). */
const heldHere = new Set<string>();

/** What a lock file says. */
interface LockContent {
  pid: number;
  since: string;
  token: string;
}

/** Options of {@link acquirePluginLock}. */
export interface PluginLockOptions {
  /** The records folder (`var/installed/`) holding the lock file. */
  dir: string;
  /** The plugin, for the error message. */
  plugin: string;
  /** How long to wait for another holder, in milliseconds (0: fail at once). */
  waitMs: number;
  /** How often to look again while waiting, in milliseconds. */
  pollMs?: number;
}

/** A held lock. */
export interface PluginLock {
  /**
   * Writes this lock's file into another records folder as well (created when missing): the one of a plugin folder
   * about to be renamed in place of this one (a plugin upgrade), so that the lock is still held, under the same
   * path, once the new folder has replaced the old; {@link PluginLock.release} then releases it there.
   */
  carryTo(dir: string): Promise<void>;
  /** Releases the lock (only when its file is still this holder's). */
  release(): Promise<void>;
}

async function readLock(path: string): Promise<{ raw: string; content: LockContent | undefined } | undefined> {
  const raw = await readTextIfExists(path);
  if (raw === undefined) return undefined;
  try {
    const c = JSON.parse(raw) as Partial<LockContent>;
    if (typeof c.pid === 'number' && Number.isInteger(c.pid) && c.pid > 0 && typeof c.token === 'string') return { raw, content: { pid: c.pid, since: String(c.since ?? ''), token: c.token } };
  } catch {
    // not ours: stale
  }
  return { raw, content: undefined };
}

/**
 * Whether a lock was left by a process that is gone: no process has its pid, or the one that has it started after the
 * lock file was written (pids are reused), or it is this process and the lock is not held here.
 */
async function isStale(path: string, content: LockContent | undefined): Promise<boolean> {
  if (!content) return true;
  if (content.pid === process.pid) return !heldHere.has(path);
  return isLeftByGoneProcess(content.pid, path);
}

/** Removes a stale lock, unless another process replaced it meanwhile (then it is put back). */
async function takeOver(path: string, staleRaw: string): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleRaw);
  if (moved !== staleRaw) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Creates `var/` and `var/installed/` when missing, never the plugin folder above them (ENOENT when it is gone). */
async function makeRecordsFolder(dir: string): Promise<void> {
  for (const level of [dirname(dir), dir]) {
    await mkdir(level).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/**
 * Takes the lock of a plugin's records folder, waiting up to `waitMs` for another holder (another process, or another
 * service of this process) to release it; throws `PROVD_FETCHFW_LOCKED` naming the holder's pid when it does not.
 * The folder above `var/` must exist (it is never created: a plugin uninstalled meanwhile is not brought back); while
 * it is missing (an upgrade swapping folders) the wait goes on, and `PROVD_FETCHFW_PLUGIN_GONE` ends it.
 *
 * @example
 * ```ts
 * const lock = await acquirePluginLock({ dir: join(pluginDir, 'var', 'installed'), plugin: 'digium-2.8.1', waitMs: 10_000 });
 * try { await work(); } finally { await lock.release(); }
 * ```
 */
export async function acquirePluginLock(options: PluginLockOptions): Promise<PluginLock> {
  const path = resolve(options.dir, LOCK_NAME);
  const token = randomUUID();
  const raw = JSON.stringify({ pid: process.pid, since: new Date().toISOString(), token } satisfies LockContent);
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const tmp = join(dirname(path), `${LOCK_NAME}.${token}`);
    let taken: boolean;
    try {
      await makeRecordsFolder(dirname(path));
      await writeFile(tmp, raw);
      try {
        await link(tmp, path);
        taken = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        taken = false;
      } finally {
        await rm(tmp, { force: true });
      }
    } catch (err) {
      // The plugin folder is being swapped (an upgrade renames it aside, then the new one in): look again shortly.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (Date.now() >= deadline) throw firmwareError('PROVD_FETCHFW_PLUGIN_GONE', { plugin: options.plugin, dir: dirname(path) }, { cause: err });
      await sleep(Math.min(deadline - Date.now(), options.pollMs ?? 50));
      continue;
    }
    if (taken) {
      heldHere.add(path);
      return {
        carryTo: async (dir: string) => {
          const copy = resolve(dir, LOCK_NAME);
          await mkdir(dirname(copy), { recursive: true });
          const copyTmp = join(dirname(copy), `${LOCK_NAME}.${token}`);
          await writeFile(copyTmp, raw);
          try {
            await link(copyTmp, copy);
          } finally {
            await rm(copyTmp, { force: true });
          }
        },
        release: async () => {
          heldHere.delete(path);
          const current = await readLock(path);
          if (current?.content?.token === token) await rm(path, { force: true });
        },
      };
    }
    const holder = await readLock(path);
    if (!holder) continue;
    if (await isStale(path, holder.content)) {
      await takeOver(path, holder.raw);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw firmwareError('PROVD_FETCHFW_LOCKED', { plugin: options.plugin, pid: holder.content!.pid, since: holder.content!.since, lock: path });
    await sleep(Math.min(left, options.pollMs ?? 50));
  }
}
