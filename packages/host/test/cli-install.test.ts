import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOf, provd } from './helpers-cli';
import { pluginTarball, snapshot, writeRepo } from './helpers-plugins';
import { startLoopbackProxy } from './loopback-proxy';

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir();
  await writeRepo(dir.join('repo'), [
    { id: 'acme-1', tarball: await pluginTarball('acme-1'), version: '1.0.0' },
    { id: 'acme-2', tarball: await pluginTarball('acme-2'), version: '1.0.0', entry: { sha256: 'ff'.repeat(32) } },
  ]);
});
afterEach(() => dir.cleanup());

describe('provd install, list, uninstall', () => {
  it('fetches an http:// repository through the http_proxy of the environment', async () => {
    const repoDir = dir.join('repo');
    const server = createServer((req, res) => {
      readFile(join(repoDir, (req.url ?? '/').slice(1))).then(
        (body) => res.end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const proxy = await startLoopbackProxy();
    const before = process.env.http_proxy;
    process.env.http_proxy = proxy.url;
    try {
      const listed = await provd('list', '--plugins-dir', dir.join('plugins'), '--repo', repo, '--json');
      expect(jsonOf(listed)).toMatchObject({ installable: [{ id: 'acme-1' }, { id: 'acme-2' }] });
      const installed = await provd('install', 'acme-1', '--repo', repo, '--plugins-dir', dir.join('plugins'), '--json');
      expect(jsonOf(installed)).toEqual({ id: 'acme-1', version: '1.0.0', previousVersion: null });
      expect(proxy.seen).toEqual([`GET ${repo}/plugins.db`, `GET ${repo}/plugins.db`, `GET ${repo}/acme-1-1.0.0.tar.gz`]);
    } finally {
      if (before === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = before;
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('installs, lists and uninstalls with --json', async () => {
    const repo = dir.join('repo');
    const plugins = dir.join('plugins');
    let run = await provd('list', '--plugins-dir', plugins, '--repo', repo, '--json');
    expect(jsonOf(run)).toEqual({
      installed: [],
      installable: [
        { id: 'acme-1', version: '1.0.0', description: expect.any(String), installed: null },
        { id: 'acme-2', version: '1.0.0', description: expect.any(String), installed: null },
      ],
      broken: [],
    });
    run = await provd('install', 'acme-1', '--repo', repo, '--plugins-dir', plugins, '--json');
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toEqual({ id: 'acme-1', version: '1.0.0', previousVersion: null });
    run = await provd('list', '--plugins-dir', plugins, '--json');
    expect(jsonOf(run)).toEqual({ installed: [{ id: 'acme-1', version: '1.0.0', description: expect.any(String) }], installable: null, broken: [] });
    run = await provd('install', 'acme-1', '--repo', repo, '--plugins-dir', plugins);
    expect(run.stdout).toBe('upgraded acme-1 from 1.0.0 to 1.0.0\n');
    run = await provd('uninstall', 'acme-1', '--plugins-dir', plugins, '--json');
    expect(jsonOf(run)).toEqual({ id: 'acme-1' });
    expect(await snapshot(plugins)).toEqual({});
  });

  it('refuses a bad package with one error line and exit 1, leaving the plugins folder as it was', async () => {
    const plugins = dir.join('plugins');
    await provd('install', 'acme-1', '--repo', dir.join('repo'), '--plugins-dir', plugins);
    const before = await snapshot(plugins);
    const run = await provd('install', 'acme-2', '--repo', dir.join('repo'), '--plugins-dir', plugins, '--json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^provd: PROVD_PLUGIN_DIGEST_MISMATCH: [^\n]+\n$/);
    expect(await snapshot(plugins)).toEqual(before);
    const missing = await provd('uninstall', 'acme-9', '--plugins-dir', plugins);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^provd: PROVD_PLUGIN_NOT_INSTALLED: /);
    const usage = await provd('install', 'acme-1', '--plugins-dir', plugins);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^provd: PROVD_CLI_USAGE: missing --repo/);
  });
});
