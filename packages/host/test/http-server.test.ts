import { mkdir, symlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequestPath, ProvisioningHttpServer, type ProvisioningHttpRequest } from '../src/http/index';
import { run } from './serve-helpers';

let dir: TestDir;
let server: ProvisioningHttpServer;
let keyed: ProvisioningHttpServer;
const seen: ProvisioningHttpRequest[] = [];

beforeAll(async () => {
  dir = await testdir({
    'root/Digium/000fd3054848.cfg': '<config/>\n',
    'root/a.xml': '<x/>',
    'root/fw/firmware.eff': 'FIRMWARE',
    'root/noext': 'raw',
    'root/space name.txt': 'spaced',
    'root2/secret': 'sibling',
    'secret': 'top secret',
  });
  await mkdir(dir.join('root/empty-dir'));
  await symlink(dir.join('secret'), dir.join('root/link-out'));
  await symlink(dir.join('root2'), dir.join('root/dir-out'));
  await symlink(dir.join('root/fw'), dir.join('root/fw-link'));
  await run('mkfifo', [dir.join('root/fifo')]);
  server = new ProvisioningHttpServer({
    port: 0,
    route: async (req) => {
      seen.push(req);
      return req.segments[0] === 'forbidden' ? { status: 403, message: 'no' } : { root: dir.join('root') };
    },
  });
  await server.start();
  keyed = new ProvisioningHttpServer({
    port: 0,
    urlKeyTenant: (key) => (key === 'sesame123' ? 'tenant-1' : undefined),
    route: async (req) => {
      seen.push(req);
      return { root: dir.join('root') };
    },
  });
  await keyed.start();
});

afterAll(async () => {
  await server.close();
  await keyed.close();
  await dir.cleanup();
});

const base = () => `http://127.0.0.1:${server.port}`;

async function curl(path: string, ...args: string[]): Promise<{ status: number; body: string; headers: string }> {
  const r = await run('curl', ['-sS', '--path-as-is', '-D', '-', '-o', dir.join('body.out'), ...args, `${base()}${path}`]);
  const headers = r.stdout;
  const status = Number(/^HTTP\/1\.1 (\d+)/m.exec(headers)?.[1] ?? 0);
  const { readFile } = await import('node:fs/promises');
  const body = await readFile(dir.join('body.out'), 'utf8').catch(() => '');
  return { status, body, headers };
}

describe('parseRequestPath', () => {
  it('decodes segments and refuses traversal in any spelling', () => {
    expect(parseRequestPath('/Digium/a%20b.cfg?x=1')).toEqual({ path: '/Digium/a%20b.cfg', segments: ['Digium', 'a b.cfg'] });
    expect(parseRequestPath('//a/./b')).toEqual({ path: '//a/./b', segments: ['a', 'b'] });
    for (const bad of ['/../x', '/a/%2e%2e/x', '/%2E%2E/x', '/..%2fx', '/a%2f..%2f..%2fx', '/a%5c..', '/a%00b', '/%zz', 'a', 'http://x/y']) {
      expect(parseRequestPath(bad), bad).toBeUndefined();
    }
  });
});

