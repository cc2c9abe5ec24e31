import { createHash } from 'node:crypto';
import { cp, lstat, readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { testdir, type TestDir } from '@provd/test-utils';

/** The fixture folders of these tests. */
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A copy of a fixture repository in a fresh temporary folder, as `<tmp>/repo`; outputs go beside it. */
export async function copyFixture(name: string): Promise<{ dir: TestDir; root: string }> {
  const dir = await testdir();
  const root = dir.join('repo');
  await cp(join(fixturesDir, name), root, { recursive: true });
  return { dir, root };
}

/** Every path under `dir` (folders with a trailing `/`) with a digest of file contents and mode. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const name of (await readdir(abs)).sort()) {
      const childAbs = join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(childAbs);
      if (info.isDirectory()) {
        out[`${childRel}/`] = 'dir';
        await walk(childAbs, childRel);
      } else {
        out[childRel] = `${(info.mode & 0o777).toString(8)} ${createHash('sha256').update(await readFile(childAbs)).digest('hex')}`;
      }
    }
  };
  await walk(dir, '');
  return out;
}

/** One entry of a tarball as read back. */
export interface ReadEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  data: Buffer;
}

/** Reads every entry of a `.tar.gz`, in archive order. */
export async function readTarGz(file: string): Promise<ReadEntry[]> {
  const entries: ReadEntry[] = [];
  const tar = extract();
  tar.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      entries.push({
        name: h.name,
        type: String(h.type),
        mode: h.mode ?? 0,
        uid: h.uid ?? -1,
        gid: h.gid ?? -1,
        uname: h.uname ?? '',
        gname: h.gname ?? '',
        mtime: h.mtime?.getTime() ?? -1,
        data: Buffer.concat(chunks),
      });
      next();
    });
  });
  await pipeline(Readable.from([await readFile(file)]), createGunzip(), tar);
  return entries;
}
