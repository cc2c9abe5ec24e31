import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { isProvdError } from '@provd/sdk';
import { FirmwareService } from '../src/index';
import { commitInstall } from '../src/commit';
import { InstalledStore, recordFor } from '../src/installed-db';
import { makeTarGz } from '../src/archive/test-archives';
import { sha1, snapshot } from './helpers';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

/** A plugin whose packages come from hand-placed archives (no network needed). */
async function plugin(archives: Record<string, Buffer>, packages: Record<string, { version: string; archive: string; dest?: string }>): Promise<FirmwareService> {
  const files: Record<string, Buffer> = {};
  for (const [name, body] of Object.entries(archives)) files[`var/cache/${name}`] = body;
  let db = '';
  for (const [id, p] of Object.entries(packages)) {
    const body = archives[p.archive]!;
    db += `[pkg_${id}]\ndescription: ${id}\nversion: ${p.version}\nfiles: f_${id}\ninstall: g_${id}\n\n[install_g_${id}]\na-b: untar $FILE1\nb-c: cp */* ${p.dest ?? 'fw/'}\n\n[file_f_${id}]\nurl:\nfilename: ${p.archive}\nsize: ${body.length}\nsha1sum: ${sha1(body)}\n\n`;
  }
  dir = await testdir({ ...files, 'pkgs/pkgs.db': db, 'var/tftpboot/keep.cfg': 'mine' });
  await mkdir(dir.join('var/installed'));
  return new FirmwareService({ pluginDir: dir.path });
}

const tgz = (files: Record<string, string>) => makeTarGz(Object.entries(files).map(([name, content]) => ({ name: `top/${name}`, content })));

describe('install, upgrade and uninstall bookkeeping', () => {
  it('uninstall removes exactly the package files, keeping files and folders another package uses', async () => {
    const service = await plugin(
      { 'a.tgz': await tgz({ 'one.bin': '1', 'shared.bin': 's' }), 'b.tgz': await tgz({ 'two.bin': '2', 'shared.bin': 's' }) },
      { a: { version: '1', archive: 'a.tgz' }, b: { version: '1', archive: 'b.tgz' } },
    );
    await service.install('a');
    await service.install('b');
    expect(await readdir(dir!.join('var/tftpboot/fw'))).toEqual(['one.bin', 'shared.bin', 'two.bin']);
    expect(await service.uninstall('a')).toEqual(['fw/one.bin']);
    expect(await readdir(dir!.join('var/tftpboot/fw'))).toEqual(['shared.bin', 'two.bin']);
    await service.uninstall('b');
    expect(await snapshot(dir!.join('var/tftpboot'))).toEqual([`keep.cfg ${sha1('mine')}`]);
    expect(await readdir(dir!.join('var/installed'))).toEqual([]);
    const err = await service.uninstall('b').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_NOT_INSTALLED')).toBe(true);
  });

  it('upgrade installs the new version and removes what only the old one owned', async () => {
    const v1 = await tgz({ 'old.bin': 'o', 'same.bin': 'v1' });
    const v2 = await tgz({ 'same.bin': 'v2', 'new.bin': 'n' });
    const service = await plugin({ 'v1.tgz': v1 }, { fw: { version: '1.0', archive: 'v1.tgz' } });
    await service.install('fw');
    await writeFile(dir!.join('var/cache/v2.tgz'), v2);
    await writeFile(
      dir!.join('pkgs/pkgs.db'),
      `[pkg_fw]\ndescription: fw\nversion: 2.0\nfiles: f\ninstall: g\n\n[install_g]\na-b: untar $FILE1\nb-c: cp */* fw/\n\n[file_f]\nurl:\nfilename: v2.tgz\nsize: ${v2.length}\nsha1sum: ${sha1(v2)}\n`,
    );
    const upgraded = new FirmwareService({ pluginDir: dir!.path });
    const record = await upgraded.upgrade('fw');
    expect(record.version).toBe('2.0');
    expect(record.files).toEqual(['fw/', 'fw/new.bin', 'fw/same.bin']);
    expect(await readdir(dir!.join('var/tftpboot/fw'))).toEqual(['new.bin', 'same.bin']);
    expect(await readFile(dir!.join('var/tftpboot/fw/same.bin'), 'utf8')).toBe('v2');
  });

  it('refuses to overwrite a file no package owns, changing nothing', async () => {
    const service = await plugin({ 'a.tgz': await tgz({ 'keep.cfg': 'theirs' }) }, { a: { version: '1', archive: 'a.tgz', dest: './' } });
    const before = await snapshot(dir!.join('var/tftpboot'));
    const err = await service.install('a').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_FILE_CONFLICT')).toBe(true);
    expect(await snapshot(dir!.join('var/tftpboot'))).toEqual(before);
    expect(await readdir(dir!.join('var/installed'))).toEqual([]);
  });

  it('refuses two concurrent operations on one package', async () => {
    const service = await plugin({ 'a.tgz': await tgz({ 'x.bin': 'x' }) }, { a: { version: '1', archive: 'a.tgz' } });
    const first = service.install('a');
    const err = await service.install('a').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_BUSY')).toBe(true);
    await first;
  });

  it('a failure in the middle of the commit puts tftpboot and the records back exactly as before', async () => {
    const service = await plugin({ 'v1.tgz': await tgz({ 'a.bin': '1', 'b.bin': '1', 'c.bin': '1' }) }, { fw: { version: '1', archive: 'v1.tgz' } });
    await service.install('fw');
    const root = dir!.join('var/tftpboot');
    const before = await snapshot(root);
    const recordBefore = await readFile(dir!.join('var/installed/fw'), 'utf8');
    const result = await mkdtemp(join(dir!.path, 'result-'));
    await mkdir(join(result, 'fw'));
    await mkdir(join(result, 'extra'));
    for (const f of ['fw/a.bin', 'fw/b.bin', 'fw/d.bin', 'extra/e.bin']) await writeFile(join(result, f), '2');
    const store = new InstalledStore(dir!.join('var/installed'));
    let renames = 0;
    const err = await commitInstall({
      pkg: 'fw',
      result,
      root,
      backup: await mkdtemp(join(dir!.path, 'backup-')),
      store,
      record: (files) => recordFor({ id: 'fw', description: 'fw', descriptions: {}, version: '2', files: [], depends: [], extra: {}, source: { file: 'x' } }, files),
      installed: await store.readAll(),
      beforeRename: () => {
        if (++renames === 3) throw new Error('disk full');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk full');
    expect(await snapshot(root)).toEqual(before);
    expect(await readFile(dir!.join('var/installed/fw'), 'utf8')).toBe(recordBefore);
  });
});
