import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Where following a path inside a folder, links included, ends up. */
export type LinkResolution = 'inside' | 'outside' | 'loop';

const MAX_HOPS = 40;

/**
 * Follows `relPath` component by component inside `root`, reading every symbolic link on the way (without ever
 * leaving `root` on disk), and tells whether it stays inside, climbs out, or loops. Missing components are taken as
 * plain names, as the operating system would fail there rather than escape.
 */
export async function resolveInside(root: string, relPath: string): Promise<LinkResolution> {
  const stack: string[] = [];
  const pending = relPath.split('/').reverse();
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return 'outside';
      stack.pop();
      continue;
    }
    stack.push(part);
    const at = join(root, ...stack);
    const stats = await lstat(at).catch(() => undefined);
    if (!stats?.isSymbolicLink()) continue;
    if (++hops > MAX_HOPS) return 'loop';
    const target = await readlink(at);
    if (target.startsWith('/')) return 'outside';
    stack.pop();
    pending.push(...target.split('/').reverse());
  }
  return 'inside';
}
