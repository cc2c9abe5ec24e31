import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: a temporary name in the same folder, fsync, then rename over the target; the temporary
 * file is removed if anything fails.
 *
 * @example
 * ```ts
 * await writeFileAtomic('dist/repo/plugins.db', '{}\n');
 * ```
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** A temporary file or folder name in `dir`, starting with a dot so that indexing skips it. */
export function tempNameIn(dir: string, label: string): string {
  return join(dir, `.${label}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}
