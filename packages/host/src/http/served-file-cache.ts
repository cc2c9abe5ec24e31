import { createHash } from 'node:crypto';
import { read, stat, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { contentTypeOf } from '../files/content-type';
import { closeServedFile, isSameServedFile, openServedFile, type OpenedFile, type ResolveFailure } from '../files/resolve-file';

const statPath = promisify(stat);

/** A small served file held in memory, with the validators and headers it is answered with. */
export interface CachedFile {
  /** The real path of the file. */
  readonly path: string;
  /** Its bytes. */
  readonly data: Buffer;
  /** Its modification time. */
  readonly mtime: Date;
  /** The `Last-Modified` value (second precision, as HTTP dates are). */
  readonly lastModified: string;
  /** The strong `ETag` value, quoted: a hash of the bytes, so the same bytes written again keep their tag. */
  readonly etag: string;
  /** The `Content-Type` by extension. */
  readonly contentType: string;
  /** The headers of a `200` with the whole file, built once (never to be changed). */
  readonly fullHeaders: Readonly<Record<string, string | number>>;
}

/** A file too large to hold in memory, opened for streaming (the caller closes `file.fd`), with its `ETag`. */
export interface StreamedFile {
  /** The opened file. */
  readonly file: OpenedFile;
  /** The strong `ETag` value, quoted: size, modification time and inode (an atomic replace gives a new inode). */
  readonly etag: string;
}

/** The outcome of {@link ServedFileCache.lookup}. */
export type ServedLookup =
  | { ok: true; cached: CachedFile }
  | { ok: true; streamed: StreamedFile }
  | { ok: false; reason: ResolveFailure };

/** Options of a {@link ServedFileCache}. */
export interface ServedFileCacheOptions {
  /** Files up to this size are read whole and kept in memory. @defaultValue 262144 */
  maxFileBytes?: number;
  /** The bytes held at most; the least recently used files are dropped past it. @defaultValue 67108864 */
  maxTotalBytes?: number;
  /**
   * How long a file is answered from memory before its path checks and metadata are taken again (a backstop for
   * changes the folder watch cannot see, such as a parent folder swapped for a symlink, or a network file system):
   * the first request past it is still answered from memory while the check runs in the background, a request
   * later than twice this waits for the check. So such a change is served at most twice this after it happened.
   * @defaultValue 5000
   */
  maxAgeMs?: number;
  /** The most folders watched; files of further folders are served from disk, not cached. @defaultValue 1024 */
  maxWatchedFolders?: number;
  /**
   * A watched folder that gets more change events than this within one second is being written in bulk (a
   * reconfigure rewrites every device's files: about 10 events per device, each a callback on the main thread): it
   * rests for `restMs`, its watch closed and its files dropped from memory and served from disk (read on every
   * request, never kept), then is watched again on the next request of one of its files. @defaultValue 1000
   */
  stormEvents?: number;
  /** How long a folder rests after more than `stormEvents` events within one second. @defaultValue 1000 */
  restMs?: number;
  /** The clock, in ms (for tests). @defaultValue Date.now */
  now?: () => number;
}

interface Entry {
  key: string;
  root: string;
  name: string;
  /** The paths whose change drops the entry: the name as asked (inside its real folder) and the real file. */
  paths: string[];
  file: CachedFile;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Answered from memory without a check until then; checked in the background until one more `maxAgeMs`. */
  until: number;
  /** A background check is running. */
  checking?: boolean;
}

/** The strong ETag of a file from its metadata, for files served by streaming. */
export function metadataEtag(info: { size: number; mtimeMs: number; ino: number }): string {
  return `"${info.size.toString(16)}-${Math.round(info.mtimeMs * 1000).toString(16)}-${info.ino.toString(16)}"`;
}

function readWhole(fd: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done >= length) return resolve(buffer);
      read(fd, buffer, done, length - done, done, (err, n) => {
        if (err) reject(err);
        else if (n === 0) resolve(buffer.subarray(0, done));
        else step(done + n);
      });
    };
    step(0);
  });
}

