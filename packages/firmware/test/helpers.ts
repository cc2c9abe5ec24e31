import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { makeTar, makeTarGz, makeZip, compressWith, type TarItem } from '../src/archive/test-archives';

export const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

export const MODELS = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];

/** The files of a Digium-shaped firmware package: one folder of `*.eff` files plus a release note. */
export function digiumItems(): TarItem[] {
  return [
    { name: 'firmware_2_8_1_package/', type: 'directory' },
    ...MODELS.map((m) => ({ name: `firmware_2_8_1_package/2_8_1_${m}_firmware.eff`, content: `${m} firmware `.repeat(200) })),
    { name: 'firmware_2_8_1_package/release-notes.txt', content: 'notes' },
  ];
}

export async function digiumArchive(kind: 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip'): Promise<Buffer> {
  if (kind === 'tar.gz') return makeTarGz(digiumItems());
  if (kind === 'tar.bz2') return compressWith('bzip2', await makeTar(digiumItems()));
  if (kind === 'tar.xz') return compressWith('xz', await makeTar(digiumItems()));
  return makeZip(digiumItems().map((i) => (i.type === 'directory' ? { name: i.name, directory: true } : { name: i.name, content: i.content })));
}

export function digiumPkgsDb(opts: { url: string; body: Buffer; size?: number; sha1?: string; unpack?: 'untar' | 'unzip'; filename?: string; version?: string }): string {
  return `[pkg_firmware]
description: Firmware for all Digium phones (except D80)
description_fr: Micrologiciel pour tous les téléphones Digium (excepté D80)
version: ${opts.version ?? '2.8.1'}
files: firmware
install: digium-fw

[install_digium-fw]
a-b: ${opts.unpack ?? 'untar'} $FILE1
b-c: cp */*.eff Digium/firmware/

[file_firmware]
url: ${opts.url}
${opts.filename ? `filename: ${opts.filename}\n` : ''}size: ${opts.size ?? opts.body.length}
sha1sum: ${opts.sha1 ?? sha1(opts.body)}
`;
}

export async function pluginDir(pkgsDb: string): Promise<TestDir> {
  const dir = await testdir({ 'pkgs/pkgs.db': pkgsDb, 'var/tftpboot/Digium/000fd3054848.cfg': 'config' });
  for (const d of ['var/cache', 'var/installed', 'var/templates']) await mkdir(dir.join(d), { recursive: true });
  return dir;
}

/** Every path under `dir` (folders with a trailing `/`), with the SHA-1 of each file. */
export async function snapshot(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const names = await readdir(join(dir, prefix)).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = await lstat(join(dir, rel));
    if (st.isDirectory()) out.push(`${rel}/`, ...(await snapshot(dir, rel)));
    else out.push(`${rel} ${sha1(await readFile(join(dir, rel)))}`);
  }
  return out;
}
