/**
 * Atomic file writes: every file goes to a temporary name in its own folder (or in the writer's staging folder, when
 * it can be renamed from there), is flushed to disk (fsync, unless the writer's durability is `none`), then renamed
 * over the target. A failure leaves no temporary file behind and the old target untouched; a failed multi-file write
 * puts back the targets it had already replaced. A file that already holds the new bytes is not written again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createProvdError } from '../errors/sdk-errors';
import { isProvdError } from '../errors/provd-error';
import { isLeftByGoneProcess } from './leftover-owner';
import { PooledWriteError, writePool } from './write-pool';

/** One file for {@link writeFilesAtomic}: where it goes and what it holds (a string is written as UTF-8). */
export interface FileContent {
  /** The path of the file. */
  path: string;
  /** The contents; strings are encoded as UTF-8. */
  data: string | Uint8Array;
}

/**
 * Whether atomic writes are flushed to disk: `fsync` (each file before its rename, and its folder after) survives a
 * power loss; `none` keeps the atomic replace (temporary name, rename, rollback) but leaves flushing to the system,
 * for throwaway output such as `provd render`'s working copy.
 */
export type WriteDurability = 'fsync' | 'none';

/** Where an {@link AtomicWriter}'s file-system calls run (see {@link AtomicWriterOptions.mode}). */
export type WriteMode = 'threads' | 'event-loop' | 'sync' | 'hybrid';

/**
 * Flushes to the disk every file written under `folders` so far (e.g. `sync -f`, i.e. syncfs of their filesystems);
 * rejects when it could not. Given to an {@link AtomicWriter} (option `flush`), it replaces the fsync of each file.
 */
export type FilesystemFlush = (folders: readonly string[]) => Promise<void>;

/** Options of an {@link AtomicWriter}. */
export interface AtomicWriterOptions {
  /** Whether files and folders are fsynced. @defaultValue "fsync" */
  durability?: WriteDurability;
  /**
   * Where the file-system calls run: `event-loop` (default) uses Node's asynchronous calls (libuv's thread pool);
   * `threads` does each multi-file write as one task of a small pool of writer threads (synchronous calls there; the
   * writes of one turn of the event loop posted together; one thread without fsync, up to 8 with, 8 fsyncs in flight
   * instead of libuv's 4), for bulk writes; `sync` makes synchronous calls on the
   * calling thread, for a worker thread whose only job is writing files (it then leaves libuv's pool, shared by the
   * whole process, to the main thread); `hybrid` makes synchronous calls on the calling thread except the fsyncs,
   * which run in libuv's pool, every file's before its rename (a process that does nothing but render and write:
   * one thread-pool hop per file instead of about five, and the thread renders while the disk works).
   * @defaultValue "event-loop"
   */
  mode?: WriteMode;
  /**
   * In mode `hybrid` with durability `fsync`: how the files are made durable instead of an fsync each. The writes in
   * flight share one flush: their temporary files are written, one flush that started after them makes their
   * contents durable, then they are renamed, and one flush that started after the renames (instead of the folders'
   * fsyncs) makes the renames durable. Once a flush rejects, the files are fsynced one by one (and their folders),
   * that write's and every later one's.
   */
  flush?: FilesystemFlush;
  /** Called with each file and folder fsynced or flushed (diagnostics and tests). */
  onSync?: (path: string) => void;
  /**
   * A folder for the temporary files (and the kept previous files of a multi-file write), instead of each target's
   * own folder: a target's temporary file is created there when a file can be renamed from it into the target's
   * folder (the same file system and mount, checked once per folder; else beside the target, as without it), then
   * renamed into place. Creating and removing a temporary name in a small
   * folder costs the kernel less than in a folder of many thousand files (each name inserted into and removed from
   * its index), and a watch on the target's folder sees only the rename. Created when first needed; with fsync, it is
   * fsynced with the targets' folders. Keep it out of what is served (e.g. `var/staging` beside `var/tftpboot`).
   */
  staging?: string;
}

/**
 * Runs a {@link FilesystemFlush} for many callers at once: a call is answered by the next flush that starts after
 * it (joining one that waits for the running one to end), with the folders of every caller it serves. After a
 * failed flush every call rejects with its error (the callers fsync instead).
 */
class GroupedFlush {
  private running: Promise<void> | undefined;
  private queued: { folders: Set<string>; done: Promise<void> } | undefined;
  private failure: unknown;

  constructor(private readonly flush: FilesystemFlush) {}