function cachedFileOf(path: string, data: Buffer, mtime: Date): CachedFile {
  const etag = `"${createHash('sha1').update(data).digest('base64url').slice(0, 22)}"`;
  const lastModified = mtime.toUTCString();
  const contentType = contentTypeOf(path);
  const fullHeaders = Object.freeze({ ...servedFileHeaders(contentType, etag, lastModified), 'Content-Length': data.length });
  return { path, data, mtime, lastModified, etag, contentType, fullHeaders };
}

/**
 * `Cache-Control` of provisioning files: a phone may keep a copy but must revalidate it on every fetch (with
 * `If-None-Match` or `If-Modified-Since`, answered 304 while the file is unchanged); shared caches must not keep
 * it (config files hold SIP passwords).
 */
const CACHE_CONTROL = 'private, no-cache';

/** The headers every answer with a served file carries (content type, validators, caching, ranges). */
export function servedFileHeaders(contentType: string, etag: string, lastModified: string): Record<string, string | number> {
  return {
    'Content-Type': contentType,
    ETag: etag,
    'Last-Modified': lastModified,
    'Accept-Ranges': 'bytes',
    'Cache-Control': CACHE_CONTROL,
    'X-Content-Type-Options': 'nosniff',
  };
}

/**
 * The provisioning files served over HTTP (and TFTP), looked up with the real path checks of `openServedFile` and
 * the small ones held in memory, so that a config fetch costs no file-system call at all. Each cached file's folder
 * is watched (`fs.watch`, inotify): a write, rename or removal of the file (an atomic replace by `configure`, a
 * file dropped in by an administrator) drops it from memory at once, and a folder that moves or disappears drops
 * every file of it. A fill that raced with a change is not kept, and every entry is checked again after
 * `maxAgeMs` (off the request path while the file keeps being asked for, see {@link ServedFileCacheOptions.maxAgeMs}).
 * A folder written in bulk (more than `stormEvents` events within a second) rests a while: not watched, its files
 * served from disk (see {@link ServedFileCacheOptions.stormEvents}).
 * Files above `maxFileBytes` are opened for streaming, with an `ETag` from their metadata.
 *
 * @example
 * ```ts
 * const files = new ServedFileCache();
 * const found = await files.lookup(tftpbootDir, 'Digium/000fd3054848.cfg');
 * if (found.ok && 'cached' in found) console.log(found.cached.etag, found.cached.data.length);
 * ```
 */
export class ServedFileCache {
  private readonly maxFileBytes: number;
  private readonly maxTotalBytes: number;
  private readonly maxAgeMs: number;
  private readonly maxWatchedFolders: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  /** A short id per served root (the plugins' folders: a handful), so that an entry key is short to build and hash. */
  private readonly rootIds = new Map<string, string>();
  /** Entry keys by watched path (file paths and folder paths). */
  private readonly byPath = new Map<string, Set<string>>();
  private readonly watchers = new Map<string, FSWatcher>();
  /** Per watched folder: the change events since the start of its current one-second window. */
  private readonly activity = new Map<string, { since: number; events: number }>();
  /** Folders resting after an event storm, until when (see {@link ServedFileCacheOptions.stormEvents}). */
  private readonly resting = new Map<string, number>();
  private readonly stormEvents: number;
  private readonly restMs: number;
  private totalBytes = 0;
  /** Bumped on every change seen: a fill that started before a change is not kept. */
  private epoch = 0;
  private closed = false;

