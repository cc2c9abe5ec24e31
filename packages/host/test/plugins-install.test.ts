import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { acquirePluginLock, FirmwareService } from '@provd/firmware';
import { isProvdError, type ProvdErrorCode } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installPlugin, listInstalledPlugins, PluginManager, uninstallPlugin } from '../src/plugins/index';
import { readTrustedKeys } from '../src/repository/index';
import { pluginTarball, pluginTarItems, snapshot, writeRepo, type RepoPackage } from './helpers-plugins';
import { makeTar } from '../../firmware/src/archive/test-archives';
import { gzipSync } from 'node:zlib';

let dir: TestDir;
let repoDir: string;
let pluginsDir: string;
beforeEach(async () => {
  dir = await testdir({ 'outside/keep.txt': 'untouched' });
  repoDir = dir.join('repo');
  pluginsDir = dir.join('plugins');
});
afterEach(() => dir.cleanup());

const v1 = async (): Promise<RepoPackage> => ({ id: 'acme-1', tarball: await pluginTarball('acme-1'), version: '1.0.0' });

/** Installs version 1 and writes runtime state into it, as a running host would. */
async function installV1(): Promise<void> {
  await writeRepo(repoDir, [await v1()]);
  await installPlugin('acme-1', { repo: repoDir, pluginsDir });
  await writeFile(join(pluginsDir, 'acme-1', 'var', 'tftpboot', 'generated.cfg'), 'device file');
  await mkdir(join(pluginsDir, 'acme-1', 'var', 'installed'), { recursive: true });
  await writeFile(join(pluginsDir, 'acme-1', 'var', 'installed', 'fw.json'), '{}');
}

/** Asserts that installing `pkg` fails with `code` and changes nothing in the plugins folder or anywhere else. */
async function expectRefused(pkg: RepoPackage, code: ProvdErrorCode, options: { trustedKeys?: Parameters<typeof installPlugin>[1]['trustedKeys'] } = {}): Promise<void> {
  await writeRepo(repoDir, [pkg]);
  const before = await snapshot(dir.path);
  const err = await installPlugin(pkg.id, { repo: repoDir, pluginsDir, ...options }).then(() => undefined, (e: unknown) => e);
  expect(isProvdError(err) ? err.code : err).toBe(code);
  expect(await snapshot(dir.path)).toEqual(before);
}

