import { posix } from 'node:path';

/** The outcome of checking an archive entry name: its safe relative path, or why it is refused. */
export type EntryPathCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Turns an archive entry name into a safe relative path: `/`-separated, no empty, `.` or `..` components, no leading
 * `/`, drive letter or backslash, no NUL. `strip` drops that many leading components first. The archive root itself
 * (`./`) comes out as the empty path.
 */
export function checkEntryPath(name: string, strip = 0): EntryPathCheck {
  if (name.includes('\0')) return { ok: false, reason: 'its name holds a NUL character' };
  if (name.includes('\\')) return { ok: false, reason: 'its name holds a backslash' };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return { ok: false, reason: 'it has an absolute path' };
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { ok: false, reason: 'its path climbs out with ".."' };
  return { ok: true, path: parts.slice(strip).join('/') };
}

/**
 * Tells whether a symbolic link stored at `entryPath` with the relative target `target` stays inside the extraction
 * folder, judging by the names alone (links through other links are checked once all of them are on disk).
 */
export function linkTargetInside(entryPath: string, target: string): boolean {
  if (target === '' || target.includes('\0') || target.startsWith('/') || /^[A-Za-z]:/.test(target)) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(entryPath), target));
  return resolved !== '..' && !resolved.startsWith('../') && !posix.isAbsolute(resolved);
}
