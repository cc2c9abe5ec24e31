import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisioningHttpServer, type HttpRequestDone, type ProvisioningHttpServerOptions } from '../src/http/index';
import { run } from './serve-helpers';

// The fast path of the plain-HTTP server (its own reading of simple GET/HEAD requests) against Node's HTTP server
// (fastPath: false) serving the same folder: every answer byte for byte the same but the Date, including every
// request the fast path hands to Node's server; then what only the fast path does (pipelining with async routing,
// heads split across segments, timeouts, reports), with raw sockets and curl as clients.

let dir: TestDir;
const servers: ProvisioningHttpServer[] = [];
let fast: ProvisioningHttpServer;
let node: ProvisioningHttpServer;
const reports: HttpRequestDone[] = [];
const logged: string[] = [];

async function serve(options: Partial<ProvisioningHttpServerOptions> = {}): Promise<ProvisioningHttpServer> {
  const server = new ProvisioningHttpServer({
    port: 0,
    route: async (req) => {
      // a router that takes its time for some files: answers are still written in request order
      const wait = /slow(\d+)/.exec(req.path)?.[1];
      if (wait) await new Promise((r) => setTimeout(r, Number(wait)));
      if (req.path.includes('boom')) throw new Error('the router broke');
      if (req.segments[0] === 'forbidden') return { status: 403, message: 'no', device: 'd1' };
      return { root: dir.join('root'), device: 'd1', plugin: 'p1' };
    },
    ...options,
  });
  await server.start();
  servers.push(server);
  return server;
}

beforeAll(async () => {
  dir = await testdir({
    'root/Digium/000fd3054848.cfg': '<config/>\n',
    'root/a.xml': '<x/>',
    'root/slow50.cfg': 'fifty',
    'root/slow1.cfg': 'one',
    'root/big.bin': Buffer.alloc(600_000, 7),
    'root/mid.bin': Buffer.alloc(200_000, 5),
  });
  fast = await serve({ onResponse: (done) => reports.push(done), log: (line) => logged.push(line) });
  node = await serve({ fastPath: false, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dir.cleanup();
});

/** Writes `chunks` (with `gapMs` between them) and collects what comes back until the server closes or `waitMs`. */
function exchange(port: number, chunks: (string | Buffer)[], { gapMs = 0, waitMs = 3000, halfClose = false, readAfterMs = 0 } = {}): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: Buffer.concat(parts), closed: false });
    }, waitMs);
    socket.on('data', (d) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(parts), closed: true });
    });
    socket.on('connect', async () => {
      if (readAfterMs > 0) {
        socket.pause();
        setTimeout(() => socket.resume(), readAfterMs);
      }
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (halfClose) socket.end();
    });
  });
}

const normal = (data: Buffer) => data.toString('latin1').replace(/\r\nDate: [^\r]*\r\n/g, '\r\nDate: -\r\n');
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

const CFG = 'GET /Digium/000fd3054848.cfg HTTP/1.1\r\nHost: x\r\n';

