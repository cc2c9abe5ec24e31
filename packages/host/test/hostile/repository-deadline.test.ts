import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provd } from '../helpers-cli';
import { pluginTarball, writeRepo } from '../helpers-plugins';
import { api, pluginOperation, startHostile, type HostileHost } from './harness';

let dir: TestDir;
let server: Server;
let url: string;
const sockets = new Set<Socket>();
let h: HostileHost | undefined;

/** A repository server that sends `mode` = `trickle` (8 bytes every 100 ms) or `stall` (headers, then nothing). */
async function hostileRepo(mode: 'trickle' | 'stall'): Promise<void> {
  server = createServer(async (req, res) => {
    const data = await readFile(join(dir.join('repo'), decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replaceAll('/', ''))).catch(() => undefined);
    if (!data) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': data.length });
    if (mode === 'stall') return; // never a byte of the body
    let at = 0;
    const timer = setInterval(() => {
      if (at >= data.length || res.destroyed) return clearInterval(timer), res.end();
      res.write(data.subarray(at, (at += 8)));
    }, 100);
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

beforeEach(async () => {
  dir = await testdir();
  await writeRepo(dir.join('repo'), [{ id: 'acme-1', tarball: await pluginTarball('acme-1'), version: '1.0.0' }]);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dir.cleanup();
});

describe('a repository that stalls or trickles', () => {
  for (const mode of ['trickle', 'stall'] as const) {
    it(`(${mode}) fails the install through the API within the whole-operation deadline, and the host keeps serving`, async () => {
      await hostileRepo(mode);
      h = await startHostile(dir, { repo: url, downloadDeadlineMs: 2000 });
      const started = Date.now();
      const op = await pluginOperation(h.host.ports.api, 'install', 'acme-1');
      const seconds = (Date.now() - started) / 1000;
      expect(op.status, JSON.stringify(op)).toMatch(/fail|502/);
      expect(h.log.join('\n') + (op.code ?? ''), JSON.stringify(op)).toMatch(/did not complete within 2 s|PROVD_REPO_UNREACHABLE/);
      expect(seconds).toBeLessThan(8);
      expect(await h.host.app.installPlugin('acme-1').then(() => 'installed', (e: { message?: string }) => e.message)).toContain('did not complete within 2 s');
      expect((await api(h.host.ports.api, 'GET', '/pg_mgr/plugins')).status).toBe(200);
    }, 40_000);
  }

  it('(trickle) fails `provd install --download-deadline 2` in time, and a deadline that is no number is a usage error', async () => {
    await hostileRepo('trickle');
    const started = Date.now();
    const run = await provd('install', 'acme-1', '--repo', url, '--plugins-dir', dir.join('plugins'), '--download-deadline', '2');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PROVD_REPO_UNREACHABLE: .*did not complete within 2 s/);
    expect((Date.now() - started) / 1000).toBeLessThan(8);
    expect((await provd('install', 'acme-1', '--repo', url, '--plugins-dir', dir.join('plugins'), '--download-deadline', 'soon')).code).toBe(2);
  }, 40_000);
});