  /** Resolves once a flush of `folders` that started after this call is over; rejects when that flush failed. */
  after(folders: readonly string[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.queued) {
      for (const folder of folders) this.queued.folders.add(folder);
      return this.queued.done;
    }
    const entry = { folders: new Set(folders), done: Promise.resolve() };
    const start = (): Promise<void> => {
      if (this.queued === entry) this.queued = undefined;
      const run = this.flush([...entry.folders]);
      this.running = run;
      run.then(
        () => this.settled(run),
        (err: unknown) => {
          this.failure ??= err ?? new Error('the filesystem flush failed');
          this.settled(run);
        },
      );
      return run;
    };
    const running = this.running;
    if (!running) {
      entry.done = start();
      return entry.done;
    }
    entry.done = running.then(start, start);
    this.queued = entry;
    return entry.done;
  }

  private settled(run: Promise<void>): void {
    if (this.running === run) this.running = undefined;
  }
}

/** The old file of a target, kept until a multi-file write succeeds: a hard link to it, its bytes, or none. */
type Previous = { link: string } | { data: Buffer } | undefined;

/** Set inside {@link withoutFsync}: the writes of the task are not fsynced. */
const deferred = new AsyncLocalStorage<boolean>();

/** How many folders a writer remembers as existing before it forgets them all (they are then created again). */
const MAX_KNOWN_FOLDERS = 4096;

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Makes temporary names unique: the writer's pid (base 36), random per process (another process writing the same
 * folder), then counted: `.<name>.<pid>-<8 hex>-<n>.tmp` (or `.old` for a kept previous file). The pid lets
 * {@link removeStaleTemporaries} tell the leftovers of a dead process.
 */
const tempPrefix = `${process.pid.toString(36)}-${randomBytes(4).toString('hex')}-`;

/**
 * A temporary or kept-previous file of an atomic write: its target's name, the writer's pid in base 36 (a writer
 * thread of the pool, `write-pool.ts`, puts `w<thread id>-` before the count).
 */
const TEMP_NAME = /^\.(.+)\.([0-9a-z]{1,8})-[0-9a-f]{8}-(?:w\d+-)?[0-9a-z]+\.(tmp|old)$/;
let tempCount = 0;

/** A new temporary name for `path` in `folder` (its own folder unless given). */
function tempPathFor(path: string, suffix = 'tmp', folder = dirname(path)): string {
  return join(folder, `.${basename(path)}.${tempPrefix}${(tempCount++).toString(36)}.${suffix}`);
}

/**
 * Where a writer with a staging folder puts the temporary files of each target folder: the staging folder when a file
 * renamed from it into the target folder gets there, else the target folder itself. Each folder is checked once
 * (both created, then an empty probe file made in the staging folder, renamed into the target folder under a
 * temporary name and removed: a rename fails across file systems, and across two mounts of one, which device
 * numbers would not tell), then remembered, up to {@link MAX_KNOWN_FOLDERS}.
 */
class StagingPlaces {
  private readonly places = new Map<string, string>();

  constructor(readonly staging: string) {}

  /** The folder for the temporary files of targets in `folder`, checked with synchronous calls. */
  placeSync(folder: string): string {
    const known = this.places.get(folder);
    if (known !== undefined) return known;
    const { probe, moved } = this.probeNames(folder);
    let place = folder;
    try {
      mkdirSync(folder, { recursive: true });
      mkdirSync(this.staging, { recursive: true });
      closeSync(openSync(probe, 'wx', 0o644));
      renameSync(probe, moved);
      unlinkSync(moved);
      place = this.staging;
    } catch {
      // beside the target (a write into a folder that cannot be made reports it itself)
      unlinkQuietlySync(probe);
    }
    return this.remember(folder, place);
  }

  /** {@link StagingPlaces.placeSync} with asynchronous calls. */
  async place(folder: string): Promise<string> {
    const known = this.places.get(folder);
    if (known !== undefined) return known;
    const { probe, moved } = this.probeNames(folder);
    let place = folder;
    try {
      await mkdir(folder, { recursive: true });
      await mkdir(this.staging, { recursive: true });
      await (await open(probe, 'wx', 0o644)).close();
      await rename(probe, moved);
      await unlink(moved);
      place = this.staging;
    } catch {
      await removeQuietly(probe);
    }
    return this.remember(folder, place);
  }

  /** The probe of `folder`: two temporary names (a crash's leftovers removed at start), in the staging folder and in `folder`. */
  private probeNames(folder: string): { probe: string; moved: string } {
    const name = join(folder, 'staging-probe');
    return { probe: tempPathFor(name, 'tmp', this.staging), moved: tempPathFor(name) };
  }

