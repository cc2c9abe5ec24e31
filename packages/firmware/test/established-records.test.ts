import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { isProvdError } from '@provd/sdk';
import type { TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { FirmwareService, manifestFromDeclaration, parsePkgsDb } from '../src/index';
import { definePackages } from '@provd/sdk';
import { pluginDir, sha1 } from './helpers';
import { startServer, type TestServer } from './server';

// What the established installer accepts and refuses (contract §8.4, §8.8): a package without an "install" key is
// accepted (installing it downloads and checks its files, then records it with no file in place), and an installed
// record without "explicit_install" (or "description") is refused.

let server: TestServer | undefined;
let dir: TestDir | undefined;
afterEach(async () => {
  await server?.close();
  await dir?.cleanup();
  server = undefined;
  dir = undefined;
});

const BODY = Buffer.from('language pack '.repeat(50));
const db = (url: string): string =>
  `[pkg_lang]\ndescription: Language pack\nversion: 1.0\nfiles: lang\n\n[file_lang]\nurl: ${url}\nsize: ${BODY.length}\nsha1sum: ${sha1(BODY)}\n`;

describe('a package without an install key', () => {
  it('is accepted in pkgs.db and in a TypeScript declaration, with a warning, not an error', () => {
    const read = parsePkgsDb([{ file: 'pkgs/pkgs.db', text: db('http://127.0.0.1/lang.bin') }]);
    expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(read.diagnostics.map((d) => [d.severity, d.key])).toEqual([['warning', 'install']]);
    const declared = manifestFromDeclaration(
      definePackages({
        files: { lang: { url: 'http://127.0.0.1/lang.bin', size: BODY.length, sha1: sha1(BODY) } },
        installs: {},
        packages: { lang: { description: 'Language pack', version: '1.0', files: ['lang'] } },
      }),
    );
    expect(declared.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(declared.manifest.packages.lang?.install).toBeUndefined();
  });

  it('installs as the established installer does: its files downloaded and checked, a record with no file', async () => {
    server = await startServer({ '/lang.bin': { body: BODY } });
    dir = await pluginDir(db(server.url('/lang.bin')));
    const service = new FirmwareService({ pluginDir: dir.path, pluginId: 'acme-1', download: { retries: 1, backoffMs: 10, timeoutMs: 5000 } });
    expect((await service.installable()).lang?.errors).toEqual([]);
    const record = await service.install('lang');
    expect(record.files).toEqual([]);
    expect(await readdir(dir.join('var/cache'))).toEqual(['lang.bin']);
    expect(JSON.parse(await readFile(dir.join('var/installed/lang'), 'utf8'))).toEqual({ id: 'lang', description: 'Language pack', version: '1.0', depends: [], explicit_install: true, files: [] });
    expect(await service.installed()).toEqual({ lang: { version: '1.0', description: 'Language pack', files: 0 } });
    await service.uninstall('lang');
    expect(await service.installed()).toEqual({});
  });
});

describe('installed-package records', () => {
  it.each([
    ['explicit_install', { id: 'lang', description: 'd', version: '1.0', files: [] }],
    ['description', { id: 'lang', version: '1.0', explicit_install: true, files: [] }],
    ['id', { description: 'd', version: '1.0', explicit_install: true, files: [] }],
  ])('refuses a record without %s (mandatory in the established installer)', async (key, record) => {
    dir = await pluginDir(db('http://127.0.0.1/lang.bin'));
    await mkdir(dir.join('var/installed'), { recursive: true });
    await writeFile(dir.join('var/installed/lang'), JSON.stringify(record));
    const err = await new FirmwareService({ pluginDir: dir.path, pluginId: 'acme-1' }).installed().then(() => undefined, (e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_INSTALLED_RECORD_INVALID')).toBe(true);
    expect((err as Error).message).toContain(key);
  });
});
