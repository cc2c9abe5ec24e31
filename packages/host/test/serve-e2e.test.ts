import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, waitOperation } from './api-helpers';
import { startLoopbackProxy } from './loopback-proxy';
import { run } from './serve-helpers';
import { buildDigiumRepo, startServe, staticServer, type ServeRun } from './serve-process';

let dir: TestDir;
let repo: Awaited<ReturnType<typeof staticServer>>;
let host: ServeRun;
let ports: { http: number; tftp: number; api: number };

const TOKEN = 'e2e-token-0123456789abcdef';
const api = (method: string, path: string, body?: unknown) => apiCall(ports.api, method, path, { token: TOKEN, body });


const hexBytes = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join('.');

beforeAll(async () => {
  dir = await testdir();
  await buildDigiumRepo(dir.join('repo'));
  repo = await staticServer(dir.join('repo'));
  await writeFile(dir.join('tokens.json'), JSON.stringify({ tokens: [{ token: TOKEN, acls: ['provd.#'] }] }));
  host = await startServe(['--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--repo', repo.url,
    '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--api-tokens', dir.join('tokens.json'), '--security-log', dir.join('security.log')]);
  ports = host.ports;
}, 300_000);

afterAll(async () => {
  expect(await host.stop()).toBe(0);
  await repo.close();
  await dir.cleanup();
});