  /** Creates an empty cache. */
  constructor(options: ServedFileCacheOptions = {}) {
    this.maxFileBytes = options.maxFileBytes ?? 256 * 1024;
    this.maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 5_000;
    this.maxWatchedFolders = options.maxWatchedFolders ?? 1024;
    this.stormEvents = options.stormEvents ?? 1000;
    this.restMs = options.restMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The key of the entry of `name` inside `root`. */
  private keyOf(root: string, name: string): string {
    let id = this.rootIds.get(root);
    if (id === undefined) this.rootIds.set(root, (id = `${this.rootIds.size}\0`));
    return id + name;
  }

  /** How many files are held in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** How many folders rest now after an event storm (their files served from disk; see `stormEvents`). */
  get restingFolders(): number {
    const now = this.now();
    let count = 0;
    for (const until of this.resting.values()) if (until > now) count++;
    return count;
  }

  /**
   * Finds `name` (a `/`-separated name as a client sent it, percent-decoded) inside `root`: a small file from memory
   * (read and kept on the first request), a larger one opened for streaming, or why it cannot be served (`refused`
   * for a name that leaves the root, `not-found`). With `recheck`, a file held in memory is checked against the disk
   * first (a file just written, whose folder watch event may not have arrived yet).
   */
  async lookup(root: string, name: string, recheck = false): Promise<ServedLookup> {
    const cached = recheck ? undefined : this.held(root, name);
    if (cached) return { ok: true, cached };
    const key = this.keyOf(root, name);
    return this.check(key, root, name, this.entries.get(key), this.now());
  }

  /**
   * The file `name` inside `root` when it is held in memory and may be answered from there now (see
   * {@link ServedFileCacheOptions.maxAgeMs}), without waiting: else `undefined`, and {@link ServedFileCache.lookup}
   * tells.
   */
  held(root: string, name: string): CachedFile | undefined {
    const key = this.keyOf(root, name);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.until + this.maxAgeMs <= now) return undefined;
    // checked less than one more maxAgeMs ago: answered from memory, checked again in the background (which moves it
    // to the end of the eviction order: files still asked for are checked, the others not)
    if (entry.until <= now && !entry.checking) void this.checkInBackground(key, root, name, entry);
    return entry.file;
  }

  /** Checks an entry again off the request path (its next request waits for nothing). */
  private async checkInBackground(key: string, root: string, name: string, entry: Entry): Promise<void> {
    entry.checking = true;
    try {
      // the usual outcome, the same file: told by one lstat (no open, stat and close)
      const epoch = this.epoch;
      if ((await isSameServedFile(root, name, { path: entry.file.path, ino: entry.ino, size: entry.size, mtimeMs: entry.mtimeMs })) && this.epoch === epoch && this.entries.get(key) === entry) {
        entry.until = this.now() + this.maxAgeMs;
        this.entries.delete(key);
        this.entries.set(key, entry);
        return;
      }
      const found = await this.check(key, root, name, entry, this.now());
      if (found.ok && 'streamed' in found) await closeServedFile(found.streamed.file.fd);
    } catch {
      // an unreadable file: dropped by check, or read again by the next request
    } finally {
      entry.checking = false;
    }
  }

  /**
   * Opens `name` with the real path checks and answers it: the entry kept when the file is still the one held
   * (extended by `maxAgeMs`), else the file read again and kept, or opened for streaming when large.
   */
  private async check(key: string, root: string, name: string, entry: Entry | undefined, now: number): Promise<ServedLookup> {
    const epoch = this.epoch;
    const found = await openServedFile(root, name);
    if (!found.ok) {
      if (entry) this.drop(entry);
      return found;
    }
    const { file } = found;
    const info = file;
    if (info.size > this.maxFileBytes) {
      if (entry) this.drop(entry);
      return { ok: true, streamed: { file, etag: metadataEtag(info) } };
    }
    if (entry && entry.ino === info.ino && entry.size === info.size && entry.mtimeMs === info.mtimeMs && this.epoch === epoch) {
      await closeServedFile(file.fd);
      entry.until = now + this.maxAgeMs;
      if (this.entries.get(key) === entry) {
        // least recently checked last
        this.entries.delete(key);
        this.entries.set(key, entry);
      }
      return { ok: true, cached: entry.file };
    }
    let data: Buffer;
    try {
      data = await readWhole(file.fd, info.size);
    } finally {
      await closeServedFile(file.fd);
    }
    const cached = cachedFileOf(file.path, data, info.mtime);
    if (entry) this.drop(entry);
    await this.keep(epoch, { key, root, name, file: cached, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, until: now + this.maxAgeMs, paths: [] }, name);
    return { ok: true, cached };
  }