describe('HTTP file service with curl', () => {
  it('serves a file with a content type by extension and its length', async () => {
    const r = await curl('/Digium/000fd3054848.cfg');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<config/>\n');
    expect(r.headers).toMatch(/content-type: text\/plain; charset=utf-8/i);
    expect(r.headers).toMatch(/content-length: 10/i);
    expect((await curl('/a.xml')).headers).toMatch(/content-type: application\/xml/i);
    expect((await curl('/fw/firmware.eff')).headers).toMatch(/content-type: application\/octet-stream/i);
    expect((await curl('/noext')).headers).toMatch(/content-type: application\/octet-stream/i);
    expect((await curl('/space%20name.txt')).body).toBe('spaced');
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await curl('/Digium/000fd3054848.cfg', '-I');
    expect(r.status).toBe(200);
    expect(r.headers).toMatch(/content-length: 10/i);
    expect(r.body).not.toContain('<config/>'); // with -I curl writes the headers there, never a body
  });

  it('serves byte ranges', async () => {
    const r = await curl('/fw/firmware.eff', '-r', '2-4');
    expect(r.status).toBe(206);
    expect(r.body).toBe('RMW');
    expect((await curl('/fw/firmware.eff', '-r', '100-')).status).toBe(416);
  });

  it('gives 404 for missing files and directories (no listing)', async () => {
    for (const path of ['/missing.cfg', '/Digium/', '/Digium', '/empty-dir/', '/', '/link-out', '/dir-out/secret', '/fifo']) {
      expect((await curl(path)).status, path).toBe(404);
    }
  });

  it('refuses traversal, encoded or not, and absolute names', async () => {
    for (const path of ['/../secret', '/../root2/secret', '/%2e%2e/secret', '/..%2fsecret', '/Digium/..%2f..%2fsecret', `/${dir.path}/secret`, '//etc/passwd', '/%00']) {
      const r = await curl(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('secret');
    }
  });

  it('refuses other methods with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await curl('/a.xml', '-X', method);
      expect(r.status).toBe(405);
      expect(r.headers).toMatch(/allow: GET, HEAD/i);
    }
  });

  it('answers with the status the router chooses', async () => {
    expect((await curl('/forbidden/a.xml')).status).toBe(403);
  });

  it('follows symlinks that stay inside the root', async () => {
    expect((await curl('/fw-link/firmware.eff')).body).toBe('FIRMWARE');
  });

  it('passes the raw path, headers and client IP to the router', async () => {
    seen.length = 0;
    await curl('/Digium/000fd3054848.cfg', '-A', 'Digium D65 2.8.1');
    expect(seen[0]).toMatchObject({ path: '/Digium/000fd3054848.cfg', segments: ['Digium', '000fd3054848.cfg'], clientIp: '127.0.0.1', method: 'GET' });
    expect(seen[0]?.headers['user-agent']).toBe('Digium D65 2.8.1');
  });

  it('refuses oversized requests and garbage, and keeps serving', async () => {
    expect((await curl(`/${'a'.repeat(5000)}`)).status).toBe(414);
    expect((await curl('/a.xml', '-H', `X-Big: ${'b'.repeat(20_000)}`)).status).toBe(431);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('\x16\x03\x01garbage\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await curl('/a.xml')).status).toBe(200);
  });
});

describe('URL-key mode', () => {
  it('serves files under a known key, strips the key before routing, and gives 404 otherwise', async () => {
    const url = `http://127.0.0.1:${keyed.port}`;
    seen.length = 0;
    const ok = await run('curl', ['-sS', '-f', `${url}/sesame123/Digium/000fd3054848.cfg`]);
    expect(ok.stdout).toBe('<config/>\n');
    expect(seen[0]).toMatchObject({ path: '/Digium/000fd3054848.cfg', segments: ['Digium', '000fd3054848.cfg'], tenantUuid: 'tenant-1' });
    for (const path of ['/Digium/000fd3054848.cfg', '/wrong-key/Digium/000fd3054848.cfg', '/', '/sesame123']) {
      const r = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${url}${path}`]);
      expect(r.stdout, path).toBe('404');
    }
  });
});

describe('client IP behind reverse proxies (X-Forwarded-For, contract §11.2)', () => {
  it('takes the entry the outermost trusted proxy added, and answers 400 when there is none', async () => {
    const { clientIpResolver } = await import('../src/http/index');
    const ips: string[] = [];
    const servers = await Promise.all(
      [0, 1, 2, 3].map(async (n) => {
        const s = new ProvisioningHttpServer({ port: 0, clientIp: clientIpResolver(n), route: async (req) => (ips.push(`${n}:${req.clientIp}`), { root: dir.join('root') }) });
        await s.start();
        return s;
      }),
    );
    const ask = async (n: number, header?: string) => {
      const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${servers[n]!.port}/a.xml`];
      if (header !== undefined) args.push('-H', `X-Forwarded-For: ${header}`);
      return (await run('curl', args)).stdout;
    };
    const vectors: [string | undefined, number, string][] = [
      [undefined, 0, '127.0.0.1'],
      [undefined, 1, '400'],
      ['proxied_client_ip', 1, 'proxied_client_ip'],
      ['proxied_client_ip', 2, 'proxied_client_ip'],
      ['proxied_client_ip, proxied_proxy_ip', 1, 'proxied_proxy_ip'],
      ['proxied_client_ip, proxied_proxy_ip', 2, 'proxied_client_ip'],
      ['proxied_client_ip, proxied_proxy_ip', 3, 'proxied_client_ip'],
      [', proxied_proxy_ip', 1, 'proxied_proxy_ip'],
      [', proxied_proxy_ip', 2, '400'],
      ['1.1.1.1, 2.2.2.2, 3.3.3.3', 1, '3.3.3.3'],
      ['1.1.1.1, 2.2.2.2, 3.3.3.3', 2, '2.2.2.2'],
    ];
    for (const [header, n, expected] of vectors) {
      ips.length = 0;
      const status = await ask(n, header);
      expect(expected === '400' ? status : ips[0], `${header} N=${n}`).toBe(expected === '400' ? '400' : `${n}:${expected}`);
    }
    await Promise.all(servers.map((s) => s.close()));
  });
});