describe('the fast path answers exactly as Node’s HTTP server', () => {
  it('gives the same bytes (but the Date) for served files, conditional requests, ranges, errors and every hand-over', async () => {
    const etag = /ETag: ("[^"]+")/.exec(normal((await exchange(fast.port, [`${CFG}Connection: close\r\n\r\n`])).data))![1]!;
    const cases = [
      `${CFG}\r\n`,
      `HEAD /Digium/000fd3054848.cfg HTTP/1.1\r\nHost: x\r\n\r\n`,
      `${CFG}If-None-Match: ${etag}\r\n\r\n`,
      `${CFG}If-None-Match: "other"\r\n\r\n`,
      `${CFG}If-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT\r\n\r\n`,
      `${CFG}Range: bytes=1-3\r\n\r\n`,
      `${CFG}Range: bytes=100-\r\n\r\n`,
      `GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\n\r\n`,
      `HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /missing.cfg HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /../secret HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /forbidden/a.xml HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /boom.cfg HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /a.xml?x=1 HTTP/1.1\r\nhOsT:   x  \r\nUser-Agent: Digium D65\r\nContent-Length: 0\r\n\r\n`,
      `GET /a.xml HTTP/1.0\r\n\r\n`,
      `GET /a"<>{}|\\^\`[]~!$&'()*+,;=:@b.cfg HTTP/1.1\r\nHost: x\r\n\r\n`,
      `${CFG}X-Obs-Text: caf\xe9\r\nX-Tab: a\tb\r\nX-Empty:\r\n\r\n`,
      `${CFG}X-Del: a\x7fb\r\n\r\n`,
      `${CFG}X-Cr: a\r\r\n\r\n`,
      `${CFG}: no name\r\n\r\n`,
      `${CFG}X-Lf: a\nb\r\n\r\n`,
      `${CFG}X-Nbsp: a\xa0\r\n\r\n`,
      `${CFG}Connection: TE, close\r\n\r\n`,
      `GET /a.xml HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      // handed to Node's server
      `POST /a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`,
      `DELETE /a.xml HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n continued\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n`,
      `GET /a.xml HTTP/1.1\r\nHost : x\r\n\r\n`,
      `GET /a.xml HTTP/1.1\nHost: x\n\n`,
      `GET http://x/a.xml HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /a.xml HTTP/2.0\r\nHost: x\r\n\r\n`,
      `get /a.xml HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /${'a'.repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `${CFG}X-Big: ${'b'.repeat(7000)}\r\n\r\n`,
      `${CFG}X-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      '\x16\x03\x01garbage\r\n\r\n',
    ];
    for (const raw of cases) {
      // the same request twice on one connection, then one that closes it: keep-alive handling compared too
      const chunks = [raw, raw, 'GET /a.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'];
      const [a, b] = await Promise.all([exchange(fast.port, chunks, { gapMs: 30 }), exchange(node.port, chunks, { gapMs: 30 })]);
      expect(normal(a.data), raw.slice(0, 80)).toBe(normal(b.data));
      expect(a.closed, raw.slice(0, 80)).toBe(b.closed);
    }
    // a router failure is a 500, and told to the log, on both paths
    expect(logged.filter((l) => l === 'http: GET /boom.cfg: the router broke')).toHaveLength(4);
  });

  it('ends the connection as Node’s server does when the client ends its side', async () => {
    for (const chunks of [[`${CFG}\r\n`], [`${CFG}\r\n`, 'GET /a.xml HTTP/1.1\r\nHo'], ['GET /slow50.cfg HTTP/1.1\r\nHost: x\r\n\r\n']]) {
      const [a, b] = await Promise.all([exchange(fast.port, chunks, { gapMs: 30, halfClose: true }), exchange(node.port, chunks, { gapMs: 30, halfClose: true })]);
      expect(normal(a.data), chunks.join('|')).toBe(normal(b.data));
      expect(a.closed).toBe(b.closed);
    }
  });

  it('serves curl the same way, several files on one kept-alive connection', async () => {
    const url = (port: number) => [`http://127.0.0.1:${port}/Digium/000fd3054848.cfg`, `http://127.0.0.1:${port}/a.xml`, `http://127.0.0.1:${port}/big.bin`];
    const a = await run('curl', ['-sS', '-v', '-o', dir.join('a1'), '-o', dir.join('a2'), '-o', dir.join('a3'), ...url(fast.port)]);
    expect(a.stderr).toMatch(/Re-using existing connection|Reusing existing/);
    expect(await readFile(dir.join('a1'), 'utf8')).toBe('<config/>\n');
    expect(await readFile(dir.join('a2'), 'utf8')).toBe('<x/>');
    expect((await readFile(dir.join('a3'))).equals(Buffer.alloc(600_000, 7))).toBe(true);
    const post = await run('curl', ['-sS', '-o', '/dev/null', '-D', '-', '-X', 'POST', '-d', 'x=1', `http://127.0.0.1:${fast.port}/a.xml`]);
    expect(post.stdout).toMatch(/^HTTP\/1\.1 405/);
    expect(post.stdout).toMatch(/allow: GET, HEAD/i);
  });
});

