import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../src/api/index';
import type { ProvisioningApp } from '../src/app/index';
import { installCommand } from '../src/cli/commands/install';
import { listCommand } from '../src/cli/commands/list';
import { uninstallCommand } from '../src/cli/commands/uninstall';
import { runCli } from '../src/cli/run-cli';
import { startTestApi, type TestApi } from './api-helpers';
import { AcmePlugin } from './serve-test-plugins';

const TOKEN = 'cli-token-0123456789abcdef';
let dir: TestDir;
let testApi: TestApi;
let app: ProvisioningApp;
let api: ApiServer;

beforeAll(async () => {
  dir = await testdir();
  testApi = await startTestApi(dir.path, { 'acme-1': (id, d) => new AcmePlugin(id, d) }, { envToken: TOKEN });
  ({ app, api } = testApi);
});

afterAll(async () => {
  delete process.env.PROVD_API_TOKEN;
  await testApi.close();
  await dir.cleanup();
});

async function provd(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: (t: string) => ((err += t), true), isTTY: false } };
  const code = await runCli(['node', 'provd', ...args], [installCommand, listCommand, uninstallCommand], io);
  return { code, out, err };
}

describe('provd install, list and uninstall --api: through a running host\'s REST API', () => {
  it('installs, upgrades, lists and uninstalls on the host, which loads and unloads the plugin', async () => {
    const url = `http://127.0.0.1:${api.port}`;
    process.env.PROVD_API_TOKEN = 'not-the-token-of-the-host';
    const refused = await provd('install', 'acme-1', '--api', url);
    expect([refused.code, refused.err]).toEqual([1, expect.stringMatching(/^provd: PROVD_API_REMOTE: .* answered 401 PROVD_API_UNAUTHORIZED/)]);
    process.env.PROVD_API_TOKEN = TOKEN;
    expect(await provd('install', 'acme-1', '--api', url)).toEqual({ code: 0, out: 'installed acme-1 1.0.0\n', err: '' });
    expect(app.loadedPlugins().map((p) => p.id)).toEqual(['acme-1']);
    expect((await provd('install', 'acme-1', '--api', url, '--json')).out).toBe('{"id":"acme-1","version":"1.0.0","previousVersion":"1.0.0"}\n');
    const listed = JSON.parse((await provd('list', '--api', url, '--json')).out);
    expect(listed).toEqual({
      installed: [{ id: 'acme-1', version: '1.0.0', description: 'acme-1' }],
      installable: [{ id: 'acme-1', version: '1.0.0', description: 'acme-1', installed: '1.0.0' }],
      broken: [],
    });
    const unknown = await provd('install', 'nope-1', '--api', url);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('400 PROVD_HOST_BAD_REQUEST: bad API request: no installable plugin "nope-1"')]);
    expect(await provd('uninstall', 'acme-1', '--api', url)).toEqual({ code: 0, out: 'uninstalled acme-1\n', err: '' });
    expect(app.loadedPlugins()).toEqual([]);
    expect((await provd('list', '--api', 'ftp://x')).code).toBe(2);
  });
});
