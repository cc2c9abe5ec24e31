import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTarGz } from '../../../firmware/src/archive/test-archives';
import { provd } from '../helpers-cli';

// the built command line (`pnpm test` builds first; run `pnpm --filter @provd/sdk --filter @provd/host build` before running this alone)
const PROVD = join(repoRoot, 'packages/host/bin/provd.js');

let dir: TestDir;
let server: Server;
const sockets = new Set<Socket>();
let body: Buffer;
/** What the server was asked (the Range header of each request) and how many body bytes it sent. */
let requests: (string | undefined)[];
let sent: number;
/** How the server sends a body: 64 KiB every 20 ms (`throttle`) or 1 KiB every 200 ms (`trickle`). */
let pace: 'throttle' | 'trickle';

function send(res: ServerResponse, data: Buffer): void {
  const [size, every] = pace === 'throttle' ? [64 * 1024, 20] : [1024, 200];
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed || at >= data.length) return clearInterval(timer), res.end();
    const chunk = data.subarray(at, (at += size));
    sent += chunk.length;
    res.write(chunk);
  }, every);
}

beforeEach(async () => {
  body = await makeTarGz([{ name: 'pkg/2_8_1_D40_firmware.eff', content: randomBytes(2 * 1024 * 1024) }]);
  requests = [];
  sent = 0;
  pace = 'throttle';
  server = createServer((req, res) => {
    requests.push(req.headers.range);
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const headers: Record<string, string | number> = { 'accept-ranges': 'bytes', 'content-length': body.length - from };
    if (from > 0) headers['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
    res.writeHead(from > 0 ? 206 : 200, headers);
    send(res, body.subarray(from));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fw.tar.gz`;
  const db = `[pkg_firmware]\ndescription: Firmware\nversion: 2.8.1\nfiles: fw\ninstall: fw\n\n[install_fw]\na-b: untar $FILE1\nb-c: cp */*.eff Digium/firmware/\n\n[file_fw]\nurl: ${url}\nsize: ${body.length}\nsha1sum: ${createHash('sha1').update(body).digest('hex')}\n`;
  dir = await testdir({ 'plugins/digium-2.8.1/pkgs/pkgs.db': db, 'plugins/digium-2.8.1/plugin-info': '{}' });
});

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dir.cleanup();
});

const cache = () => dir.join('plugins', 'digium-2.8.1', 'var', 'cache');
const partials = async () => (await readdir(cache()).catch(() => [] as string[])).filter((n) => n.endsWith('.part'));

describe('firmware downloads under faults', () => {
  it('a download killed by kill -9 leaves a partial file that the next install resumes (Range), then nothing', async () => {
    const child = spawn(process.execPath, [PROVD, 'firmware', 'install', 'digium-2.8.1', 'firmware', '--plugins-dir', dir.join('plugins')], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    while (sent < 512 * 1024) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [partial] = await partials();
    expect(partial).toMatch(/^\.fw\.tar\.gz\.[0-9a-f]{16}\.part$/);
    const kept = (await stat(join(cache(), partial!))).size;
    expect(kept).toBeGreaterThan(0);

    const run = await provd('firmware', 'install', 'digium-2.8.1', 'firmware', '--plugins-dir', dir.join('plugins'), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(requests).toEqual([undefined, `bytes=${kept}-`]);
    expect(await partials()).toEqual([]);
    expect(JSON.parse(run.stdout).files).toEqual(['Digium/firmware/2_8_1_D40_firmware.eff']);
  }, 60_000);

  it('a trickling server fails the install within --download-deadline, and the bytes received are kept for later', async () => {
    pace = 'trickle';
    const started = Date.now();
    const run = await provd('firmware', 'install', 'digium-2.8.1', 'firmware', '--plugins-dir', dir.join('plugins'), '--download-deadline', '2');
    expect((Date.now() - started) / 1000).toBeLessThan(8);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PROVD_FETCHFW_DOWNLOAD_FAILED: .*did not complete within 2 s/);
    expect(await partials()).toHaveLength(1);
  }, 30_000);
});
