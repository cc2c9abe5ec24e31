/**
 * Pattern matching for install steps, without following links: `glob` semantics for step inputs (`*` stays inside one
 * folder, hidden names need an explicit dot) and `fnmatch` semantics for `include`/`exclude` (`*` also matches `/`).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

function translate(pattern: string, starMatchesSlash: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += starMatchesSlash ? '.*' : '[^/]*';
    else if (c === '?') re += starMatchesSlash ? '.' : '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\').replace(/\^/g, '\\^')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Tells whether `path` matches a shell-style pattern where `*` also matches `/` (Python `fnmatch`).
 *
 * @example
 * ```ts
 * fnmatch('lang/fr.txt', '*.txt'); // true
 * ```
 */
export function fnmatch(path: string, pattern: string): boolean {
  return translate(pattern, true).test(path);
}

const MAGIC = /[*?[]/;

/**
 * Lists the entries under `root` matching a relative glob pattern, as sorted `/`-separated relative paths. `*` does not
 * cross folders; names starting with `.` match only a pattern segment starting with `.`. Links are never followed.
 *
 * @example
 * ```ts
 * await globRelative(dir, '*\/*.eff'); // ['firmware_2_8_1/2_8_1_D40_firmware.eff', ...]
 * ```
 */
export async function globRelative(root: string, pattern: string): Promise<string[]> {
  const segments = posix.normalize(pattern).split('/').filter((s) => s !== '' && s !== '.');
  let current: string[] = [''];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const base of current) {
      const dir = join(root, base);
      if (!MAGIC.test(segment)) {
        const st = await lstat(join(dir, segment)).catch(() => undefined);
        if (st && (last || st.isDirectory())) next.push(base ? `${base}/${segment}` : segment);
        continue;
      }
      const re = translate(segment, false);
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name.startsWith('.') && !segment.startsWith('.')) continue;
        if (!re.test(e.name)) continue;
        if (!last && !e.isDirectory()) continue;
        next.push(base ? `${base}/${e.name}` : e.name);
      }
    }
    current = next;
  }
  if (segments.length === 0) return [];
  return [...new Set(current)].sort();
}
