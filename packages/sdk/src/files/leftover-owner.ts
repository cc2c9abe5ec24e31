/**
 * Telling the leftovers of a process that is gone (temporary files, staging folders that name their writer's pid)
 * from those of a running one, when pids are reused: after a reboot, or once the kernel wraps them.
 */
import { readFile, stat } from 'node:fs/promises';

/**
 * Whether process `pid` is gone (this process never is): no process has that pid now.
 *
 * @example
 * ```ts
 * if (isProcessGone(Number(pidFromName))) await rm(staging, { recursive: true, force: true });
 * ```
 */
export function isProcessGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException | undefined)?.code === 'ESRCH';
  }
}

/** The clock ticks per second of `/proc/<pid>/stat` start times (USER_HZ, 100 on every Linux build). */
const USER_HZ = 100;

/**
 * Whether process `pid` started after `path` was last modified, so that it cannot have written it (Linux: its start
 * time in `/proc/<pid>/stat` against the boot time of `/proc/stat`). `false` where that cannot be told.
 */
async function startedAfter(pid: number, path: string): Promise<boolean> {
  try {
    const [procStat, systemStat, file] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/stat', 'utf8'), stat(path)]);
    // the fields after the command name (which may hold spaces) start at the state, field 3; the start time is field 22
    const fields = procStat.slice(procStat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const boot = Number(/^btime (\d+)$/m.exec(systemStat)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(boot)) return false;
    const startedMs = (boot + ticks / USER_HZ) * 1000;
    // a second of slack: btime is whole seconds
    return startedMs > file.mtimeMs + 1000;
  } catch {
    return false;
  }
}

/**
 * Whether `path` (a file or folder whose name records the pid of the process that made it) was left by a process
 * that is gone: no process has `pid` now, or the process that has it started after `path` was last modified, so it
 * is another process that got the same pid and cannot have made it. A folder's modification time moves whenever its
 * maker adds or removes an entry, so it is never older than that maker's start. Where the start time cannot be read
 * (no `/proc`), a live pid counts as the maker.
 *
 * @example
 * ```ts
 * const pid = Number(/-(\d+)-[^-]+$/.exec(name)?.[1]);
 * if (await isLeftByGoneProcess(pid, join(pluginsDir, name))) await rm(join(pluginsDir, name), { recursive: true, force: true });
 * ```
 */
export async function isLeftByGoneProcess(pid: number, path: string): Promise<boolean> {
  return isProcessGone(pid) || (await startedAfter(pid, path));
}
