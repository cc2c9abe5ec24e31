import { close, constants, fstat, lstat, lstatSync, open, realpath, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);
const lstatPath = promisify(lstat);
const realpathOf = promisify(realpath);
// one system call (the JS realpath takes one lstat per path component, each a thread-pool hop)
const realpathNative = promisify(realpath.native);

/** A served file, opened after the real path check. The caller owns (and closes) `fd`. */
export interface OpenedFile {
  /** The open file descriptor (read-only). */
  fd: number;
  /** The real absolute path of the file, inside the root. */
  path: string;
  /** Its size in bytes when opened. */
  size: number;
  /** Its last modification time. */
  mtime: Date;
  /** Its last modification time in ms (sub-millisecond precision). */
  mtimeMs: number;
  /** Its inode number (an atomic replace gives a new one). */
  ino: number;
}

/** Why a name did not resolve to a servable file: refused (outside the root, `..`, NUL) or simply not there. */
export type ResolveFailure = 'refused' | 'not-found';

/** The outcome of {@link openServedFile}. */
export type OpenResult = { ok: true; file: OpenedFile } | { ok: false; reason: ResolveFailure };

/**
 * Splits a request name into safe path segments: leading slashes and `.` segments are dropped; a `..` segment, a NUL
 * character or a backslash makes the whole name refused (returns `undefined`). Never normalises `a/../b` into `b`.
 */
export function safeSegments(name: string): string[] | undefined {
  if (name.includes('\0') || name.includes('\\')) return undefined;
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return undefined;
    segments.push(segment);
  }
  return segments;
}

/** How long the real path of a folder is remembered, in ms. */
const REALPATH_TTL_MS = 5_000;
const realFolders = new Map<string, { real: Promise<string>; until: number }>();

/**
 * The real path of a folder, remembered a few seconds (folders of a plugin's tftpboot rarely move); requests that
 * ask while it is being resolved share that resolution.
 */
function realFolder(path: string): Promise<string> {
  const now = Date.now();
  const cached = realFolders.get(path);
  if (cached && cached.until > now) return cached.real;
  const real = realpathNative(path);
  if (realFolders.size > 10_000) realFolders.clear();
  const entry = { real, until: now + REALPATH_TTL_MS };
  realFolders.set(path, entry);
  real.catch(() => realFolders.get(path) === entry && realFolders.delete(path));
  return real;
}

const inside = (real: string, root: string): boolean => real.startsWith(root + sep);

/** Whether something is at `path` (a final symlink not followed); `true` when it cannot tell (the open tells then). */
function lstatExists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

/** Opens `path` read-only without following a final symlink and without blocking on a FIFO. */
function openNoFollow(path: string): Promise<number> {
  return openFd(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
}

/** Where a served name resolves: its real folder inside the real root, and its last component. */
type ServedPath = { ok: true; realRoot: string; realDir: string; last: string } | { ok: false; reason: ResolveFailure };

/** The real path checks of {@link openServedFile} up to the file's folder. */
async function servedPathOf(root: string, name: string): Promise<ServedPath> {
  const segments = safeSegments(name);
  if (segments === undefined) return { ok: false, reason: 'refused' };
  const last = segments.pop();
  if (last === undefined) return { ok: false, reason: 'not-found' };
  let realRoot: string;
  let realDir: string;
  try {
    realRoot = await realFolder(root);
    realDir = segments.length === 0 ? realRoot : await realFolder(join(realRoot, ...segments));
  } catch {
    return { ok: false, reason: 'not-found' };
  }
  if (realDir !== realRoot && !inside(realDir, realRoot)) return { ok: false, reason: 'refused' };
  return { ok: true, realRoot, realDir, last };
}

/**
 * Whether `name` inside `root` is still the regular file `file` (same real path, inode, size and modification
 * time), with the real path checks of {@link openServedFile} and one `lstat` instead of an open, a stat and a close.
 * `false` for anything else (a symlink as the last component included: {@link openServedFile} tells then).
 */
export async function isSameServedFile(root: string, name: string, file: { path: string; ino: number; size: number; mtimeMs: number }): Promise<boolean> {
  const where = await servedPathOf(root, name);
  if (!where.ok) return false;
  const path = join(where.realDir, where.last);
  if (path !== file.path) return false;
  const info = await lstatPath(path).catch(() => undefined);
  return info !== undefined && info.isFile() && info.ino === file.ino && info.size === file.size && info.mtimeMs === file.mtimeMs;
}

/**
 * Opens the regular file `name` (a `/`-separated name as a client sent it, already percent-decoded) inside `root`,
 * with a real path check: the real path of its folder must be inside the root's real path, and a symlink as the last
 * component is followed only when its target is inside the root too. So neither `..`, an absolute name, a sibling
 * folder sharing the root's prefix nor a symlink pointing out of the root reaches anything else. Directories, FIFOs
 * and devices are never served (no listing): they resolve as `not-found`.
 */
export async function openServedFile(root: string, name: string): Promise<OpenResult> {
  const where = await servedPathOf(root, name);
  if (!where.ok) return where;
  const { realRoot, realDir, last } = where;
  let path = join(realDir, last);
  // A name that is not there (a new phone's file, never written: the usual miss) is told by one lstat in this thread,
  // without an error made: the open on the thread pool costs the event loop several times that (its hop, its error,
  // its rejection). A name in a folder held in the kernel's caches is a lookup of microseconds.
  if (!lstatExists(path)) return { ok: false, reason: 'not-found' };
  let fd: number;
  try {
    fd = await openNoFollow(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') return { ok: false, reason: 'not-found' };
    try {
      path = await realpathOf(path);
    } catch {
      return { ok: false, reason: 'not-found' };
    }
    if (!inside(path, realRoot)) return { ok: false, reason: 'refused' };
    try {
      fd = await openNoFollow(path);
    } catch {
      return { ok: false, reason: 'not-found' };
    }
  }
  let info: Stats;
  try {
    info = await fstatFd(fd);
  } catch {
    await closeFd(fd).catch(() => {});
    return { ok: false, reason: 'not-found' };
  }
  if (!info.isFile()) {
    await closeFd(fd).catch(() => {});
    return { ok: false, reason: 'not-found' };
  }
  return { ok: true, file: { fd, path, size: info.size, mtime: info.mtime, mtimeMs: info.mtimeMs, ino: info.ino } };
}

/** Closes a descriptor from {@link openServedFile}, ignoring errors. */
export async function closeServedFile(fd: number): Promise<void> {
  await closeFd(fd).catch(() => {});
}
