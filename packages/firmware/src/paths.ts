/**
 * Checks on the relative paths and globs that manifests and archives name: nothing absolute, nothing climbing out
 * with `..`, nothing that is not a plain relative path.
 */
import { posix } from 'node:path';

/**
 * Tells why a relative path or glob from a manifest is unsafe, or returns `undefined` when it is a plain relative path
 * that stays inside its folder (`a/b`, `*.eff`, `dir/`).
 *
 * @example
 * ```ts
 * unsafeRelativePath('../etc/passwd'); // 'it climbs out of its folder with ".."'
 * ```
 */
export function unsafeRelativePath(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.includes('\0')) return 'it contains a NUL character';
  if (path.includes('\\')) return 'it contains a backslash; use "/" between folders';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'it is absolute; give a path relative to the node folder';
  const norm = posix.normalize(path);
  if (norm === '..' || norm.startsWith('../')) return 'it climbs out of its folder with ".."';
  return undefined;
}

/**
 * Tells why a cache file name is unsafe (not a single plain name), or returns `undefined` when it is fine.
 *
 * @example
 * ```ts
 * unsafeFileName('firmware.tar.gz'); // undefined
 * ```
 */
export function unsafeFileName(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'it is not a file name';
  if (name.includes('/') || name.includes('\\')) return 'it contains a folder separator; give a plain file name';
  if (name.startsWith('.')) return 'it starts with "."; such names are reserved for temporary files';
  if (name.includes('\0')) return 'it contains a NUL character';
  return undefined;
}
