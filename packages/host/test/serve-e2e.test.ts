import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../src/cli/commands/serve';
import { runCli } from '../src/cli/run-cli';
import { run } from './serve-helpers';

let dir: TestDir;
let repoServer: Server;
let repoUrl: string;
let ports: { http: number; tftp: number; api: number };
let serving: Promise<number>;
const stderr: string[] = [];

/** A plain static file server for the plugin repository. */
function staticServer(root: string): Server {
  return createServer(async (req, res) => {
    const file = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\.\.+/g, ''));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': info.size });
    createReadStream(file).pipe(res);
  });
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const args = ['-sS', '-X', method, '-w', '\n%{http_code}', `http://127.0.0.1:${ports.api}${path}`];
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
  const r = await run('curl', args, { timeoutMs: 120_000 });
  const at = r.stdout.lastIndexOf('\n');
  const text = r.stdout.slice(0, at);
  return { status: Number(r.stdout.slice(at + 1)), json: text ? JSON.parse(text) : undefined };
}

const hexBytes = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join('.');

beforeAll(async () => {
  dir = await testdir();
  const built = await run('node', [join(repoRoot, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', dir.join('repo')], { cwd: repoRoot, timeoutMs: 240_000 });
  expect(built.code, built.stderr).toBe(0);
  repoServer = staticServer(dir.join('repo'));
  await new Promise<void>((resolve) => repoServer.listen(0, '127.0.0.1', resolve));
  repoUrl = `http://127.0.0.1:${(repoServer.address() as AddressInfo).port}/`;
  let stdout = '';
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const io = {
    stdout: { write: (t: string) => ((stdout += t), ready(), true) },
    stderr: { write: (t: string) => (stderr.push(t), true), isTTY: false },
  };
  serving = runCli(
    ['node', 'provd', 'serve', '--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--repo', repoUrl,
      '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--security-log', dir.join('security.log'), '--json'],
    [serveCommand],
    io,
  );
  await Promise.race([started, serving.then((code) => Promise.reject(new Error(`serve exited ${code}: ${stderr.join('')}`)))]);
  ports = JSON.parse(stdout);
}, 300_000);

afterAll(async () => {
  process.emit('SIGTERM');
  expect(await serving).toBe(0);
  await new Promise<void>((resolve) => repoServer.close(() => resolve()));
  await dir.cleanup();
});

describe('provd serve end to end, with the built Digium plugin and real clients', () => {
  it('installs digium-2.8.1 from the repository over HTTP through the API', async () => {
    const installable = await api('GET', '/plugins/installable');
    expect(installable.json.plugins.map((p: { id: string }) => p.id)).toEqual(['digium-1.4.0.0', 'digium-2.2.1.8', 'digium-2.8.1']);
    const installed = await api('POST', '/plugins/digium-2.8.1/install');
    expect(installed.status, JSON.stringify(installed.json)).toBe(200);
    expect(installed.json.plugin).toMatchObject({ id: 'digium-2.8.1', loaded: true });
  }, 120_000);

  it('configures a D65 from a config and DHCP information, and serves its file over HTTP and TFTP', async () => {
    const config = await api('POST', '/configs', {
      id: 'autoprov',
      role: 'autocreate',
      parent_ids: [],
      raw_config: { sip_lines: { '1': { username: 'alice1001', password: 's3cret', proxy_ip: '10.0.0.2', display_name: 'Alice' } }, ntp_enabled: true, ntp_ip: '10.0.0.3' },
    });
    expect(config.status, JSON.stringify(config.json)).toBe(201);
    const dhcp = await api('POST', '/dhcp', { dhcp_info: { op: 'commit', ip: '127.0.0.1', mac: '00:0f:d3:05:48:48', options: [`060${hexBytes('digium_D65_2_8_1')}`] } });
    expect(dhcp.status, JSON.stringify(dhcp.json)).toBe(204);
    const { json } = await api('GET', '/devices?mac=00:0f:d3:05:48:48');
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

    const device = (await api('GET', '/devices?mac=00:0f:d3:05:48:48')).json.devices[0];
    const { json } = await api('GET', `/configs/${device.config}`);
    const raw = json.config.raw_config;
    raw.sip_lines['1'].password = 'n3w-secret';
    const changed = await api('PUT', `/configs/${device.config}`, { ...json.config, raw_config: raw });
    expect(changed.status, JSON.stringify(changed.json)).toBeLessThan(300);
    const after = await fetchWith(`If-None-Match: ${first.etag}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatch(/password="n3w-secret"/);
    expect(after.etag).not.toBe(first.etag);
    expect((await fetchWith(`If-None-Match: ${after.etag}`)).status).toBe(304);
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
    const { json } = await api('GET', '/devices?mac=00:0f:d3:0a:0b:0c');
    expect(json.devices).toHaveLength(1);
    expect(json.devices[0]).toMatchObject({ vendor: 'Digium', plugin: 'digium-2.8.1', added: 'auto' });
    expect(await readFile(dir.join('security.log'), 'utf8')).toMatch(/provd-security: New device created automatically from 127\.0\.0\.1: /);
  });
});