describe('installPlugin', () => {
  it('installs a plugin from a folder repository', async () => {
    await writeRepo(repoDir, [await v1()]);
    const result = await installPlugin('acme-1', { repo: repoDir, pluginsDir });
    expect(result).toMatchObject({ id: 'acme-1', version: '1.0.0', dir: join(pluginsDir, 'acme-1') });
    expect(result.previousVersion).toBeUndefined();
    const files = Object.keys(await snapshot(pluginsDir)).sort();
    expect(files).toEqual([
      'acme-1',
      'acme-1/entry.js',
      'acme-1/plugin-info',
      'acme-1/templates',
      'acme-1/templates/base.tpl',
      'acme-1/var',
      'acme-1/var/cache',
      'acme-1/var/installed',
      'acme-1/var/templates',
      'acme-1/var/tftpboot',
    ]);
    expect((await listInstalledPlugins(pluginsDir)).plugins['acme-1']?.version).toBe('1.0.0');
  });

  it('installs from an http repository', async () => {
    await writeRepo(repoDir, [await v1()]);
    const server: Server = createServer((req, res) => {
      readFile(join(repoDir, decodeURIComponent((req.url ?? '/').slice('/provd/'.length)))).then(
        (body) => res.end(body),
        () => {
          res.statusCode = 404;
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/provd`;
      expect((await installPlugin('acme-1', { repo: url, pluginsDir })).version).toBe('1.0.0');
      const missing = await installPlugin('nope', { repo: url, pluginsDir }).catch((e: unknown) => e);
      expect(isProvdError(missing, 'PROVD_PLUGIN_NOT_IN_REPO')).toBe(true);
      const gone = await installPlugin('acme-1', { repo: `${url}/sub`, pluginsDir }).catch((e: unknown) => e);
      expect(isProvdError(gone, 'PROVD_REPO_UNREACHABLE')).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('upgrades by swapping the folder, keeping the runtime state', async () => {
    await installV1();
    const v2 = await pluginTarball('acme-1', { info: { version: '2.0.0' }, files: { 'templates/base.tpl': 'v2 {{ ip }}\n' } });
    await writeRepo(repoDir, [{ id: 'acme-1', tarball: v2, version: '2.0.0' }]);
    const result = await installPlugin('acme-1', { repo: repoDir, pluginsDir });
    expect(result).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0' });
    const dirOf = (...p: string[]) => join(pluginsDir, 'acme-1', ...p);
    expect(await readFile(dirOf('templates', 'base.tpl'), 'utf8')).toBe('v2 {{ ip }}\n');
    expect(await readFile(dirOf('var', 'tftpboot', 'generated.cfg'), 'utf8')).toBe('device file');
    expect(await readFile(dirOf('var', 'installed', 'fw.json'), 'utf8')).toBe('{}');
    expect(Object.keys(await snapshot(pluginsDir)).filter((p) => !p.startsWith('acme-1'))).toEqual([]);
  });

  it('upgrades holding the firmware lock: refused while a firmware operation holds it, nothing moved', async () => {
    await installV1();
    // What a firmware install or removal of the plugin holds while it writes var/installed and var/tftpboot.
    const lock = await acquirePluginLock({ dir: join(pluginsDir, 'acme-1', 'var', 'installed'), plugin: 'acme-1', waitMs: 0 });
    try {
      await writeRepo(repoDir, [{ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version: '2.0.0' } }), version: '2.0.0' }]);
      const before = await snapshot(dir.path);
      const err = await installPlugin('acme-1', { repo: repoDir, pluginsDir, firmwareLockWaitMs: 0 }).then(() => undefined, (e: unknown) => e);
      expect(isProvdError(err) ? [err.code, err.message] : err).toEqual([
        'PROVD_FETCHFW_LOCKED',
        expect.stringMatching(new RegExp(`^plugin "acme-1" is locked by process ${process.pid} \\(since .*\\), which is installing or removing firmware`)),
      ]);
      expect(await snapshot(dir.path)).toEqual(before);
    } finally {
      await lock.release();
    }
  });

  it('runs an upgrade and a concurrent firmware install of the plugin one after the other: the record and files are kept', async () => {
    await installV1();
    const archive = gzipSync(await makeTar([{ name: 'top/b.bin', content: 'firmware b' }]));
    const pkgsDb = `[pkg_b]\ndescription: b\nversion: 1\nfiles: f_b\ninstall: g_b\n\n[install_g_b]\na-b: untar $FILE1\nb-c: cp */* fw/\n\n[file_f_b]\nurl: \nfilename: b.tgz\nsize: ${archive.length}\nsha1sum: ${createHash('sha1').update(archive).digest('hex')}\n`;
    const v2 = await pluginTarball('acme-1', { info: { version: '2.0.0' }, files: { 'pkgs/pkgs.db': pkgsDb } });
    await writeRepo(repoDir, [{ id: 'acme-1', tarball: v2, version: '2.0.0' }]);
    const pluginDir = join(pluginsDir, 'acme-1');
    await rm(join(pluginDir, 'var', 'installed', 'fw.json')); // not a real record: the installer would refuse it
    await mkdir(join(pluginDir, 'pkgs'), { recursive: true });
    await writeFile(join(pluginDir, 'pkgs', 'pkgs.db'), pkgsDb);
    await mkdir(join(pluginDir, 'var', 'cache'), { recursive: true });
    await writeFile(join(pluginDir, 'var', 'cache', 'b.tgz'), archive);
    const firmware = new FirmwareService({ pluginDir, pluginId: 'acme-1' });
    const [installed, upgraded] = await Promise.all([firmware.install('b'), installPlugin('acme-1', { repo: repoDir, pluginsDir })]);
    expect(upgraded).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0' });
    expect(installed).toBeDefined();
    // Whichever ran first, the upgraded folder holds the firmware, its record and the device file; no lock is left.
    expect(await readFile(join(pluginDir, 'var', 'tftpboot', 'fw', 'b.bin'), 'utf8')).toBe('firmware b');
    expect(await readFile(join(pluginDir, 'var', 'tftpboot', 'generated.cfg'), 'utf8')).toBe('device file');
    expect(await readdir(join(pluginDir, 'var', 'installed'))).toEqual(['b']);
    expect(await firmware.installed()).toMatchObject({ b: { version: '1' } });
    expect(Object.keys(await snapshot(pluginsDir)).filter((p) => !p.startsWith('acme-1'))).toEqual([]);
  });

  describe('refuses, leaving the previous version and everything else untouched,', () => {
    beforeEach(installV1);

    const hostile = (extra: Parameters<typeof pluginTarball>[2]) => async () => ({ id: 'acme-1', tarball: await pluginTarball('acme-1', {}, extra) });

    it.each<[string, () => Promise<RepoPackage>, ProvdErrorCode]>([
      ['a path climbing out', hostile([{ name: 'acme-1/../../outside/evil', content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH'],
      ['an absolute path', hostile([{ name: `/tmp/provd-evil-${process.pid}`, content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH'],
      ['a symlink escaping', hostile([{ name: 'acme-1/var/tftpboot/link', type: 'symlink', linkname: '../../../../outside' }]), 'PROVD_ARCHIVE_LINK_ESCAPE'],
      ['a hard link escaping', hostile([{ name: 'acme-1/h', type: 'link', linkname: '../outside/keep.txt' }]), 'PROVD_ARCHIVE_LINK_ESCAPE'],
      ['a device file', hostile([{ name: 'acme-1/dev', type: 'character-device' }]), 'PROVD_ARCHIVE_UNSUPPORTED_ENTRY'],
      ['a wrong top folder', async () => ({ id: 'acme-1', tarball: await pluginTarball('acme-2') }), 'PROVD_PLUGIN_WRONG_TOP_FOLDER'],
      ['a second top folder', hostile([{ name: 'other/file', content: 'x' }]), 'PROVD_PLUGIN_WRONG_TOP_FOLDER'],
      ['a digest mismatch', async () => ({ ...(await v1()), entry: { sha256: '00'.repeat(32) } }), 'PROVD_PLUGIN_DIGEST_MISMATCH'],
      ['a SHA-1 mismatch when there is no SHA-256', async () => ({ ...(await v1()), entry: { sha256: undefined, sha1sum: '00'.repeat(20) } }), 'PROVD_PLUGIN_DIGEST_MISMATCH'],
      ['a size mismatch', async () => ({ ...(await v1()), entry: { dsize: 10 } }), 'PROVD_PLUGIN_SIZE_MISMATCH'],
      ['no digest', async () => ({ ...(await v1()), entry: { sha256: undefined, sha1sum: undefined } }), 'PROVD_PLUGIN_NO_DIGEST'],
      ['a file name with a folder', async () => ({ ...(await v1()), entry: { filename: '../outside/keep.txt' } }), 'PROVD_PLUGIN_BAD_FILENAME'],
      [
        'a truncated gzip (with a matching digest)',
        async () => {
          const full = gzipSync(await makeTar(await pluginTarItems('acme-1', { files: { 'big.bin': 'z'.repeat(200_000) } })));
          return { id: 'acme-1', tarball: full.subarray(0, full.length - 100) };
        },
        'PROVD_ARCHIVE_CORRUPT',
      ],
      ['an SDK range the host does not match', async () => ({ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { sdk: '^7.0.0' } }) }), 'PROVD_PLUGIN_SDK_MISMATCH'],
      ['an invalid plugin-info', async () => ({ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version: 12 } }) }), 'PROVD_INVALID_PLUGIN_INFO'],
      ['a package without entry.js', async () => ({ id: 'acme-1', tarball: await pluginTarball('acme-1', { files: { 'entry.js': undefined } }) }), 'PROVD_PLUGIN_ENTRY_MISSING'],
    ])('a package with %s', async (_label, make, code) => {
      await expectRefused(await make(), code);
      expect((await listInstalledPlugins(pluginsDir)).plugins['acme-1']?.version).toBe('1.0.0');
    });

    it('an archive over the size bound', async () => {
      const pkg = { id: 'acme-1', tarball: await pluginTarball('acme-1', { files: { 'big.bin': 'z'.repeat(5000) } }) };
      await writeRepo(repoDir, [pkg]);
      const before = await snapshot(dir.path);
      const err = await installPlugin('acme-1', { repo: repoDir, pluginsDir, limits: { maxEntrySize: 4096 } }).catch((e: unknown) => e);
      expect(isProvdError(err, 'PROVD_ARCHIVE_ENTRY_TOO_LARGE')).toBe(true);
      expect(await snapshot(dir.path)).toEqual(before);
    });
  });

  it('creates no plugins folder when a first install is refused', async () => {
    await expectRefused({ ...(await v1()), entry: { sha256: 'ab'.repeat(32) } }, 'PROVD_PLUGIN_DIGEST_MISMATCH');
    const bad = { id: 'acme-1', tarball: await pluginTarball('wrong') };
    await expectRefused(bad, 'PROVD_PLUGIN_WRONG_TOP_FOLDER');
  });

  describe('with trusted keys', () => {
    const pair = () => generateKeyPairSync('ed25519');
    async function keyFile(name: string, key: ReturnType<typeof pair>['publicKey']): Promise<string> {
      const file = dir.join(name);
      await writeFile(file, key.export({ type: 'spki', format: 'pem' }));
      return file;
    }

    it('accepts an index signed by a trusted key and refuses unsigned, foreign-signed or altered ones', async () => {
      const trusted = pair();
      const other = pair();
      const keys = await readTrustedKeys([await keyFile('other.pub', other.publicKey), await keyFile('trusted.pub', trusted.publicKey)]);
      const pkg = await v1();
      await expectRefused(pkg, 'PROVD_REPO_UNSIGNED', { trustedKeys: keys });

      const index = await writeRepo(repoDir, [pkg]);
      const sigFile = join(repoDir, 'plugins.db.sig');
      const stranger = pair();
      await writeFile(sigFile, `${sign(null, index, stranger.privateKey).toString('base64')}\n`);
      let err = await installPlugin('acme-1', { repo: repoDir, pluginsDir, trustedKeys: keys }).catch((e: unknown) => e);
      expect(isProvdError(err, 'PROVD_REPO_BAD_SIGNATURE')).toBe(true);

      await writeFile(sigFile, `${sign(null, index, trusted.privateKey).toString('base64')}\n`);
      await writeFile(join(repoDir, 'plugins.db'), Buffer.concat([index, Buffer.from(' ')]));
      err = await installPlugin('acme-1', { repo: repoDir, pluginsDir, trustedKeys: keys }).catch((e: unknown) => e);
      expect(isProvdError(err, 'PROVD_REPO_BAD_SIGNATURE')).toBe(true);
      await writeFile(sigFile, 'not base64!\n');
      err = await installPlugin('acme-1', { repo: repoDir, pluginsDir, trustedKeys: keys }).catch((e: unknown) => e);
      expect(isProvdError(err, 'PROVD_REPO_BAD_SIGNATURE')).toBe(true);
      expect(await snapshot(pluginsDir)).toEqual({});

      await writeFile(join(repoDir, 'plugins.db'), index);
      await writeFile(sigFile, `${sign(null, index, trusted.privateKey).toString('base64')}\n`);
      expect((await installPlugin('acme-1', { repo: repoDir, pluginsDir, trustedKeys: keys })).version).toBe('1.0.0');
    });

    it('refuses a trusted key that is not an Ed25519 public key', async () => {
      await writeFile(dir.join('rsa.pub'), generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
      await writeFile(dir.join('junk.pub'), 'junk');
      for (const name of ['rsa.pub', 'junk.pub']) {
        const err = await readTrustedKeys([dir.join(name)]).catch((e: unknown) => e);
        expect(isProvdError(err, 'PROVD_TRUSTED_KEY_INVALID')).toBe(true);
      }
    });
  });
});

describe('uninstallPlugin and PluginManager.install', () => {
  it('removes a plugin holding its firmware lock: refused while a firmware operation holds it, nothing removed', async () => {
    await installV1();
    const lock = await acquirePluginLock({ dir: join(pluginsDir, 'acme-1', 'var', 'installed'), plugin: 'acme-1', waitMs: 0 });
    try {
      const before = await snapshot(dir.path);
      const err = await uninstallPlugin('acme-1', pluginsDir, { firmwareLockWaitMs: 0 }).then(() => undefined, (e: unknown) => e);
      expect(isProvdError(err) ? err.code : err).toBe('PROVD_FETCHFW_LOCKED');
      expect(await snapshot(dir.path)).toEqual(before);
    } finally {
      await lock.release();
    }
    await uninstallPlugin('acme-1', pluginsDir);
    expect(await readdir(pluginsDir)).toEqual([]);
  });

  it('removes an installed plugin, and refuses one that is not installed', async () => {
    await installV1();
    await uninstallPlugin('acme-1', pluginsDir);
    expect(await snapshot(pluginsDir)).toEqual({});
    const err = await uninstallPlugin('acme-1', pluginsDir).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_PLUGIN_NOT_INSTALLED')).toBe(true);
    const bad = await uninstallPlugin('../outside', pluginsDir).catch((e: unknown) => e);
    expect(isProvdError(bad, 'PROVD_HOST_INVALID_ID')).toBe(true);
  });

  it('installs, upgrades (closing the old instance) and uninstalls through the manager', async () => {
    await writeRepo(repoDir, [await v1()]);
    const manager = new PluginManager({ pluginsDir, repo: repoDir });
    expect((await manager.installable()).map((p) => [p.id, p.version, 'filename' in p])).toEqual([['acme-1', '1.0.0', false]]);
    const first = (await manager.install('acme-1')) as unknown as { closed: boolean };
    await writeRepo(repoDir, [{ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version: '2.0.0' } }), version: '2.0.0' }]);
    await manager.install('acme-1');
    expect(first.closed).toBe(true);
    expect(manager.get('acme-1')?.info.version).toBe('2.0.0');
    expect(Object.keys(await manager.installed())).toEqual(['acme-1']);
    await manager.uninstall('acme-1');
    expect(manager.loaded().size).toBe(0);
    expect(await manager.installed()).toEqual({});
  });
});