describe('provd serve end to end, with the built Digium plugin and real clients', () => {
  it('installs digium-2.8.1 from the repository over HTTP through the API', async () => {
    const installable = await api('GET', '/0.2/pg_mgr/install/installable');
    expect(Object.keys(installable.json.pkgs)).toEqual(['digium-1.4.0.0', 'digium-2.2.1.8', 'digium-2.8.1']);
    const installed = await api('POST', '/0.2/pg_mgr/install/install', { id: 'digium-2.8.1' });
    expect(installed.status, JSON.stringify(installed.json)).toBe(201);
    expect(await waitOperation(ports.api, TOKEN, installed.headers.location!)).toBe('install|success');
    expect((await api('GET', '/0.2/pg_mgr/plugins')).json.plugins).toHaveProperty(['digium-2.8.1']);
  }, 120_000);

  it('configures a D65 from a config and DHCP information, and serves its file over HTTP and TFTP', async () => {
    const config = await api('POST', '/0.2/cfg_mgr/configs', { config: {
      id: 'autoprov',
      role: 'autocreate',
      parent_ids: [],
      raw_config: { sip_lines: { '1': { username: 'alice1001', password: 's3cret', proxy_ip: '10.0.0.2', display_name: 'Alice' } }, ntp_enabled: true, ntp_ip: '10.0.0.3' },
    } });
    expect(config.status, JSON.stringify(config.json)).toBe(201);
    const dhcp = await api('POST', '/0.2/dev_mgr/dhcpinfo', { dhcp_info: { op: 'commit', ip: '127.0.0.1', mac: '00:0f:d3:05:48:48', options: [`060${hexBytes('digium_D65_2_8_1')}`] } });
    expect(dhcp.status, JSON.stringify(dhcp.json)).toBe(204);
    const { json } = await api('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:0f:d3:05:48:48"}')}`);
    expect(json.devices[0]).toMatchObject({ vendor: 'Digium', model: 'D65', plugin: 'digium-2.8.1', configured: true });

    const http = await run('curl', ['-sS', '-f', `http://127.0.0.1:${ports.http}/Digium/000fd3054848.cfg`]);
    expect(http.code, http.stderr).toBe(0);
    expect(http.stdout).toContain('<config');
    expect(http.stdout).toMatch(/username="alice1001"/);
    expect(http.stdout).toMatch(/server="10\.0\.0\.2"/);
    expect(http.stdout).toMatch(/id="ntp_server" value="10\.0\.0\.3"/);

    const tftpCurl = await run('curl', ['-sS', `tftp://127.0.0.1:${ports.tftp}/Digium/000fd3054848.cfg`]);
    expect(tftpCurl.stdout).toBe(http.stdout);
    const out = dir.join('hpa.cfg');
    const hpa = await run('tftp', ['-m', 'binary', '127.0.0.1', String(ports.tftp), '-c', 'get', 'Digium/000fd3054848.cfg', out]);
    expect(hpa.code, hpa.stdout + hpa.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(http.stdout);
  }, 60_000);

  it('answers revalidations with 304 until a config change rewrites the file, then the new file with a new ETag', async () => {
    const url = `http://127.0.0.1:${ports.http}/Digium/000fd3054848.cfg`;
    const fetchWith = async (...headers: string[]) => {
      const r = await run('curl', ['-sS', '-D', dir.join('headers.out'), ...headers.flatMap((h) => ['-H', h]), url]);
      const head = await readFile(dir.join('headers.out'), 'utf8');
      const field = (name: string) => new RegExp(`^${name}: (.*)\\r$`, 'mi').exec(head)?.[1];
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body: r.stdout, etag: field('ETag'), lastModified: field('Last-Modified') };
    };
    const first = await fetchWith();
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(first.lastModified).toMatch(/GMT$/);
    expect(await fetchWith(`If-None-Match: ${first.etag}`)).toMatchObject({ status: 304, body: '', etag: first.etag });
    expect((await fetchWith(`If-Modified-Since: ${first.lastModified}`)).status).toBe(304);
    expect((await fetchWith('If-None-Match: "something-else"')).status).toBe(200);
    expect((await fetchWith('If-Modified-Since: Thu, 01 Jan 2004 00:00:00 GMT')).status).toBe(200);

    const device = (await api('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:0f:d3:05:48:48"}')}`)).json.devices[0];
    const { json } = await api('GET', `/0.2/cfg_mgr/configs/${device.config}`);
    const raw = json.config.raw_config;
    raw.sip_lines['1'].password = 'n3w-secret';
    const changed = await api('PUT', `/0.2/cfg_mgr/configs/${device.config}`, { config: { ...json.config, raw_config: raw } });
    expect(changed.status, JSON.stringify(changed.json)).toBeLessThan(300);
    const after = await fetchWith(`If-None-Match: ${first.etag}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatch(/password="n3w-secret"/);
    expect(after.etag).not.toBe(first.etag);
    expect((await fetchWith(`If-None-Match: ${after.etag}`)).status).toBe(304);
  }, 60_000);

  it('uses a template dropped into var/templates at the next configure, without a restart', async () => {
    const device = (await api('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:0f:d3:05:48:48"}')}`)).json.devices[0];
    const custom = dir.join('plugins/digium-2.8.1/var/templates');
    const fetchCfg = async () => (await run('curl', ['-sS', `http://127.0.0.1:${ports.http}/Digium/000fd3054848.cfg`])).stdout;
    await mkdir(custom, { recursive: true });
    await writeFile(`${custom}/D65.tpl`, "{% extends 'base.tpl' %}{% block suffix %}\n  <setting id=\"custom\" value=\"{{ XX_mac }}\"/>{% endblock %}\n");
    const reconfigured = await api('POST', '/0.2/dev_mgr/reconfigure', { id: device.id });
    expect(reconfigured.status, JSON.stringify(reconfigured.json)).toBeLessThan(300);
    expect(await fetchCfg()).toContain('<setting id="custom" value="000fd3054848"/>\n</config>');
    await rm(`${custom}/D65.tpl`);
    await api('POST', '/0.2/dev_mgr/reconfigure', { id: device.id });
    expect(await fetchCfg()).not.toContain('id="custom"');
  }, 60_000);

  it('refuses traversal over HTTP and TFTP and keeps serving', async () => {
    for (const path of ['/Digium/../../../etc/passwd', '/Digium/%2e%2e/%2e%2e/plugin-info', '/%2e%2e%2fplugin-info']) {
      const r = await run('curl', ['-sS', '--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${ports.http}${path}`]);
      expect(r.stdout, path).toBe('404');
    }
    const t = await run('curl', ['-sS', `tftp://127.0.0.1:${ports.tftp}/../plugin-info`]);
    expect(t.stdout).toBe('');
    expect((await run('curl', ['-sS', '-f', `http://127.0.0.1:${ports.http}/Digium/000fd3054848.cfg`])).code).toBe(0);
  });

  it('creates a device record, with the plugin associated, for an unknown Digium phone fetching its file', async () => {
    const r = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-A', 'Digium D65 2.8.1', `http://127.0.0.1:${ports.http}/Digium/000fd30a0b0c.cfg`]);
    expect(['200', '404']).toContain(r.stdout);
    const { json } = await api('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:0f:d3:0a:0b:0c"}')}`);
    expect(json.devices).toHaveLength(1);
    expect(json.devices[0]).toMatchObject({ vendor: 'Digium', plugin: 'digium-2.8.1', added: 'auto' });
    expect(await readFile(dir.join('security.log'), 'utf8')).toMatch(/provd-security: New device created automatically from 127\.0\.0\.1: /);
  });
  it('sends repository fetches and firmware downloads through the proxies set through the API, at once', async () => {
    const proxy = await startLoopbackProxy();
    const state = async (location: string) => (await api('GET', location)).json;
    try {
      // http_proxy (with credentials): plugins.db (update, then upgrade) and the plugin tarball go through it
      const withAuth = proxy.url.replace('//', '//provd:s%40cret@');
      expect((await api('PUT', '/0.2/configure/http_proxy', { param: { value: withAuth } })).status).toBe(204);
      const update = await api('POST', '/0.2/pg_mgr/install/update', {});
      expect(await waitOperation(ports.api, TOKEN, update.headers.location!)).toBe('update|success');
      const upgrade = await api('POST', '/0.2/pg_mgr/install/upgrade', { id: 'digium-2.8.1' });
      expect(await waitOperation(ports.api, TOKEN, upgrade.headers.location!)).toBe('upgrade|success');
      expect(proxy.seen).toEqual([`GET ${repo.url}plugins.db`, `GET ${repo.url}plugins.db`, expect.stringMatching(new RegExp(`^GET ${repo.url}digium-2\\.8\\.1-[\\d.]+\\.tar\\.gz$`))]);
      expect(proxy.authorizations).toHaveLength(3);
      expect(new Set(proxy.authorizations)).toEqual(new Set([`Basic ${Buffer.from('provd:s@cret').toString('base64')}`]));

      // firmware downloads too; the failed operation says why, with the downloader's code
      const firmware = await api('POST', '/0.2/pg_mgr/plugins/digium-2.8.1/install/install', { id: 'firmware' });
      expect(firmware.status, JSON.stringify(firmware.json)).toBe(201);
      expect(await waitOperation(ports.api, TOKEN, firmware.headers.location!)).toMatch(/^install\|fail/);
      expect(proxy.seen.at(-1)).toBe('GET http://provd.wazo.community/firmwares/digium/firmware_2_8_1_package.tar.gz');
      expect((await state(firmware.headers.location!)).error).toMatchObject({ code: 'PROVD_FETCHFW_HTTP_ERROR', message: expect.stringContaining('404') });

      // https_proxy: an https:// repository is reached through a CONNECT tunnel (no TLS server there: the update fails)
      const seenBefore = proxy.seen.length;
      expect((await api('PUT', '/0.2/configure/https_proxy', { param: { value: proxy.hostPort } })).status).toBe(204);
      const httpsRepo = repo.url.replace('http:', 'https:');
      expect((await api('PUT', '/0.2/configure/plugin_server', { param: { value: httpsRepo } })).status).toBe(204);
      const failing = await api('POST', '/0.2/pg_mgr/install/update', {});
      expect(await waitOperation(ports.api, TOKEN, failing.headers.location!)).toBe('update|fail');
      expect(proxy.seen.slice(seenBefore)).toEqual([`CONNECT ${new URL(httpsRepo).host}`]);
      expect((await state(failing.headers.location!)).error).toMatchObject({ code: 'PROVD_REPO_UNREACHABLE', message: expect.stringContaining(`through the proxy http://${proxy.hostPort}`) });

      // unset: straight to the repository again
      for (const name of ['plugin_server', 'http_proxy', 'https_proxy']) expect((await api('PUT', `/0.2/configure/${name}`, { param: { value: null } })).status).toBe(204);
      const direct = await api('POST', '/0.2/pg_mgr/install/update', {});
      expect(await waitOperation(ports.api, TOKEN, direct.headers.location!)).toBe('update|success');
      expect(proxy.seen.length).toBe(seenBefore + 1);
    } finally {
      for (const name of ['plugin_server', 'http_proxy', 'https_proxy']) await api('PUT', `/0.2/configure/${name}`, { param: { value: null } });
      await proxy.close();
    }
  }, 120_000);
});
