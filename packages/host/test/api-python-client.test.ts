import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeUdpPort, repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './serve-helpers';
import { buildDigiumRepo, startServe, startSippUas, staticServer, type ServeRun } from './serve-process';
import { TEST_ENGINES, testStore } from './store-helpers';

const CLIENT = join(repoRoot, '..', 'shared', 'corpus', 'wazo-provd-client');
const TOKEN = 'confd-token-for-the-flow-0123456789';

// the Digium repository is built once, for both engines
let repoDir: TestDir;
let repo: Awaited<ReturnType<typeof staticServer>>;
beforeAll(async () => {
  repoDir = await testdir();
  await buildDigiumRepo(repoDir.join('repo'));
  repo = await staticServer(repoDir.join('repo'));
}, 300_000);
afterAll(async () => {
  await repo.close();
  await repoDir.cleanup();
});

describe.each(TEST_ENGINES)('on the %s store', (engine) => {
  let dir: TestDir;
  let host: ServeRun;
  let sipPort: number;
  let store: Awaited<ReturnType<typeof testStore>>;

  beforeAll(async () => {
    dir = await testdir();
    await writeFile(dir.join('tokens.json'), JSON.stringify({ tokens: [{ token: TOKEN, acls: ['provd.#'], name: 'wazo-confd' }] }));
    sipPort = await freeUdpPort();
    store = await testStore(engine, dir.join('data'));
    // no --repo: the flow sets plugin_server through the API
    host = await startServe(['--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--api-tokens', dir.join('tokens.json'),
      '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--sync', 'sip-udp', '--sip-port', String(sipPort), ...store.args]);
  }, 300_000);

  afterAll(async () => {
    expect(await host.stop()).toBe(0);
    await store.drop();
    await dir.cleanup();
  });

  describe('the established Python client (wazo-provd-client) against provd serve', () => {
    it('announces the API mode at start', () => {
      expect(host.stderr.join('')).toMatch(/API mode: tokens: 1 token configured/);
    });

    it('goes through the configuration service\'s whole flow', async () => {
      const log = dir.join('sipp.log');
      const { exit: sippDone } = await startSippUas(dir.path, sipPort, log, '60s');
      const flow = await run('/usr/bin/python3', [join(import.meta.dirname, 'fixtures', 'provd-client', 'flow.py'), String(host.ports.api), String(host.ports.http), TOKEN, repo.url], {
        timeoutMs: 180_000,
        env: { PYTHONPATH: `${CLIENT}:${join(CLIENT, 'wazo-lib-rest-client')}` },
      });
      expect(flow.code, `${flow.stdout}\n${flow.stderr}\n${host.stderr.join('')}`).toBe(0);
      const summary = JSON.parse(flow.stdout.trim().split('\n').at(-1)!);
      expect(summary).toMatchObject({ update: 'update', install: 'install', devices: ['00:0f:d3:05:48:48', '00:0f:d3:0a:0b:0c'] });
      expect(await sippDone).toBe(0);
      expect(await readFile(log, 'utf8')).toMatch(/^Event: check-sync\r?$/m);
      // the parameter the flow set is kept (in the store's settings)
      const kept = await run('curl', ['-sS', '-H', `X-Auth-Token: ${TOKEN}`, `http://127.0.0.1:${host.ports.api}/0.2/configure/plugin_server`]);
      expect(JSON.parse(kept.stdout)).toEqual({ param: { value: repo.url } });
    }, 240_000);
  });
});