  /** The folders to fsync after renames into `folders`: those, and the staging folder where it was used. */
  withStaging(folders: Iterable<string>): Set<string> {
    const all = new Set<string>();
    for (const folder of folders) {
      all.add(folder);
      if (this.places.get(folder) === this.staging) all.add(this.staging);
    }
    return all;
  }

  private remember(folder: string, place: string): string {
    if (this.places.size >= MAX_KNOWN_FOLDERS) this.places.clear();
    this.places.set(folder, place);
    return place;
  }
}

/**
 * Renames `temp` over `target` with a synchronous call; a target folder removed since its temporary file was staged
 * elsewhere is created again (once).
 */
function renameIntoSync(temp: string, target: string): void {
  try {
    renameSync(temp, target);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT' || dirname(temp) === dirname(target)) throw err;
    mkdirSync(dirname(target), { recursive: true });
    renameSync(temp, target);
  }
}

/** {@link renameIntoSync} with asynchronous calls. */
async function renameInto(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT' || dirname(temp) === dirname(target)) throw err;
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

/** {@link fsyncDir} with the folder opened and closed synchronously, only the fsync in the pool (mode `hybrid`). */
async function fsyncDirHybrid(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  await fsyncFd(fd).catch(() => undefined);
  closeQuietlySync(fd);
}

/**
 * Keeps the current file at `target` for a rollback: a hard link to it under a temporary name (nothing is read), or
 * its bytes where links are not supported; `undefined` when there is no such file. Never rejects.
 */
async function keepPrevious(target: string, backup: string): Promise<Previous> {
  try {
    await link(target, backup);
    return { link: backup };
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
  }
  const data = await readFile(target).catch(() => undefined);
  return data && { data };
}

/**
 * Writes files atomically (see {@link writeFilesAtomic}), remembering which folders exist so that each is created
 * once, and grouping the folder fsyncs of writes running at the same time: one folder fsync that starts after a
 * write's renames makes that write durable, so concurrent writes into one folder share it. With durability `none`
 * nothing is fsynced; the replace stays atomic and all-or-nothing.
 *
 * @example
 * ```ts
 * const writer = new AtomicWriter({ durability: 'none' }); // a throwaway working copy
 * await writer.writeFiles([{ path: cfgPath, data: cfgText }, { path: contactsPath, data: contactsText }]);
 * ```
 */
export class AtomicWriter {
  /** Whether this writer fsyncs files and folders. */
  readonly durability: WriteDurability;
  /** Where the file-system calls run. */
  readonly mode: WriteMode;
  private readonly onSync: ((path: string) => void) | undefined;
  private readonly flushes: GroupedFlush | undefined;
  private readonly staging: StagingPlaces | undefined;

  private readonly knownFolders = new Set<string>();
  private readonly runningDirSyncs = new Map<string, Promise<void>>();
  private readonly queuedDirSyncs = new Map<string, Promise<void>>();

  /** Creates a writer; durable (`fsync`) unless `options.durability` is `none`. */
  constructor(options: AtomicWriterOptions = {}) {
    this.durability = options.durability === 'none' ? 'none' : 'fsync';
    this.mode = options.mode === 'threads' || options.mode === 'sync' || options.mode === 'hybrid' ? options.mode : 'event-loop';
    this.onSync = options.onSync;
    this.flushes = options.flush && this.mode === 'hybrid' ? new GroupedFlush(options.flush) : undefined;
    this.staging = options.staging === undefined ? undefined : new StagingPlaces(resolve(options.staging));
  }

  /**
   * The folders to fsync once files were renamed over `targets`: their folders, and the staging folder where it was
   * used (`always`: whether or not, as for a write of the pool, whose threads chose).
   */
  private foldersOf(targets: readonly string[], always = false): Set<string> {
    const folders = new Set(targets.map((t) => dirname(t)));
    if (!this.staging) return folders;
    if (!always) return this.staging.withStaging(folders);
    folders.add(this.staging.staging);
    return folders;
  }

  /** A new temporary name for `target`, in the staging folder when there is one on its file system (synchronous). */
  private tempPathSync(target: string, suffix = 'tmp'): string {
    return this.staging ? tempPathFor(target, suffix, this.staging.placeSync(dirname(target))) : tempPathFor(target, suffix);
  }

  /** {@link AtomicWriter.tempPathSync} with asynchronous calls. */
  private async tempPath(target: string, suffix = 'tmp'): Promise<string> {
    return this.staging ? tempPathFor(target, suffix, await this.staging.place(dirname(target))) : tempPathFor(target, suffix);
  }

  /**
   * Replaces `path` with `data` atomically, creating missing parent folders. Throws `PROVD_FILE_WRITE_FAILED` naming
   * the file on an I/O error.
   *
   * @example
   * ```ts
   * await writer.writeFile(join(tftpbootDir, 'acme.cfg'), 'server=10.0.0.1\n');
   * ```
   */
  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    await this.writeFiles([{ path, data }]);
  }

  /**
   * Replaces several files all-or-nothing: every temporary file is written (and fsynced) first; only then are they
   * renamed over their targets. If anything fails, the temporary files are removed and the targets already replaced
   * get their old file back (or are removed when they did not exist). A file whose bytes on disk are already the new
   * ones is left as it is (same inode and modification time, so the same `ETag` and `Last-Modified` when served; with
   * fsync it is fsynced). Throws `PROVD_FILE_WRITE_FAILED` naming the file that failed.
   *
   * @example
   * ```ts
   * await writer.writeFiles([{ path: cfgPath, data: cfgText }, { path: contactsPath, data: contactsText }]);
   * ```
   */
  async writeFiles(files: readonly FileContent[]): Promise<void> {
    const targets = files.map((f) => resolve(f.path));
    const dup = targets.find((t, i) => targets.indexOf(t) !== i);
    if (dup !== undefined) throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: dup, reason: 'the same file is given twice' });

    // A file whose bytes on disk are already the new ones is left as it is: its inode, mtime and ETag are kept, and
    // nothing is freed or created for it (see `holdsSync`); the others are replaced all-or-nothing as below. The
    // writer threads check it themselves (a render thread handing its files to one then never waits on a folder
    // that thread is writing into: in a profile, 15% of its samples were in lstat).
    if (this.mode === 'threads' && writePool().usable) return this.writeInPool(targets, files);
    const durable = this.fsyncs();
    const same =
      this.mode === 'event-loop'
        ? await Promise.all(targets.map((t, i) => holds(t, (files[i] as FileContent).data, durable)))
        : targets.map((t, i) => holdsSync(t, (files[i] as FileContent).data, durable));
    if (!same.includes(true)) return this.writeChanged(targets, files);
    if (durable) for (const [i, target] of targets.entries()) if (same[i]) this.onSync?.(target);
    const changed = targets.filter((_, i) => !same[i]);
    if (changed.length > 0) await this.writeChanged(changed, files.filter((_, i) => !same[i]));
    // the folders of the unchanged files are synced too: their names may have been written without
    const unchanged = targets.filter((_, i) => same[i]);
    if (this.mode === 'event-loop') await this.syncDirsOf(unchanged);
    else this.syncDirsSync(unchanged);
  }

  /** Fsyncs the folders of `targets` with synchronous calls when this writer is durable. */
  private syncDirsSync(targets: readonly string[]): void {
    if (this.fsyncs()) for (const dir of this.foldersOf(targets)) this.syncDirSync(dir);
  }

  /** {@link writeFiles} of files that all change, in this writer's mode. */
  private async writeChanged(targets: readonly string[], files: readonly FileContent[]): Promise<void> {
    if (this.mode === 'threads' && writePool().usable) return this.writeInPool(targets, files);
    if (this.mode === 'sync') return this.writeSync(targets, files);
    if (this.mode === 'hybrid') return this.writeHybrid(targets, files);
    const temps = await this.writeTemps(targets, files);

    // The old files, to put back if a later rename fails: the last target has no later rename, so it needs none.
    const previous = await Promise.all(targets.slice(0, -1).map(async (t) => keepPrevious(t, await this.tempPath(t, 'old'))));
    let done = 0;
    let current = '';
    try {
      for (const [i, temp] of temps.entries()) {
        current = targets[i] as string;
        await renameInto(temp, current);
        done++;
      }
    } catch (err) {
      await Promise.all(temps.slice(done).map(removeQuietly));
      await this.rollBack(targets.slice(0, done), previous);
      await Promise.all(previous.slice(done).map(dropPrevious));
      await this.syncDirsOf(targets);
      if (isProvdError(err)) throw err;
      throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: current, reason: reasonOf(err) }, { cause: err });
    }
    await Promise.all(previous.map(dropPrevious));
    await this.syncDirsOf(targets);
  }

  /** {@link writeFiles} as one task of the writer threads; the folders are then fsynced here, grouped. */
  private async writeInPool(targets: readonly string[], files: readonly FileContent[]): Promise<void> {
    const durable = this.fsyncs();
    let synced: string[];
    try {
      synced = await writePool().write(targets, files.map((f) => f.data), durable, this.staging?.staging);
    } catch (err) {
      if (durable) await this.syncDirsOf(targets, true);
      const index = err instanceof PooledWriteError ? err.index : 0;
      throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: targets[index] as string, reason: reasonOf(err) }, { cause: err });
    }
    if (this.onSync) for (const path of synced) this.onSync(path);
    await this.syncDirsOf(targets, true);
  }

  /** Whether this write fsyncs: a durable writer outside {@link withoutFsync}. */
  private fsyncs(): boolean {
    return this.durability === 'fsync' && deferred.getStore() !== true;
  }

  /** {@link writeFiles} with synchronous calls on this thread (mode `sync`). */
  private writeSync(targets: readonly string[], files: readonly FileContent[]): void {
    const durable = this.fsyncs();
    const temps: string[] = [];
    let current = '';
    try {
      for (const [i, target] of targets.entries()) {
        current = target;
        temps.push(this.writeTempSync(target, (files[i] as FileContent).data, durable));
      }
    } catch (err) {
      for (const temp of temps) unlinkQuietlySync(temp);
      throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: current, reason: reasonOf(err) }, { cause: err });
    }
    try {
      this.renameTempsSync(targets, temps, durable);
    } finally {
      if (durable) for (const dir of this.foldersOf(targets)) this.syncDirSync(dir);
    }
  }

  /**
   * {@link writeFiles} with synchronous calls on this thread except the fsyncs (mode `hybrid`): the temporary files
   * are created and written here, fsynced in libuv's thread pool (all of them at once) or flushed with the other
   * writes in flight (option `flush`), closed and renamed here once they are durable; the folders are then fsynced
   * in the pool, grouped, or flushed. Without fsync it is mode `sync`.
   */
  private async writeHybrid(targets: readonly string[], files: readonly FileContent[]): Promise<void> {
    if (!this.fsyncs()) return this.writeSync(targets, files);
    const opened: OpenTemp[] = [];
    let current = '';
    try {
      for (const [i, target] of targets.entries()) {
        current = target;
        opened.push(this.openTempSync(target, (files[i] as FileContent).data));
      }
    } catch (err) {
      for (const o of opened) discardSync(o);
      throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: current, reason: reasonOf(err) }, { cause: err });
    }
    const folders = [...new Set(targets.map((t) => dirname(t)))];
    if (!(await this.flushed(folders))) {
      const synced = await Promise.allSettled(opened.map((o) => fsyncFd(o.fd)));
      const failed = synced.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        for (const o of opened) discardSync(o);
        const err = (synced[failed] as PromiseRejectedResult).reason as unknown;
        throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: targets[failed] as string, reason: reasonOf(err) }, { cause: err });
      }
    }
    for (const o of opened) {
      this.onSync?.(o.temp);
      closeQuietlySync(o.fd);
    }
    try {
      this.renameTempsSync(targets, opened.map((o) => o.temp), true);
    } catch (err) {
      await this.syncDirsOf(targets);
      throw err;
    }
    if (await this.flushed(folders)) {
      for (const folder of folders) this.onSync?.(folder);
      return;
    }
    await this.syncDirsOf(targets);
  }

  /** Whether a shared flush (option `flush`) that started now made everything written under `folders` durable. */
  private flushed(folders: readonly string[]): Promise<boolean> {
    return this.flushes ? this.flushes.after(folders).then(() => true, () => false) : Promise.resolve(false);
  }

  /**
   * Renames `temps` over `targets` with synchronous calls; on a failure removes the temporary files left, puts back
   * the targets already replaced (fsynced when `durable`; their folders are the caller's to sync) and throws
   * `PROVD_FILE_WRITE_FAILED`.
   */
  private renameTempsSync(targets: readonly string[], temps: readonly string[], durable: boolean): void {
    const previous = targets.slice(0, -1).map((t) => keepPreviousSync(t, this.tempPathSync(t, 'old')));
    let done = 0;
    let current = '';
    try {
      for (; done < temps.length; done++) {
        current = targets[done] as string;
        renameIntoSync(temps[done] as string, current);
      }
    } catch (err) {
      for (const temp of temps.slice(done)) unlinkQuietlySync(temp);
      for (const [i, target] of targets.slice(0, done).entries()) {
        const old = previous[i];
        if (old === undefined) unlinkQuietlySync(target);
        else if ('link' in old) {
          try {
            renameSync(old.link, target);
          } catch {
            unlinkQuietlySync(old.link);
          }
        } else {
          try {
            renameIntoSync(this.writeTempSync(target, old.data, durable), target);
          } catch {
            // the old bytes could not be put back either: the target keeps the new file
          }
        }
      }
      for (const old of previous.slice(done)) if (old && 'link' in old) unlinkQuietlySync(old.link);
      throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: current, reason: reasonOf(err) }, { cause: err });
    }
    for (const old of previous) if (old && 'link' in old) unlinkQuietlySync(old.link);
  }

  /**
   * Creates a new temporary file for `path` (see {@link AtomicWriterOptions.staging}) and writes `data` to it with
   * synchronous calls; it stays open.
   */
  private openTempSync(path: string, data: string | Uint8Array): OpenTemp {
    const temp = this.tempPathSync(path);
    const folder = dirname(temp);
    let fd: number | undefined;
    if (this.knownFolders.has(folder)) {
      try {
        fd = openSync(temp, 'wx', 0o644);
      } catch (err) {
        if (codeOf(err) !== 'ENOENT') throw err;
        this.knownFolders.delete(folder); // removed meanwhile: create it again
      }
    }
    if (fd === undefined) {
      mkdirSync(folder, { recursive: true });
      fd = openSync(temp, 'wx', 0o644);
      if (this.knownFolders.size >= MAX_KNOWN_FOLDERS) this.knownFolders.clear();
      this.knownFolders.add(folder);
    }
    try {
      writeFileSync(fd, data);
    } catch (err) {
      discardSync({ temp, fd });
      throw err;
    }
    return { temp, fd };
  }

  /** Writes `data` to a new temporary file for `path` with synchronous calls (fsynced when `durable`). */
  private writeTempSync(path: string, data: string | Uint8Array, durable: boolean): string {
    const { temp, fd } = this.openTempSync(path, data);
    if (durable) {
      try {
        fsyncSync(fd);
      } catch (err) {
        discardSync({ temp, fd });
        throw err;
      }
      this.onSync?.(temp);
    }
    closeSync(fd);
    return temp;
  }

  /** Fsyncs the folder `dir` with synchronous calls (a folder that cannot be opened is skipped). */
  private syncDirSync(dir: string): void {
    let fd: number;
    try {
      fd = openSync(dir, 'r');
    } catch {
      return;
    }
    try {
      fsyncSync(fd);
      this.onSync?.(dir);
    } catch {
      // as the asynchronous path: a folder that cannot be fsynced does not fail the write
    }
    closeQuietlySync(fd);
  }

  /** Fsyncs the folders of `targets` when this writer is durable (and the staging folder: see `foldersOf`). */
  private async syncDirsOf(targets: readonly string[], always = false): Promise<void> {
    if (this.fsyncs()) await Promise.all([...this.foldersOf(targets, always)].map((dir) => this.syncDir(dir)));
  }

  /** Writes every file to its temporary name (in parallel); on a failure removes them all and throws. */
  private async writeTemps(targets: readonly string[], files: readonly FileContent[]): Promise<string[]> {
    const results = await Promise.allSettled(targets.map((target, i) => this.writeTemp(target, (files[i] as FileContent).data)));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed < 0) return results.map((r) => (r as PromiseFulfilledResult<string>).value);
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? removeQuietly(r.value) : undefined)));
    const err = (results[failed] as PromiseRejectedResult).reason as unknown;
    throw createProvdError('PROVD_FILE_WRITE_FAILED', { file: targets[failed] as string, reason: reasonOf(err) }, { cause: err });
  }

  /** Writes `data` to a new temporary file for `path` (fsynced when durable) and returns the temporary path. */
  private async writeTemp(path: string, data: string | Uint8Array): Promise<string> {
    const temp = await this.tempPath(path);
    const handle = await this.createFile(temp);
    try {
      await handle.writeFile(data, typeof data === 'string' ? 'utf8' : undefined);
      if (this.fsyncs()) {
        await handle.sync();
        this.onSync?.(temp);
      }
    } catch (err) {
      await handle.close().catch(() => undefined);
      await removeQuietly(temp);
      throw err;
    }
    await handle.close();
    return temp;
  }

  /** Creates `file` exclusively, creating its folder first unless this writer knows it exists. */
  private async createFile(file: string): Promise<FileHandle> {
    const folder = dirname(file);
    if (this.knownFolders.has(folder)) {
      try {
        return await open(file, 'wx', 0o644);
      } catch (err) {
        if (codeOf(err) !== 'ENOENT') throw err;
        this.knownFolders.delete(folder); // removed meanwhile: create it again
      }
    }
    await mkdir(folder, { recursive: true });
    const handle = await open(file, 'wx', 0o644);
    if (this.knownFolders.size >= MAX_KNOWN_FOLDERS) this.knownFolders.clear();
    this.knownFolders.add(folder);
    return handle;
  }

  /** Puts back the old files of `replaced` (the targets already renamed over), or removes those that were new. */
  private async rollBack(replaced: readonly string[], previous: readonly Previous[]): Promise<void> {
    for (const [i, target] of replaced.entries()) {
      const old = previous[i];
      if (old === undefined) await removeQuietly(target);
      else if ('link' in old) await rename(old.link, target).catch(() => removeQuietly(old.link));
      else await this.writeFiles([{ path: target, data: old.data }]).catch(() => undefined);
    }
  }

  /**
   * Fsyncs `dir` once every rename made before this call: joins a folder fsync that has not started yet, or queues
   * one after the running fsync (which may have started before those renames).
   */
  private syncDir(dir: string): Promise<void> {
    const queued = this.queuedDirSyncs.get(dir);
    if (queued) return queued;
    const start = async (): Promise<void> => {
      this.queuedDirSyncs.delete(dir);
      const sync = (this.mode === 'hybrid' ? fsyncDirHybrid(dir) : fsyncDir(dir)).then(() => this.onSync?.(dir));
      this.runningDirSyncs.set(dir, sync);
      await sync;
      if (this.runningDirSyncs.get(dir) === sync) this.runningDirSyncs.delete(dir);
    };
    const running = this.runningDirSyncs.get(dir);
    if (!running) return start();
    const next = running.then(start);
    this.queuedDirSyncs.set(dir, next);
    return next;
  }
}

