/**
 * A few worker threads that do atomic multi-file writes with synchronous file-system calls (a file already holding its
 * new bytes is left as it is, checked there too): the writes asked for in
 * one turn of the event loop go to a worker as one message (the answers come back a few at a time) instead of a
 * thread-pool hop per open, write, fsync, close, link and rename; as many fsyncs in flight as there are workers
 * (libuv's pool has 4 threads, shared with every other file operation of the process), and one worker for writes
 * without fsync (they wait on nothing but the CPU). The main thread only posts the files and waits for the answers.
 */
import { Worker } from 'node:worker_threads';

/** What a worker answers for one write. */
type Reply = { id: number; ok: true; synced: string[] } | { id: number; ok: false; index: number; message: string; code?: string };

/** The failure of a pooled write: which file (index into the targets) and why. */
export class PooledWriteError extends Error {
  /** @param index - the target that failed. @param code - the system error code, when there is one. */
  constructor(
    message: string,
    readonly index: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

// The worker's code (CommonJS, evaluated): the same protocol as AtomicWriter's in-process path. Temporary files are
// written beside their targets, or in the job's staging folder when it is on the target folder's file system (fsynced
// when asked), the old files kept as hard links for a rollback (there too), then renamed.
const WORKER_SOURCE = String.raw`
const REPLY_EVERY = 8;
const { parentPort, threadId } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const prefix = process.pid.toString(36) + '-' + require('node:crypto').randomBytes(4).toString('hex') + '-w' + threadId + '-';
let count = 0;
const known = new Set();
// a new temporary name for the file p in folder
const tempName = (folder, p, suffix) => path.join(folder, '.' + path.basename(p) + '.' + prefix + (count++).toString(36) + '.' + suffix);
const tempPathFor = (p, suffix, staging) => tempName(placeOf(path.dirname(p), staging), p, suffix);
// where the temporary files of a target folder go: the staging folder when an empty probe file made there can be
// renamed into the folder (the same file system and mount), else the folder; checked once per folder (AtomicWriter's
// StagingPlaces does the same)
const places = new Map();
function placeOf(dir, staging) {
  if (!staging) return dir;
  const key = staging + '\0' + dir;
  let place = places.get(key);
  if (place !== undefined) return place;
  place = dir;
  const name = path.join(dir, 'staging-probe');
  const probe = tempName(staging, name, 'tmp');
  const moved = tempName(dir, name, 'tmp');
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.closeSync(fs.openSync(probe, 'wx', 0o644));
    fs.renameSync(probe, moved);
    fs.unlinkSync(moved);
    place = staging;
  } catch { quiet(() => fs.unlinkSync(probe)); }
  if (places.size >= 4096) places.clear();
  places.set(key, place);
  return place;
}
// a rename into a target folder removed since its temporary file was staged elsewhere creates it again (once)
function renameInto(temp, target) {
  try { fs.renameSync(temp, target); } catch (e) {
    if (e.code !== 'ENOENT' || path.dirname(temp) === path.dirname(target)) throw e;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(temp, target);
  }
}
const quiet = (f) => { try { f(); } catch {} };
function createFile(file) {
  const dir = path.dirname(file);
  if (known.has(dir)) {
    try { return fs.openSync(file, 'wx', 0o644); } catch (e) { if (e.code !== 'ENOENT') throw e; known.delete(dir); }
  }
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(file, 'wx', 0o644);
  if (known.size >= 4096) known.clear();
  known.add(dir);
  return fd;
}
function writeTemp(target, data, fsync, synced, staging) {
  const temp = tempPathFor(target, 'tmp', staging);
  const fd = createFile(temp);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    if (fsync) { fs.fsyncSync(fd); synced.push(temp); }
  } catch (e) {
    quiet(() => fs.closeSync(fd));
    quiet(() => fs.unlinkSync(temp));
    throw e;
  }
  fs.closeSync(fd);
  return temp;
}
function keepPrevious(target, staging) {
  // a target that does not exist (a first write) has nothing to keep: found without a thrown ENOENT (costly)
  if (fs.lstatSync(target, { throwIfNoEntry: false }) === undefined) return undefined;
  const backup = tempPathFor(target, 'old', staging);
  try { fs.linkSync(target, backup); return { link: backup }; } catch (e) { if (e.code === 'ENOENT') return undefined; }
  try { return { data: fs.readFileSync(target) }; } catch { return undefined; }
}
function drop(previous) { if (previous && previous.link) quiet(() => fs.unlinkSync(previous.link)); }
// Whether target is a regular file holding exactly data now (an error: no); fsynced then when asked, since its bytes
// may have been written without. Checked here, not by the caller, so that a render thread never waits on a folder.
function holds(target, data, fsync, synced) {
  let found;
  try { found = fs.lstatSync(target, { throwIfNoEntry: false }); } catch { return false; }
  const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  if (found === undefined || !found.isFile() || found.size !== size) return false;
  let fd;
  try { fd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW); } catch { return false; }
  try {
    const now = fs.fstatSync(fd);
    if (!now.isFile() || now.size !== size) return false;
    const old = Buffer.allocUnsafe(size);
    for (let at = 0; at < size; ) { const got = fs.readSync(fd, old, at, size - at, at); if (got === 0) return false; at += got; }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (!old.equals(bytes)) return false;
    if (fsync) { fs.fsyncSync(fd); synced.push(target); }
    return true;
  } catch { return false; } finally { quiet(() => fs.closeSync(fd)); }
}
function writeOne({ id, targets: given, datas: givenDatas, fsync, staging }) {
  const synced = [];
  // the files whose bytes change (their indexes among those given): the others are left as they are
  const at = [];
  for (let i = 0; i < given.length; i++) if (!holds(given[i], givenDatas[i], fsync, synced)) at.push(i);
  const targets = at.map((i) => given[i]);
  const datas = at.map((i) => givenDatas[i]);
  const temps = [];
  for (let i = 0; i < targets.length; i++) {
    try { temps.push(writeTemp(targets[i], datas[i], fsync, synced, staging)); } catch (e) {
      for (const t of temps) quiet(() => fs.unlinkSync(t));
      return { id, ok: false, index: at[i], message: e.message, code: e.code };
    }
  }
  const previous = targets.slice(0, -1).map((t) => keepPrevious(t, staging));
  let done = 0;
  try {
    for (; done < temps.length; done++) renameInto(temps[done], targets[done]);
  } catch (e) {
    for (const t of temps.slice(done)) quiet(() => fs.unlinkSync(t));
    for (let j = 0; j < done; j++) {
      const old = previous[j];
      if (old === undefined) quiet(() => fs.unlinkSync(targets[j]));
      else if (old.link) { try { fs.renameSync(old.link, targets[j]); } catch { quiet(() => fs.unlinkSync(old.link)); } }
      else quiet(() => { const t = writeTemp(targets[j], old.data, fsync, synced, staging); renameInto(t, targets[j]); });
    }
    for (const p of previous.slice(done)) drop(p);
    return { id, ok: false, index: at[done], message: e.message, code: e.code };
  }
  for (const p of previous) drop(p);
  return { id, ok: true, synced };
}
// A message is a list of writes, done in order; the answers go back a few at a time, so that the main thread
// prepares the next writes while this one makes the rest.
parentPort.on('message', (jobs) => {
  let replies = [];
  for (const job of jobs) {
    replies.push(writeOne(job));
    if (replies.length >= REPLY_EVERY) { parentPort.postMessage(replies); replies = []; }
  }
  if (replies.length > 0) parentPort.postMessage(replies);
});
`;

/** One write as posted to a worker. */
interface Job {
  id: number;
  targets: readonly string[];
  datas: readonly (string | Uint8Array)[];
  fsync: boolean;
  /** The staging folder of the writer (see `AtomicWriterOptions.staging`), if any. */
  staging: string | undefined;
}

interface PoolWorker {
  worker: Worker;
  pending: number;
  /** The writes not posted yet: posted together once the current turn of the event loop is over. */
  outbox: Job[];
}

/** The pool of writer threads (one per process, started on first use). */
export class WritePool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, { resolve: (synced: string[]) => void; reject: (err: Error) => void; owner: PoolWorker }>();
  private nextId = 0;
  private broken = false;

  /** @param size - the most writer threads. */
  constructor(private readonly size: number) {}

  /** Whether the pool can take writes (false once a worker could not start: writes then stay in process). */
  get usable(): boolean {
    return !this.broken;
  }

  /**
   * Writes `datas[i]` to `targets[i]` all-or-nothing (temporary files, fsynced when `fsync`, then renamed; a failed
   * rename puts back what was replaced); a target already holding its new bytes is left as it is (fsynced when
   * `fsync`). The temporary files go to `staging` when it is on a target folder's file system (see
   * `AtomicWriterOptions.staging`). Resolves to the paths fsynced; rejects with a {@link PooledWriteError}.
   */
  write(targets: readonly string[], datas: readonly (string | Uint8Array)[], fsync: boolean, staging?: string): Promise<string[]> {
    const owner = this.pick(fsync ? this.size : 1);
    const id = this.nextId++;
    return new Promise<string[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, owner });
      if (owner.pending++ === 0) owner.worker.ref();
      if (owner.outbox.push({ id, targets, datas, fsync, staging }) === 1) setImmediate(() => this.post(owner));
    });
  }

  /** Posts the writes waiting in `owner`'s outbox as one message. */
  private post(owner: PoolWorker): void {
    const jobs = owner.outbox;
    owner.outbox = [];
    if (jobs.length > 0) owner.worker.postMessage(jobs);
  }

  /**
   * The worker for the next write: the least busy, a new one while fewer than `most` run and none is idle. Writes
   * without fsync wait on nothing but the CPU: one thread beside the caller's does them all.
   */
  private pick(most: number): PoolWorker {
    let best: PoolWorker | undefined;
    for (const w of this.workers) if (!best || w.pending < best.pending) best = w;
    if (best && (best.pending === 0 || this.workers.length >= most)) return best;
    return this.spawn();
  }

  private spawn(): PoolWorker {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch (err) {
      this.broken = true;
      throw err;
    }
    const entry: PoolWorker = { worker, pending: 0, outbox: [] };
    worker.unref();
    worker.on('message', (replies: Reply[]) => {
      for (const reply of replies) {
        const job = this.waiting.get(reply.id);
        if (!job) continue;
        this.waiting.delete(reply.id);
        if (--entry.pending === 0) worker.unref();
        if (reply.ok) job.resolve(reply.synced);
        else job.reject(new PooledWriteError(reply.message, reply.index, reply.code));
      }
    });
    const fail = (err: Error) => {
      const at = this.workers.indexOf(entry);
      if (at >= 0) this.workers.splice(at, 1);
      for (const [id, job] of this.waiting) {
        if (job.owner !== entry) continue;
        this.waiting.delete(id);
        job.reject(new PooledWriteError(`the writer thread stopped: ${err.message}`, 0));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.workers.push(entry);
    return entry;
  }
}

let shared: WritePool | undefined;

/** The process's writer pool (8 threads at most, started as writes come in). */
export function writePool(): WritePool {
  shared ??= new WritePool(8);
  return shared;
}
