import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestDir } from '@provd/test-utils';
import { isProvdError } from '@provd/sdk';
import { FirmwareService } from '../src/index';
import type { FirmwareProgressEvent } from '../src/index';
import { makeTarGz } from '../src/archive/test-archives';
import { digiumArchive, digiumPkgsDb, MODELS, pluginDir, sha1, snapshot } from './helpers';
import { startProxy, startServer, type Route, type TestServer } from './server';

const fast = { retries: 2, backoffMs: 10, timeoutMs: 5000 };
let server: TestServer | undefined;
let dir: TestDir | undefined;
afterEach(async () => {
  await server?.close();
  await dir?.cleanup();
  server = undefined;
  dir = undefined;
});

async function setup(routes: Record<string, Route>, db: (url: (p: string) => string) => string): Promise<FirmwareService> {
  server = await startServer(routes);
  dir = await pluginDir(db(server.url));
  return new FirmwareService({ pluginDir: dir.path, pluginId: 'digium-2.8.1', download: fast });
}

const EFF = MODELS.map((m) => `Digium/firmware/2_8_1_${m}_firmware.eff`);

async function expectNothingChanged(d: TestDir): Promise<void> {
  expect(await snapshot(d.join('var/tftpboot'))).toEqual(['Digium/', `Digium/000fd3054848.cfg ${sha1('config')}`]);
  expect(await readdir(d.join('var/installed'))).toEqual([]);
  expect(await readdir(d.join('var/cache'))).toEqual([]);
  expect((await readdir(d.join('var'))).sort()).toEqual(['cache', 'installed', 'templates', 'tftpboot']);
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isProvdError(err)) throw new Error(`expected a ProvdError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe.each(['tar.gz', 'tar.bz2', 'tar.xz', 'zip'] as const)('installing a Digium-shaped %s package from loopback', (kind) => {
  it('downloads, verifies, unpacks and copies every *.eff into Digium/firmware/, and records each file', async () => {
    const body = await digiumArchive(kind);
    const name = `/fw/firmware_2_8_1_package.${kind === 'zip' ? 'zip' : kind}`;
    const service = await setup({ [name]: { body } }, (url) => digiumPkgsDb({ url: url(name), body, unpack: kind === 'zip' ? 'unzip' : 'untar' }));
    const events: FirmwareProgressEvent[] = [];
    const record = await service.install('firmware', { onProgress: (e) => events.push(e) });
    const d = dir!;
    const tree = await snapshot(d.join('var/tftpboot'));
    expect(tree.filter((l) => l.endsWith('/'))).toEqual(['Digium/', 'Digium/firmware/']);
    expect(tree.filter((l) => !l.endsWith('/')).map((l) => l.split(' ')[0])).toEqual(['Digium/000fd3054848.cfg', ...EFF]);
    expect(await readFile(d.join('var/tftpboot/Digium/firmware/2_8_1_D40_firmware.eff'), 'utf8')).toBe('D40 firmware '.repeat(200));
    expect(record.files).toEqual(['Digium/firmware/', ...EFF]);
    expect(JSON.parse(await readFile(d.join('var/installed/firmware'), 'utf8'))).toEqual({
      id: 'firmware',
      description: 'Firmware for all Digium phones (except D80)',
      description_fr: 'Micrologiciel pour tous les téléphones Digium (excepté D80)',
      version: '2.8.1',
      depends: [],
      explicit_install: true,
      files: ['Digium/firmware/', ...EFF],
    });
    expect(await readdir(d.join('var/cache'))).toEqual([name.slice(4)]);
    expect((await readdir(d.join('var'))).sort()).toEqual(['cache', 'installed', 'templates', 'tftpboot']);
    expect(events.at(-1)).toEqual({ type: 'done', pkg: 'firmware', files: 7 });
    expect(events.filter((e) => e.type === 'download').at(-1)).toMatchObject({ received: body.length, total: body.length });
    expect(await service.installed()).toEqual({ firmware: { version: '2.8.1', description: 'Firmware for all Digium phones (except D80)', files: 7 } });
  });
});

describe('download failures leave the cache, tftpboot and records as they were', () => {
  it('refuses a file whose SHA-1 differs', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { body } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body, sha1: 'a'.repeat(40) }));
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_DIGEST_MISMATCH');
    expect(err.message).toContain(`SHA-1 ${sha1(body)}, the manifest expects ${'a'.repeat(40)}`);
    await expectNothingChanged(dir!);
  });

  it('refuses a file whose announced size differs', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { body } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body, size: body.length - 1 }));
    expect((await failure(service.install('firmware'))).code).toBe('PROVD_FETCHFW_SIZE_MISMATCH');
    await expectNothingChanged(dir!);
  });

  it('stops reading a body without Content-Length once it is larger than declared', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { body, noLength: true } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body, size: 100 }));
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_SIZE_MISMATCH');
    expect(err.message).toMatch(/has \d+ bytes or more, the manifest expects 100/);
    await expectNothingChanged(dir!);
  });

  it('resumes a transfer cut short with a Range request and installs', async () => {
    const body = await digiumArchive('tar.gz');
    const cut = Math.floor(body.length / 2);
    const service = await setup({ '/fw.tgz': { body, cutAt: cut, cutTimes: 1 } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    await service.install('firmware');
    expect(server!.requests).toEqual([{ path: '/fw.tgz' }, { path: '/fw.tgz', range: expect.stringMatching(/^bytes=\d+-$/) }]);
    expect(await readdir(dir!.join('var/tftpboot/Digium/firmware'))).toHaveLength(7);
  });

  it('gives up on a transfer that is always cut short, keeping only the bytes received, which the next install resumes', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { body, cutAt: 100, cutTimes: 3, noRange: true } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_DOWNLOAD_FAILED');
    expect(err.message).toContain('after 3 attempts');
    const cache = await readdir(join(dir!.path, 'var', 'cache'));
    expect(cache).toHaveLength(1);
    expect(cache[0]).toMatch(/^\.fw\.tgz\.[0-9a-f]{16}\.part$/);
    await service.install('firmware');
    expect(server!.requests.at(-1)?.range).toBe('bytes=100-'); // it asks to resume (this server sends it whole)
    expect((await readdir(join(dir!.path, 'var', 'cache'))).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('retries a server error, then reports its status', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { status: 503 } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_HTTP_ERROR');
    expect(err.message).toContain('HTTP 503');
    expect(server!.requests).toHaveLength(3);
    await expectNothingChanged(dir!);
  });

  it('reports a missing file at once', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({}, (url) => digiumPkgsDb({ url: url('/gone.tgz'), body }));
    expect((await failure(service.install('firmware'))).message).toContain('HTTP 404');
    expect(server!.requests).toHaveLength(1);
    await expectNothingChanged(dir!);
  });

  it('follows a redirect, and stops a redirect loop', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/old.tgz': { redirect: '/new.tgz' }, '/new.tgz': { body }, '/loop1': { redirect: '/loop2' }, '/loop2': { redirect: '/loop1' } }, (url) =>
      digiumPkgsDb({ url: url('/loop1'), body, filename: 'fw.tgz' }),
    );
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_TOO_MANY_REDIRECTS');
    expect(server!.requests).toHaveLength(11);
    await expectNothingChanged(dir!);
    await writeFile(dir!.join('pkgs/pkgs.db'), digiumPkgsDb({ url: server!.url('/old.tgz'), body, filename: 'fw.tgz' }));
    await new FirmwareService({ pluginDir: dir!.path, download: fast }).install('firmware');
    expect(await readdir(dir!.join('var/cache'))).toEqual(['fw.tgz']);
  });

  it('downloads through the HTTP proxy of the general configuration', async () => {
    const body = await digiumArchive('tar.gz');
    server = await startServer({ '/fw.tgz': { body } });
    dir = await pluginDir(digiumPkgsDb({ url: server.url('/fw.tgz'), body }));
    const proxy = await startProxy();
    try {
      await new FirmwareService({ pluginDir: dir.path, download: { ...fast, proxies: { http: proxy.url } } }).install('firmware');
      expect(proxy.seen).toEqual([server.url('/fw.tgz')]);
    } finally {
      await proxy.close();
    }
  });
});

describe('the cache and files placed by hand', () => {
  it('verifies a cached file again and replaces a corrupted one', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({ '/fw.tgz': { body } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    await writeFile(dir!.join('var/cache/fw.tgz'), Buffer.alloc(body.length, 1));
    await service.install('firmware');
    expect(sha1(await readFile(dir!.join('var/cache/fw.tgz')))).toBe(sha1(body));
    expect(server!.requests).toHaveLength(1);
    await service.install('firmware');
    expect(server!.requests).toHaveLength(1); // the verified cache is used
  });

  it('asks for a file with no public URL to be placed in the cache, then installs it', async () => {
    const body = await digiumArchive('tar.gz');
    const service = await setup({}, () => digiumPkgsDb({ url: '', body, filename: 'firmware_2_8_1_package.tar.gz' }));
    const path = dir!.join('var/cache/firmware_2_8_1_package.tar.gz');
    expect((await service.installable())['firmware']?.manual).toEqual([{ path, size: body.length, sha1: sha1(body) }]);
    const err = await failure(service.install('firmware'));
    expect(err.code).toBe('PROVD_FETCHFW_MANUAL_FILE');
    expect(err.message).toContain(`place this file at "${path}" (${body.length} bytes, SHA-1 ${sha1(body)})`);
    await writeFile(path, body.subarray(1));
    expect((await failure(service.install('firmware'))).code).toBe('PROVD_FETCHFW_SIZE_MISMATCH');
    await writeFile(path, body);
    await service.install('firmware');
    expect(await readdir(dir!.join('var/tftpboot/Digium/firmware'))).toHaveLength(7);
  });
});

describe('hostile archives', () => {
  it.each([
    ['a ".." entry', [{ name: '../../escape.eff', content: 'x' }], 'PROVD_ARCHIVE_UNSAFE_PATH'],
    ['an absolute entry', [{ name: '/tmp/provd-abs.eff', content: 'x' }], 'PROVD_ARCHIVE_UNSAFE_PATH'],
    ['a link to a host file', [{ name: 'pkg/', type: 'directory' as const }, { name: 'pkg/hostname.eff', type: 'symlink' as const, linkname: '/etc/hostname' }], 'PROVD_ARCHIVE_LINK_ESCAPE'],
    ['a device file', [{ name: 'pkg/null.eff', type: 'character-device' as const }], 'PROVD_ARCHIVE_UNSUPPORTED_ENTRY'],
  ])('refuses %s and installs nothing', async (_what, items, code) => {
    const body = await makeTarGz(items);
    const service = await setup({ '/fw.tgz': { body } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    expect((await failure(service.install('firmware'))).code).toBe(code);
    expect(await snapshot(dir!.join('var/tftpboot'))).toEqual(['Digium/', `Digium/000fd3054848.cfg ${sha1('config')}`]);
    expect(await readdir(dir!.join('var/installed'))).toEqual([]);
    expect((await readdir(dir!.join('var'))).sort()).toEqual(['cache', 'installed', 'templates', 'tftpboot']);
    expect(await snapshot(dir!.path).then((all) => all.filter((p) => p.includes('escape')))).toEqual([]);
  });

  it('installs the link-free content of an archive whose links stay inside it, without the links', async () => {
    const body = await makeTarGz([
      { name: 'pkg/', type: 'directory' },
      { name: 'pkg/a.eff', content: 'a' },
      { name: 'pkg/b.eff', type: 'symlink', linkname: 'a.eff' },
    ]);
    const service = await setup({ '/fw.tgz': { body } }, (url) => digiumPkgsDb({ url: url('/fw.tgz'), body }));
    const record = await service.install('firmware');
    expect(record.files).toEqual(['Digium/firmware/', 'Digium/firmware/a.eff']);
  });
});
