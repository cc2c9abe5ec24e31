import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createError } from './errors';

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Writes `files` (relative path → contents) as the new folder `dir`, all or nothing: everything goes into a
 * temporary folder beside it, renamed to `dir` at the end. `dir` must not exist, or be an empty folder
 * (`PROVD_CREATE_TARGET_NOT_EMPTY` otherwise); any failure leaves nothing behind (`PROVD_CREATE_WRITE_FAILED`).
 */
export async function writeFamily(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  const existing = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') return ['(a file)'];
    throw createError('PROVD_CREATE_WRITE_FAILED', { dir, reason: reasonOf(err) }, { cause: err });
  });
  if (existing !== undefined && existing.length > 0) throw createError('PROVD_CREATE_TARGET_NOT_EMPTY', { dir });
  const temp = join(dirname(dir), `.${basename(dir)}.create-${process.pid}-${Date.now()}`);
  try {
    await mkdir(dirname(dir), { recursive: true });
    await mkdir(temp);
    for (const [rel, contents] of Object.entries(files)) {
      const target = join(temp, rel);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, contents);
    }
    if (existing !== undefined) await rmdir(dir);
    await rename(temp, dir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw createError('PROVD_CREATE_WRITE_FAILED', { dir, reason: reasonOf(err) }, { cause: err });
  }
}