/** The bytes of `data` as written (a string as UTF-8). */
function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** The byte length of `data` as written (a string as UTF-8). */
function lengthOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

/** Opens a file for reading without following a link (a link is replaced by a write, never looked through). */
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * Whether `target` is a regular file that holds exactly `data` now (anything else, an error included: no). With
 * `durable`, such a file is fsynced before the answer: its bytes may have been written without (a batch flushed
 * later), and the caller counts on them being on disk. Skipping it keeps its inode, its mtime (so its ETag) and
 * frees no inode; on a password change, half of a device's files (its contacts) are byte-identical.
 */
function holdsSync(target: string, data: string | Uint8Array, durable: boolean): boolean {
  // a first write (nothing there) is told without a thrown ENOENT, and a file of another size without opening it
  let found;
  try {
    found = lstatSync(target, { throwIfNoEntry: false });
  } catch {
    return false; // e.g. a file where a folder of the path should be: the write reports it
  }
  if (!found?.isFile() || found.size !== lengthOf(data)) return false;
  let fd: number;
  try {
    fd = openSync(target, READ_NO_FOLLOW);
  } catch {
    return false;
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile() || now.size !== found.size) return false;
    const old = Buffer.allocUnsafe(now.size);
    for (let at = 0; at < old.length; ) {
      const got = readSync(fd, old, at, old.length - at, at);
      if (got === 0) return false;
      at += got;
    }
    if (!old.equals(bytesOf(data))) return false;
    if (durable) fsyncSync(fd);
    return true;
  } catch {
    return false;
  } finally {
    closeQuietlySync(fd);
  }
}

