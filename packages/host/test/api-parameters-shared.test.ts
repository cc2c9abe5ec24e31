// The /0.2/configure parameters live in the store's settings: real `provd serve` processes (the built CLI) sharing
// one PostgreSQL database see each other's changes at once, and an older host's api-parameters.json is moved into
// the store once.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveProvd, until, type HostProcess } from './host-process';
import { startLoopbackProxy } from './loopback-proxy';
import { freshPgDatabase } from './store-helpers';

const TOKEN = 'site-token-0123456789abcdef';
const TOP = '00000000-0000-4000-8000-0000000000aa';

type Host = HostProcess & { ports: Record<string, number> };

let dir: TestDir;
const hosts: Host[] = [];
beforeEach(async () => {
  dir = await testdir();
});
afterEach(async () => {
  for (const host of hosts.splice(0)) {
    host.child.kill('SIGTERM');
    await host.exited;
  }
  await dir.cleanup();
});

async function serve(name: string, storeUrl: string): Promise<Host> {
  await mkdir(dir.join(name, 'plugins'), { recursive: true });
  const host = await serveProvd(
    ['--plugins-dir', dir.join(name, 'plugins'), '--data-dir', dir.join(name, 'data'), '--store-url', storeUrl, '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--sync', 'none'],
    { env: { PROVD_API_TOKEN: TOKEN } },
  );
  hosts.push(host);
  return host;
}

async function api(host: Host, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; location?: string }> {
  const res = await fetch(`http://127.0.0.1:${host.ports.api}/0.2${path}`, {
    method,
    headers: { 'X-Auth-Token': TOKEN, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, location: res.headers.get('location') ?? undefined };
}

const value = async (host: Host, name: string) => (await api(host, 'GET', `/configure/${name}`)).body.param.value as string | null;
const set = async (host: Host, name: string, v: string | null) => expect((await api(host, 'PUT', `/configure/${name}`, { param: { value: v } })).status).toBe(204);

describe('the /0.2/configure parameters of hosts sharing one PostgreSQL database', () => {
  it('are moved from an older api-parameters.json once, shared, and take effect on the other host at once', async () => {
    const db = await freshPgDatabase();
    const proxy = await startLoopbackProxy();
    try {
      // host A comes from before the store kept the parameters
      await mkdir(dir.join('a', 'data'), { recursive: true });
      const legacy = { top_tenant: TOP, values: { locale: 'fr_FR', NAT: '1' }, tenants: { [TOP]: { provisioning_key: 'keyOfTheSite1' } } };
      await writeFile(dir.join('a', 'data', 'api-parameters.json'), JSON.stringify(legacy));
      const a = await serve('a', db.url);
      expect(a.out.stderr).toMatch(/moved 4 value\(s\) of .*api-parameters\.json into the store/);
      expect((await readdir(dir.join('a', 'data'))).filter((f) => f.startsWith('api-parameters'))).toEqual(['api-parameters.json.migrated']);

      // host B has no file: it reads the site's parameters, its top tenant (PROVD_API_TOKEN's tenant) included
      const b = await serve('b', db.url);
      expect(await value(b, 'locale')).toBe('fr_FR');
      expect(await value(b, 'NAT')).toBe('1');
      expect(await value(b, 'provisioning_key')).toBe('keyOfTheSite1');
      expect((await api(b, 'GET', '/configure')).body.params[0].description).toBe("L'adresse (URL) du dépôt de plugins");

      // set through B: plugin_server and http_proxy take effect on A's next update at once
      const repoUrl = 'http://127.0.0.1:9/site-repo/';
      await set(b, 'plugin_server', repoUrl);
      await set(b, 'http_proxy', proxy.url);
      await until('A to see plugin_server and http_proxy', async () => (await value(a, 'plugin_server')) === repoUrl && (await value(a, 'http_proxy')) === proxy.url, 10_000, a);
      const update = await api(a, 'POST', '/pg_mgr/install/update', {});
      expect(update.status).toBe(201);
      let state: any;
      await until('the update on A to end', async () => /\|(success|fail)/.test((state = (await api(a, 'GET', update.location!.replace(/^\/0\.2/, ''))).body).status), 20_000, a);
      expect(state).toMatchObject({ status: 'update|fail', error: { code: 'PROVD_REPO_UNREACHABLE', message: expect.stringContaining(`through the proxy ${proxy.url}`) } });
      expect(proxy.seen).toContain(`GET ${repoUrl}plugins.db`);

      // set through A, seen by B; the provisioning key is the top tenant's on both
      await set(a, 'NAT', null);
      await set(a, 'provisioning_key', 'keyOfTheSite2');
      await until('B to see NAT and the new key', async () => (await value(b, 'NAT')) === '0' && (await value(b, 'provisioning_key')) === 'keyOfTheSite2', 10_000, b);
      expect(b.out.stderr).toMatch(/parameter NAT changed by another host/);

      // A restarted: the migrated file is not read again, the site's values stay
      const stopped = hosts.shift()!;
      stopped.child.kill('SIGTERM');
      expect(await stopped.exited).toBe(0);
      const again = await serve('a', db.url);
      expect(again.out.stderr).not.toMatch(/moved \d+ value/);
      expect([await value(again, 'NAT'), await value(again, 'locale'), await value(again, 'plugin_server')]).toEqual(['0', 'fr_FR', repoUrl]);
    } finally {
      await proxy.close();
      for (const host of hosts.splice(0)) {
        host.child.kill('SIGTERM');
        await host.exited;
      }
      await db.drop();
    }
  }, 120_000);
});
