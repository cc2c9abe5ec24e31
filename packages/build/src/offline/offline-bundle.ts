import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

import { tempNameIn } from '../fs/temp-name';
import { SIGNATURE_FILE } from '../sign/sign-index';
import { FIXED_MTIME } from '../tarball/deterministic-tar';
import { buildError } from '../errors';

/** The name of the checksum list inside an offline bundle (the `sha256sum -c` format). */
export const CHECKSUM_FILE = 'SHA256SUMS';

/**
 * Lists the files of a repository folder that an offline bundle carries: `plugins.db`, its signature if present,
 * every tarball it indexes and the `dhcp/` files, as sorted `/`-separated relative paths. Throws
 * `PROVD_BUILD_REPO_UNREADABLE` when `plugins.db` is missing or not JSON.
 */
export async function bundledRepoFiles(repoDir: string): Promise<string[]> {
  let db: Record<string, { filename?: unknown }>;
  try {
    db = JSON.parse(await readFile(join(repoDir, 'plugins.db'), 'utf8')) as Record<string, { filename?: unknown }>;
  } catch (err) {
    throw buildError('PROVD_BUILD_REPO_UNREADABLE', { dir: repoDir, reason: `plugins.db: ${(err as Error).message}` }, { cause: err });
  }
  const files = new Set<string>(['plugins.db']);
  const top = await readdir(repoDir);
  if (top.includes(SIGNATURE_FILE)) files.add(SIGNATURE_FILE);
  for (const entry of Object.values(db)) if (typeof entry.filename === 'string') files.add(entry.filename);
  for (const name of await readdir(join(repoDir, 'dhcp')).catch(() => [] as string[])) {
    if (!name.startsWith('.')) files.add(`dhcp/${name}`);
  }
  return [...files].sort();
}

/**
 * Writes a `.zip` for servers without access to a repository: `plugins.db` (and its signature), the tarballs it
 * indexes, the DHCP files and `SHA256SUMS`, at the top of the zip so that it unpacks into a usable repository folder.
 * Entries are sorted with fixed times and modes, so the same repository gives the same bytes.
 *
 * @example
 * ```ts
 * await writeOfflineBundle('dist/repo', 'dist/provd-plugins.zip');
 * ```
 */
export async function writeOfflineBundle(repoDir: string, zipFile: string): Promise<string[]> {
  const names = await bundledRepoFiles(repoDir);
  const zip = new ZipFile();
  const sums: string[] = [];
  for (const name of names) {
    const data = await readFile(join(repoDir, name));
    sums.push(`${createHash('sha256').update(data).digest('hex')}  ${name}\n`);
    zip.addBuffer(data, name, { mtime: FIXED_MTIME, mode: 0o100644, compress: !name.endsWith('.gz'), forceDosTimestamp: true });
  }
  zip.addBuffer(Buffer.from(sums.join('')), CHECKSUM_FILE, { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true });
  zip.end();
  const temp = tempNameIn(dirname(zipFile), 'bundle');
  try {
    await pipeline(zip.outputStream, createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, zipFile);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return [...names, CHECKSUM_FILE];
}