/** {@link holdsSync} with asynchronous calls (mode `event-loop`). */
async function holds(target: string, data: string | Uint8Array, durable: boolean): Promise<boolean> {
  const found = await lstat(target).catch(() => undefined);
  if (!found?.isFile() || found.size !== lengthOf(data)) return false;
  let handle: FileHandle;
  try {
    handle = await open(target, READ_NO_FOLLOW);
  } catch {
    return false;
  }
  try {
    const now = await handle.stat();
    if (!now.isFile() || now.size !== found.size) return false;
    const old = Buffer.allocUnsafe(now.size);
    for (let at = 0; at < old.length; ) {
      const { bytesRead } = await handle.read(old, at, old.length - at, at);
      if (bytesRead === 0) return false;
      at += bytesRead;
    }
    if (!old.equals(bytesOf(data))) return false;
    if (durable) await handle.sync();
    return true;
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => {});
  }
}

/** {@link keepPrevious} with synchronous calls. */
function keepPreviousSync(target: string, backup: string): Previous {
  // a target that does not exist (a first write) has nothing to keep: found without a thrown ENOENT (costly)
  if (lstatSync(target, { throwIfNoEntry: false }) === undefined) return undefined;
  try {
    linkSync(target, backup);
    return { link: backup };
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
  }
  try {
    return { data: readFileSync(target) };
  } catch {
    return undefined;
  }
}