describe('what the fast path adds', () => {
  it('reads plain connections itself and hands one to Node’s server at the first request it does not serve', async () => {
    const socket = connect(fast.port, '127.0.0.1');
    const got: string[] = [];
    const answer = () => new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    await new Promise((r) => socket.once('connect', r));
    const before = fast.fastConnections;
    socket.write(`${CFG}\r\n`);
    got.push(await answer());
    expect(fast.fastConnections).toBe(before);
    expect(before).toBeGreaterThan(0);
    socket.write('OPTIONS /a.xml HTTP/1.1\r\nHost: x\r\n\r\n');
    got.push(await answer());
    expect(fast.fastConnections).toBe(before - 1);
    socket.write(`${CFG}\r\n`);
    got.push(await answer());
    socket.destroy();
    expect(got.map((g) => statuses(g)[0])).toEqual([200, 405, 200]);
  });

  it('answers pipelined requests in order though their routing ends in another order', async () => {
    const one = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const batch = one('/slow50.cfg') + one('/slow1.cfg') + one('/a.xml') + one('/missing.cfg') + one('/Digium/000fd3054848.cfg').replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n');
    const { data, closed } = await exchange(fast.port, [batch]);
    const text = data.toString('latin1');
    expect(closed).toBe(true);
    expect(statuses(text)).toEqual([200, 200, 200, 404, 200]);
    const bodies = ['fifty', 'one', '<x/>', 'not found\n', '<config/>\n'];
    let at = 0;
    for (const body of bodies) {
      const found = text.indexOf(`\r\n\r\n${body}`, at);
      expect(found, body).toBeGreaterThan(at - 1);
      at = found + body.length;
    }
  });

  it('streams a large file in its turn among pipelined requests', async () => {
    const batch = `GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n${CFG}\r\nGET /a.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
    const { data } = await exchange(fast.port, [batch]);
    const text = data.toString('latin1');
    expect(statuses(text.replace(/\x07+/g, ''))).toEqual([200, 200, 200]);
    const big = text.indexOf('\r\n\r\n') + 4;
    expect(text.slice(big, big + 600_000)).toBe('\x07'.repeat(600_000));
    expect(text.slice(big + 600_000)).toMatch(/^HTTP\/1\.1 200 OK[^]*<config\/>\nHTTP\/1\.1 200 OK[^]*<x\/>$/);
  });

  it('answers many pipelined requests of a client that reads late, all in order and whole', async () => {
    const asks = Array.from({ length: 40 }, (_, i) => `GET /mid.bin?n=${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const { data, closed } = await exchange(fast.port, [asks + `GET /a.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], { readAfterMs: 500, waitMs: 10_000 });
    expect(closed).toBe(true);
    const text = data.toString('latin1');
    const heads = text.split('\x05'.repeat(200_000));
    expect(heads).toHaveLength(41);
    expect(heads.slice(0, 40).every((h) => /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 200000\r\n[^]*\r\n\r\n$/.test(h))).toBe(true);
    expect(heads[40]).toMatch(/\r\n\r\n<x\/>$/);
  });

  it('answers what it serves, then hands a pipelined request it does not serve to Node’s server, in order', async () => {
    const batch = `${CFG}\r\nPOST /a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab${CFG}Connection: close\r\n\r\n`;
    const { data } = await exchange(fast.port, [batch]);
    const text = data.toString('latin1');
    expect(statuses(text)).toEqual([200, 405, 200]);
    expect(text).toMatch(/Allow: GET, HEAD/);
  });

  it('reads a request sent byte by byte', async () => {
    const raw = `${CFG}User-Agent: Digium D65 2.8.1\r\nConnection: close\r\n\r\n`;
    const { data, closed } = await exchange(fast.port, [...raw].map((c) => c), { gapMs: 2 });
    expect(closed).toBe(true);
    expect(statuses(data.toString())).toEqual([200]);
    expect(data.toString()).toMatch(/\r\n\r\n<config\/>\n$/);
  });

  it('closes an HTTP/1.0 connection after its answer unless asked to keep it', async () => {
    const closing = await exchange(fast.port, ['GET /a.xml HTTP/1.0\r\n\r\n'], { waitMs: 1000 });
    expect(closing.closed).toBe(true);
    expect(normal(closing.data)).toMatch(/Connection: close\r\n\r\n<x\/>$/);
    const kept = await exchange(fast.port, ['GET /a.xml HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'], { waitMs: 300 });
    expect(kept.closed).toBe(false);
    expect(normal(kept.data)).toMatch(/Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n<x\/>$/);
  });

  it('answers a slow client 408 and closes an idle keep-alive connection, on its timeouts', async () => {
    const short = await serve({ headersTimeoutMs: 300, keepAliveTimeoutMs: 300 });
    const started = Date.now();
    const slow = await exchange(short.port, ['GET /a.xml HTTP/1.1\r\n', 'Host: x\r\n'], { gapMs: 100, waitMs: 3000 });
    expect(slow.closed).toBe(true);
    expect(slow.data.toString()).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(Date.now() - started).toBeLessThan(2000);
    const silent = await exchange(short.port, [], { waitMs: 3000 });
    expect(silent.data.toString()).toMatch(/^HTTP\/1\.1 408/);
    const idle = await exchange(short.port, [`${CFG}\r\n`], { waitMs: 3000 });
    expect(idle.closed).toBe(true);
    expect(statuses(idle.data.toString())).toEqual([200]);
  });

  it('reports each answered request, and one cut short as aborted', async () => {
    reports.length = 0;
    await exchange(fast.port, [`HEAD /a.xml HTTP/1.1\r\nHost: x\r\n\r\n${CFG}Connection: close\r\n\r\n`]);
    expect(reports).toEqual([
      expect.objectContaining({ client: '127.0.0.1', method: 'HEAD', file: '/a.xml', status: 200, bytes: 0, device: 'd1', plugin: 'p1' }),
      expect.objectContaining({ method: 'GET', file: '/Digium/000fd3054848.cfg', status: 200, bytes: 10 }),
    ]);
    expect(reports.every((r) => r.aborted === undefined && typeof r.ms === 'number')).toBe(true);
    reports.length = 0;
    // the client leaves while the router is still at work
    await exchange(fast.port, ['GET /slow50.cfg HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 10 });
    await new Promise((r) => setTimeout(r, 100));
    expect(reports).toEqual([expect.objectContaining({ file: '/slow50.cfg', aborted: true })]);
  });

  it('lets a request in flight finish when closed with a drain, and closes idle connections at once', async () => {
    const closing = await serve({ onResponse: () => {} });
    const idle = exchange(closing.port, [`${CFG}\r\n`], { waitMs: 3000 });
    await new Promise((r) => setTimeout(r, 100));
    const busy = exchange(closing.port, ['GET /slow50.cfg HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 3000 });
    await new Promise((r) => setTimeout(r, 10));
    await closing.close({ drainMs: 2000 });
    const [i, b] = await Promise.all([idle, busy]);
    expect(i.closed && b.closed).toBe(true);
    expect(statuses(i.data.toString())).toEqual([200]);
    expect(b.data.toString()).toMatch(/Connection: close\r\n\r\nfifty$/);
  });
});