  /** Forgets every file (they are read again on their next request). */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byPath.clear();
    this.totalBytes = 0;
  }

  /** Forgets every file and stops watching folders. */
  close(): void {
    this.closed = true;
    this.clear();
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.activity.clear();
    this.resting.clear();
  }

  /**
   * Keeps `entry` once its folders are watched, unless something changed since the lookup started (`epoch`) or the
   * file at its path is no longer the one read.
   */
  private async keep(epoch: number, entry: Entry, name: string): Promise<void> {
    if (this.closed || entry.size > this.maxTotalBytes) return;
    const real = entry.file.path;
    const asked = join(dirname(real), basename(name));
    const folders = new Set([dirname(real), dirname(join(entry.root, name))]);
    for (const folder of folders) if (!this.watch(folder)) return;
    // The watch may have started after a change: the file at both paths must still be the one read.
    for (const path of new Set([real, asked])) {
      const now = await statPath(path).catch(() => undefined);
      if (!now || now.ino !== entry.ino || now.size !== entry.size || now.mtimeMs !== entry.mtimeMs) return;
    }
    if (this.epoch !== epoch || this.closed) return;
    const kept = this.entries.get(entry.key);
    if (kept) this.drop(kept);
    entry.paths = [...new Set([real, asked, ...folders])];
    for (const path of entry.paths) {
      let keys = this.byPath.get(path);
      if (!keys) this.byPath.set(path, (keys = new Set()));
      keys.add(entry.key);
    }
    this.entries.set(entry.key, entry);
    this.totalBytes += entry.size;
    for (const old of this.entries.values()) {
      if (this.totalBytes <= this.maxTotalBytes) break;
      this.drop(old);
    }
  }

  /** Watches `folder` (once); false when it cannot be watched, or rests after an event storm. */
  private watch(folder: string): boolean {
    if (this.watchers.has(folder)) return true;
    const rest = this.resting.get(folder);
    if (rest !== undefined) {
      if (rest > this.now()) return false;
      this.resting.delete(folder);
    }
    if (this.watchers.size >= this.maxWatchedFolders) return false;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: false }, (_event, filename) => this.changed(folder, filename === null ? null : String(filename)));
    } catch {
      return false;
    }
    watcher.on('error', () => this.unwatch(folder));
    this.watchers.set(folder, watcher);
    this.activity.set(folder, { since: this.now(), events: 0 });
    return true;
  }

  private unwatch(folder: string): void {
    this.watchers.get(folder)?.close();
    this.watchers.delete(folder);
    this.activity.delete(folder);
    this.dropPath(folder);
  }

  /**
   * A change in `folder`: the file named drops its entries; an unnamed change or the folder itself drops them all;
   * the event past `stormEvents` within one second makes the folder rest (every entry of it dropped, not watched).
   */
  private changed(folder: string, filename: string | null): void {
    this.epoch++;
    const activity = this.activity.get(folder);
    if (activity) {
      const now = this.now();
      if (now - activity.since >= 1000) {
        activity.since = now;
        activity.events = 0;
      }
      if (++activity.events > this.stormEvents) {
        this.unwatch(folder);
        this.resting.set(folder, now + this.restMs);
        return;
      }
    }
    if (filename === null || filename === basename(folder)) {
      this.dropPath(folder);
      if (filename !== null) this.unwatch(folder);
      return;
    }
    this.dropPath(join(folder, filename));
  }

  private dropPath(path: string): void {
    const keys = this.byPath.get(path);
    if (!keys) return;
    for (const key of [...keys]) {
      const entry = this.entries.get(key);
      if (entry) this.drop(entry);
    }
    this.byPath.delete(path);
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.totalBytes -= entry.size;
    for (const path of entry.paths) {
      const keys = this.byPath.get(path);
      keys?.delete(entry.key);
      if (keys?.size === 0) this.byPath.delete(path);
    }
  }
}