/** A temporary file written and still open. */
interface OpenTemp {
  temp: string;
  fd: number;
}

/** Closes and removes a temporary file that will not be renamed. */
function discardSync({ temp, fd }: OpenTemp): void {
  closeQuietlySync(fd);
  unlinkQuietlySync(temp);
}

/** Fsyncs an open file in libuv's thread pool (one hop, no FileHandle). */
function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

function unlinkQuietlySync(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function closeQuietlySync(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
}

/** Removes the hard link a multi-file write kept of an old file. */
async function dropPrevious(previous: Previous): Promise<void> {
  if (previous && 'link' in previous) await removeQuietly(previous.link);
}

const durableWriter = new AtomicWriter();

/**
 * Runs `task` with the fsyncs of every atomic write it makes (any {@link AtomicWriter} of this process, a plugin's
 * included) left out: writes stay atomic and all-or-nothing, but reach the disk when the system flushes them. For a
 * caller that makes many writes durable at once afterwards (a background reconfiguration flushes the filesystem once
 * per batch before recording the batch done), never for a write that must survive a power loss on its own.
 *
 * @example
 * ```ts
 * await withoutFsync(() => plugin.configure(device, rawConfig));
 * // ... later, before recording that the device is done: flush the filesystem (e.g. `sync -f tftpbootDir`)
 * ```
 */
export async function withoutFsync<T>(task: () => Promise<T>): Promise<T> {
  tasksWithoutFsync++;
  try {
    return await deferred.run(true, task);
  } finally {
    // Node 20 keeps its promise hooks on for the whole process while a context store is enabled: every promise of
    // every request would pay them. Off once no task is left (a write a task left running then fsyncs).
    if (--tasksWithoutFsync === 0) deferred.disable();
  }
}

/** How many {@link withoutFsync} tasks are running. */
let tasksWithoutFsync = 0;

/**
 * Replaces `path` with `data` atomically: readers see either the old file or the whole new one, never a part.
 * Creates missing parent folders; fsyncs the file and its folder. Throws `PROVD_FILE_WRITE_FAILED` naming the file
 * on an I/O error.
 *
 * @example
 * ```ts
 * await writeFileAtomic(join(tftpbootDir, 'acme.cfg'), 'server=10.0.0.1\n');
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await durableWriter.writeFiles([{ path, data }]);
}

/**
 * Replaces several files all-or-nothing, durably (see {@link AtomicWriter.writeFiles}): every temporary file is
 * written and fsynced first; only then are they renamed over their targets. If anything fails, the temporary files
 * are removed and the targets already replaced get their old contents back (or are removed when they did not
 * exist), so either every file is replaced or none. Throws `PROVD_FILE_WRITE_FAILED` naming the file that failed.
 *
 * @example
 * ```ts
 * await writeFilesAtomic([
 *   { path: cfgPath, data: cfgText },
 *   { path: contactsPath, data: contactsText },
 * ]);
 * ```
 */
export async function writeFilesAtomic(files: readonly FileContent[]): Promise<void> {
  await durableWriter.writeFiles(files);
}

/**
 * Removes, under `dir` (recursively), the temporary and kept-previous files that atomic writes of processes now gone
 * left behind (a process killed between writing a temporary file and renaming it, say). Files of running processes,
 * this one included, are left alone. Returns the removed paths. A missing folder has none.
 *
 * @example
 * ```ts
 * const removed = await removeStaleTemporaries(plugin.tftpbootDir); // at start, before serving
 * ```
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    const m = entry.isFile() ? TEMP_NAME.exec(entry.name) : null;
    if (!m) continue;
    const path = join(entry.parentPath, entry.name);
    const pid = parseInt(m[2] as string, 36);
    if (!(await isLeftByGoneProcess(pid, path))) continue;
    await unlink(path).then(
      () => removed.push(path),
      () => undefined,
    );
  }
  return removed.sort();
}
