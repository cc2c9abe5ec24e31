import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { isProvdError, type FirmwareFile } from '@provd/sdk';
import { downloadFile } from '../src/download';
import { sha1 } from './helpers';
import { startProxy } from './server';

const body = Buffer.from('firmware bytes '.repeat(1000));
const file = (url: string, extra: Partial<FirmwareFile> = {}): FirmwareFile => ({ id: 'fw', url, size: body.length, sha1: sha1(body), filename: 'fw.bin', downloader: 'default', source: { file: 'x' }, ...extra });

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return (server.address() as AddressInfo).port;
}

async function cache(): Promise<TestDir> {
  const dir = await testdir();
  cleanups.push(() => dir.cleanup());
  return dir;
}

describe('downloads', () => {
  it('goes through an HTTP proxy with CONNECT to an https server it trusts through "ca"', async () => {
    const keys = await cache();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keys.join('key.pem'), '-out', keys.join('cert.pem')], { stdio: 'ignore' });
    const cert = await readFile(keys.join('cert.pem'));
    const server = createHttpsServer({ key: await readFile(keys.join('key.pem')), cert }, (_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    const port = await listen(server);
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const dir = await cache();
    const path = await downloadFile(file(`https://127.0.0.1:${port}/fw.bin`), dir.path, { proxies: { https: proxy.url }, ca: cert, retries: 0 });
    expect(sha1(await readFile(path))).toBe(sha1(body));
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port}`]);
  });

  it('gives up on a server that never answers after the idle timeout and the retries', async () => {
    const port = await listen(createHttpServer(() => undefined));
    const dir = await cache();
    const err = await downloadFile(file(`http://127.0.0.1:${port}/fw.bin`), dir.path, { timeoutMs: 200, retries: 1, backoffMs: 10 }).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_DOWNLOAD_FAILED')).toBe(true);
    expect((err as Error).message).toContain('after 2 attempts: timed out');
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('sends the plugin credentials for the "auth" downloader, and reports a refusal', async () => {
    const expected = `Basic ${Buffer.from('alice:secret').toString('base64')}`;
    const port = await listen(createHttpServer((req, res) => (req.headers.authorization === expected ? res.writeHead(200, { 'content-length': body.length }).end(body) : res.writeHead(401).end())));
    const dir = await cache();
    const url = `http://127.0.0.1:${port}/fw.bin`;
    const refused = await downloadFile(file(url, { downloader: 'auth' }), dir.path, { retries: 0 }).catch((e: unknown) => e);
    expect(isProvdError(refused, 'PROVD_FETCHFW_AUTH_FAILED')).toBe(true);
    await downloadFile(file(url, { downloader: 'auth' }), dir.path, { credentials: { username: 'alice', password: 'secret' } });
    expect(await readdir(dir.path)).toEqual(['fw.bin']);
  });

  it('refuses a URL it does not download, naming where to place the file', async () => {
    const dir = await cache();
    const err = await downloadFile(file('ftp://ftp.example.org/fw.bin'), dir.path).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_FETCHFW_MANUAL_FILE')).toBe(true);
    expect((err as Error).message).toContain(`place this file at "${dir.join('fw.bin')}"`);
  });
});
