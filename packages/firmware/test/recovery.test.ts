import { spawn, spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { isProvdError } from '@provd/sdk';
import { FirmwareService } from '../src/index';
import { commitInstall } from '../src/commit';
import { COMMIT_JOURNAL_NAME } from '../src/commit-journal';
import { InstalledStore, recordFor } from '../src/installed-db';
import { acquirePluginLock } from '../src/plugin-lock';
import { makeTarGz } from '../src/archive/test-archives';
import { sha1, snapshot } from './helpers';

const dirs: TestDir[] = [];
let server: Server | undefined;
afterEach(async () => {
  for (const d of dirs.splice(0)) await d.cleanup();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const tgz = (files: Record<string, string>) => makeTarGz(Object.entries(files).map(([name, content]) => ({ name: `top/${name}`, content })));
const pkgsDb = (id: string, version: string, archive: string, body: Buffer, url = '') =>
  `[pkg_${id}]\ndescription: ${id}\nversion: ${version}\nfiles: f_${id}\ninstall: g_${id}\n\n[install_g_${id}]\na-b: untar $FILE1\nb-c: cp */* fw/\n\n[file_f_${id}]\nurl: ${url}\nfilename: ${archive}\nsize: ${body.length}\nsha1sum: ${sha1(body)}\n\n`;

async function newDir(files: Record<string, string | Buffer>): Promise<TestDir> {
  const d = await testdir(files);
  dirs.push(d);
  await mkdir(d.join('var/installed'), { recursive: true });
  return d;
}

/** What recovery must restore: the tftpboot tree and the records, byte for byte. */
async function state(d: TestDir): Promise<{ tftpboot: string[]; installed: string[] }> {
  return { tftpboot: await snapshot(d.join('var/tftpboot')), installed: await snapshot(d.join('var/installed')) };
}

/**
 * Runs a commit of version 2 of package `fw` (as the service does: staging and backups in `var/.install-*`) and, at
 * the chosen moment, copies the whole plugin folder: the copy is the disk as a process killed at that moment leaves it.
 */
async function crashedCopy(d: TestDir, crashAt: { rename: number } | 'after-record'): Promise<TestDir> {
  const copy = await testdir({});
  dirs.push(copy);
  const freeze = (): void => cpSync(d.path, copy.path, { recursive: true });
  const staging = await mkdtemp(d.join('var/.install-fw-'));
  const result = join(staging, 'result');
  await mkdir(join(result, 'fw'), { recursive: true });
  await mkdir(join(result, 'extra'));
  for (const f of ['fw/a.bin', 'fw/d.bin', 'extra/e.bin']) await writeFile(join(result, f), '2');
  const store = new InstalledStore(d.join('var/installed'));
  let renames = 0;
  const err = await commitInstall({
    pkg: 'fw',
    result,
    root: d.join('var/tftpboot'),
    backup: await mkdtemp(join(staging, 'backup-')),
    store,
    record: (files) => recordFor({ id: 'fw', description: 'fw', descriptions: {}, version: '2', files: [], depends: [], extra: {}, source: { file: 'x' } }, files),
    installed: await store.readAll(),
    beforeRename: () => {
      if (crashAt !== 'after-record' && ++renames === crashAt.rename) {
        freeze();
        throw new Error('killed');
      }
    },
    afterRecord: () => {
      if (crashAt === 'after-record') {
        freeze();
        throw new Error('killed');
      }
    },
  }).catch((e: unknown) => e);
  expect((err as Error).message).toBe('killed');
  return copy;
}

describe('recovery from a process killed in the middle of a commit', () => {
  async function installedV1(): Promise<TestDir> {
    const v1 = await tgz({ 'a.bin': '1', 'b.bin': '1', 'c.bin': '1' });
    const d = await newDir({ 'var/cache/v1.tgz': v1, 'pkgs/pkgs.db': pkgsDb('fw', '1', 'v1.tgz', v1), 'var/tftpboot/keep.cfg': 'mine' });
    await new FirmwareService({ pluginDir: d.path }).install('fw');
    return d;
  }

  for (const crashAt of [{ rename: 1 }, { rename: 3 }, 'after-record'] as const) {
    it(`an upgrade killed ${crashAt === 'after-record' ? 'after writing the record' : `at rename ${crashAt.rename}`} is undone by the next service`, async () => {
      const d = await installedV1();
      const before = await state(d);
      const crashed = await crashedCopy(d, crashAt);
      // The copy really is half-done: a journal and a staging folder are left.
      expect(await readdir(crashed.join('var/installed'))).toContain(COMMIT_JOURNAL_NAME);
      expect((await readdir(crashed.join('var'))).some((n) => n.startsWith('.install-'))).toBe(true);
      expect(await state(crashed)).not.toEqual(before);

      const service = new FirmwareService({ pluginDir: crashed.path });
      expect(await service.installed()).toEqual({ fw: { version: '1', description: 'fw', files: 3 } });
      expect(await state(crashed)).toEqual(before);
      expect((await readdir(crashed.join('var'))).sort()).toEqual(['cache', 'installed', 'tftpboot']);
      // Then it proceeds normally.
      await service.uninstall('fw');
      expect(await snapshot(crashed.join('var/tftpboot'))).toEqual([`keep.cfg ${sha1('mine')}`]);
    });
  }

  it('a first install killed mid-way leaves no record, no placed file and no created folder', async () => {
    const d = await newDir({ 'var/tftpboot/keep.cfg': 'mine', 'pkgs/pkgs.db': '' });
    await mkdir(d.join('var/tftpboot/fw'));
    await writeFile(d.join('var/tftpboot/fw/d.bin.txt'), 'not owned');
    const before = await state(d);
    const crashed = await crashedCopy(d, { rename: 3 });
    const service = new FirmwareService({ pluginDir: crashed.path });
    await service.uninstall('fw').catch((e: unknown) => expect(isProvdError(e, 'PROVD_FETCHFW_NOT_INSTALLED')).toBe(true));
    expect(await state(crashed)).toEqual(before);
    expect((await readdir(crashed.join('var'))).sort()).toEqual(['installed', 'tftpboot']);
  });

  it('an install after recovery works, and a completed commit leaves no journal', async () => {
    const d = await installedV1();
    const crashed = await crashedCopy(d, { rename: 2 });
    const service = new FirmwareService({ pluginDir: crashed.path });
    const record = await service.install('fw');
    expect(record.files).toEqual(['fw/', 'fw/a.bin', 'fw/b.bin', 'fw/c.bin']);
    expect(await readdir(crashed.join('var/installed'))).toEqual(['fw']);
    expect((await readdir(crashed.join('var'))).sort()).toEqual(['cache', 'installed', 'tftpboot']);
  });
});

/** A server whose single file is answered only once `release()` is called; `requested` settles at the request. */
async function heldServer(body: Buffer): Promise<{ url: string; requested: Promise<void>; release: () => void }> {
  let requested!: () => void;
  let release!: () => void;
  const requestedP = new Promise<void>((r) => (requested = r));
  const released = new Promise<void>((r) => (release = r));
  server = createServer((_req, res) => {
    requested();
    void released.then(() => res.writeHead(200, { 'content-length': body.length }).end(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.tgz`, requested: requestedP, release };
}

describe('the plugin lock between services and processes', () => {
  it('two services on one plugin folder: the second fails at once naming the plugin and pid, or waits its turn', async () => {
    const a = await tgz({ 'a.bin': 'a' });
    const b = await tgz({ 'b.bin': 'b' });
    const held = await heldServer(a);
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('a', '1', 'a.tgz', a, held.url) + pkgsDb('b', '1', 'b.tgz', b), 'var/tftpboot/keep.cfg': 'mine' });
    const first = new FirmwareService({ pluginDir: d.path, pluginId: 'acme-1.0' }).install('a');
    await held.requested; // the first service is inside its operation, holding the lock

    const impatient = new FirmwareService({ pluginDir: d.path, pluginId: 'acme-1.0', lockWaitMs: 0 });
    const err = await impatient.install('b').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_LOCKED')).toBe(true);
    expect((err as Error).message).toContain('plugin "acme-1.0" is locked by process ' + String(process.pid));
    expect(await impatient.installed()).toEqual({}); // reading needs no lock

    const patient = new FirmwareService({ pluginDir: d.path, pluginId: 'acme-1.0' }).install('b');
    held.release();
    await first;
    await patient;
    expect(await new FirmwareService({ pluginDir: d.path }).installed()).toEqual({
      a: { version: '1', description: 'a', files: 1 },
      b: { version: '1', description: 'b', files: 1 },
    });
    expect(await readdir(d.join('var/installed'))).toEqual(['a', 'b']);
  });

  it('a lock held elsewhere in this process is respected; a lock of a dead process is taken over', async () => {
    const b = await tgz({ 'b.bin': 'b' });
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('b', '1', 'b.tgz', b) });
    const lock = await acquirePluginLock({ dir: d.join('var/installed'), plugin: 'acme-1.0', waitMs: 0 });
    const service = new FirmwareService({ pluginDir: d.path, pluginId: 'acme-1.0', lockWaitMs: 0 });
    expect(isProvdError(await service.install('b').catch((e: unknown) => e), 'PROVD_FETCHFW_LOCKED')).toBe(true);
    await lock.release();

    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(d.join('var/installed/.lock'), JSON.stringify({ pid: dead, since: '2026-01-01T00:00:00.000Z', token: 'old' }));
    await service.install('b');
    expect(await readdir(d.join('var/installed'))).toEqual(['b']);
  });

  it('a lock naming a pid that a process started since has (pids are reused) is taken over, one of that process is not', async () => {
    const b = await tgz({ 'b.bin': 'b' });
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('b', '1', 'b.tgz', b) });
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await sleep(1500);
      const lockFile = d.join('var/installed/.lock');
      // taken now, after that process started: it may be its lock
      await writeFile(lockFile, JSON.stringify({ pid: child.pid, since: new Date().toISOString(), token: 'live' }));
      const service = new FirmwareService({ pluginDir: d.path, lockWaitMs: 0 });
      expect(isProvdError(await service.install('b').catch((e: unknown) => e), 'PROVD_FETCHFW_LOCKED')).toBe(true);
      // taken an hour ago, long before that process started: left by another process that had the pid
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(lockFile, anHourAgo, anHourAgo);
      await service.install('b');
      expect(await readdir(d.join('var/installed'))).toEqual(['b']);
    } finally {
      child.kill();
    }
  });

  it('a process waiting for the lock while the plugin folder is swapped (renamed away, then back) waits on', async () => {
    const d = await newDir({});
    await mkdir(d.join('p/var/installed'), { recursive: true });
    const held = await acquirePluginLock({ dir: d.join('p/var/installed'), plugin: 'acme-1.0', waitMs: 0 });
    const waiting = acquirePluginLock({ dir: d.join('p/var/installed'), plugin: 'acme-1.0', waitMs: 10_000, pollMs: 10 });
    await sleep(50);
    await rename(d.join('p'), d.join('aside'));
    await sleep(100);
    await rename(d.join('aside'), d.join('p'));
    await held.release();
    await (await waiting).release();
    expect(await readdir(d.join('p/var/installed'))).toEqual([]);
  });

  it('a process waiting for the lock of a plugin that is uninstalled meanwhile gets PROVD_FETCHFW_PLUGIN_GONE, and recreates nothing', async () => {
    const d = await newDir({});
    await mkdir(d.join('p/var/installed'), { recursive: true });
    const held = await acquirePluginLock({ dir: d.join('p/var/installed'), plugin: 'acme-1.0', waitMs: 0 });
    const waiting = acquirePluginLock({ dir: d.join('p/var/installed'), plugin: 'acme-1.0', waitMs: 300, pollMs: 10 }).catch((e: unknown) => e);
    await sleep(50);
    // as the host uninstalls: the folder renamed away at once, then removed (a removal in place is not atomic: the
    // waiter could make the records folder again between two of its steps)
    await rename(d.join('p'), d.join('p.trash'));
    await rm(d.join('p.trash'), { recursive: true });
    const err = await waiting;
    expect(isProvdError(err, 'PROVD_FETCHFW_PLUGIN_GONE')).toBe(true);
    expect((err as Error).message).toContain('acme-1.0');
    await held.release();
    expect(await readdir(d.path)).not.toContain('p');
    // starting after the folder went: refused at once, and the folder is not recreated
    const late = await acquirePluginLock({ dir: d.join('p/var/installed'), plugin: 'acme-1.0', waitMs: 0 }).catch((e: unknown) => e);
    expect(isProvdError(late, 'PROVD_FETCHFW_PLUGIN_GONE')).toBe(true);
    expect(await readdir(d.path)).not.toContain('p');
  });

  it('an install starting while the plugin folder is swapped (an upgrade between its two renames) waits for it and installs', async () => {
    const b = await tgz({ 'b.bin': 'b' });
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('b', '1', 'b.tgz', b) });
    const service = new FirmwareService({ pluginDir: d.path, lockWaitMs: 5_000 });
    await service.manifest();
    await rename(d.path, `${d.path}.aside`);
    const installing = service.install('b');
    await sleep(150);
    await rename(`${d.path}.aside`, d.path);
    await expect(installing).resolves.toMatchObject({ version: '1' });
    expect(await readdir(d.join('var/installed'))).toContain('b');
  });

  it('an install queued behind another of a plugin uninstalled meanwhile fails with PROVD_FETCHFW_PLUGIN_GONE and leaves no folder behind', async () => {
    const b = await tgz({ 'b.bin': 'b' });
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('b', '1', 'b.tgz', b) });
    const service = new FirmwareService({ pluginDir: d.path, lockWaitMs: 300 });
    await service.manifest();
    await rm(d.path, { recursive: true });
    await expect(service.install('b')).rejects.toSatisfy((e: unknown) => isProvdError(e, 'PROVD_FETCHFW_PLUGIN_GONE'));
    await expect(readdir(d.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a lock carried into a folder that then replaces the locked one stays held there until released', async () => {
    const d = await newDir({});
    await mkdir(d.join('old'));
    const lock = await acquirePluginLock({ dir: d.join('old/var/installed'), plugin: 'acme-1.0', waitMs: 0 });
    await lock.carryTo(d.join('new/var/installed'));
    expect(await readFile(d.join('new/var/installed/.lock'), 'utf8')).toBe(await readFile(d.join('old/var/installed/.lock'), 'utf8'));
    // the upgrade's swap: the old folder aside, the new one in its place
    await rename(d.join('old'), d.join('aside'));
    await rename(d.join('new'), d.join('old'));
    const other = await acquirePluginLock({ dir: d.join('old/var/installed'), plugin: 'acme-1.0', waitMs: 0 }).catch((e: unknown) => e);
    expect(isProvdError(other, 'PROVD_FETCHFW_LOCKED')).toBe(true);
    await lock.release();
    expect(await readdir(d.join('old/var/installed'))).toEqual([]);
    await (await acquirePluginLock({ dir: d.join('old/var/installed'), plugin: 'acme-1.0', waitMs: 0 })).release();
  });

  it('a lock naming this pid that no service here holds (left before a restart) is taken over', async () => {
    const b = await tgz({ 'b.bin': 'b' });
    const d = await newDir({ 'var/cache/b.tgz': b, 'pkgs/pkgs.db': pkgsDb('b', '1', 'b.tgz', b) });
    await writeFile(d.join('var/installed/.lock'), JSON.stringify({ pid: process.pid, since: '2026-01-01T00:00:00.000Z', token: 'old' }));
    await new FirmwareService({ pluginDir: d.path, lockWaitMs: 0 }).install('b');
    expect(await readFile(d.join('var/tftpboot/fw/b.bin'), 'utf8')).toBe('b');
    expect(await readdir(d.join('var/installed'))).toEqual(['b']);
  });
});
