import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { api, createDevice, getDevice, hostileCase, phoneGet } from './harness';

const CRASH = fileURLToPath(new URL('./fixtures/crash-at-rename.mjs', import.meta.url));
// the built command line (`pnpm test` builds first; run `pnpm --filter @provd/sdk --filter @provd/host build` before running this alone)
const PROVD = join(repoRoot, 'packages/host/bin/provd.js');
const DEVICES = 20;
const mac = (i: number) => `000fd30b${i.toString(16).padStart(4, '0')}`;
const config = (password: string) => ({ id: 'c', parent_ids: [], raw_config: { ip: '10.0.0.1', sip_lines: { '1': { username: 'u', password, proxy_ip: '10.0.0.2' } } } });


const t = hostileCase();

/** Every temporary (`.tmp`) or kept-previous (`.old`) file of an atomic write under `path`. */
const strays = async (path: string) => (await readdir(path, { recursive: true })).filter((f) => /\.(tmp|old)$/.test(String(f)));

/** Resolves once every device's file under `tftpboot` holds `text` (polled; the test's timeout bounds it). */
async function filesHold(tftpboot: string, text: string): Promise<void> {
  const holds = async (i: number) => (await readFile(join(tftpboot, 'Acme', `${mac(i)}.cfg`), 'utf8').catch(() => '')).includes(text);
  while (!(await Promise.all(Array.from({ length: DEVICES }, (_, i) => holds(i)))).every(Boolean)) await new Promise((r) => setTimeout(r, 20));
}

describe('kill -9 of the host in the middle of a reconfiguration', () => {
  it('leaves temporary files in the plugin\'s staging folder (none in tftpboot), and the next start removes them', async () => {
    const tftpboot = t.dir.join('plugins', 'acme-1', 'var', 'tftpboot');
    const staging = t.dir.join('plugins', 'acme-1', 'var', 'staging');
    // killed right before the 6th rename of the reconfiguration (the creations make one rename per device first)
    const child = spawn(process.execPath, ['--import', CRASH, PROVD, 'serve', '--plugins-dir', t.dir.join('plugins'), '--data-dir', t.dir.join('data'),
      '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--ops-port', '0', '--sync', 'none', '--api-insecure-loopback', '--json'], {
      env: { ...process.env, PROVD_CRASH_UNDER: tftpboot, PROVD_CRASH_AT: String(DEVICES + 6) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const ports = await new Promise<{ api: number }>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString())));
      child.once('exit', () => reject(new Error('provd serve exited before listening')));
    });
    expect((await api(ports.api, 'POST', '/cfg_mgr/configs', { config: config('old') })).status).toBe(201);
    for (let i = 0; i < DEVICES; i++) {
      const mac12 = mac(i).match(/../g)!.join(':');
      expect((await getDevice(ports.api, await createDevice(ports.api, { mac: mac12, vendor: 'Acme', model: 'A1', plugin: 'acme-1', config: 'c' }))).configured).toBe(true);
    }
    // the creations' files are written by a background batch (a burst of one-device jobs): once it has written them
    // all, with the old password; a change landing before it would have that batch write the new files, and the
    // reconfigure, finding them already current, would rename nothing
    await filesHold(tftpboot, 'password = old');
    await api(ports.api, 'PUT', '/cfg_mgr/configs/c', { config: config('new') }, 10); // the host dies during it (in the background)
    expect(await exited).toBe('SIGKILL');
    expect((await strays(staging)).length).toBeGreaterThan(0);
    expect(await strays(tftpboot)).toEqual([]);

    const h = await t.start({ sensitiveLimit: 0 }); // 20 phones fetch from one address below
    expect(await strays(staging)).toEqual([]);
    expect(h.log.some((l) => /removed \d+ temporary file\(s\) left by an interrupted write/.test(l))).toBe(true);
    // every phone is still served a whole file
    for (let i = 0; i < DEVICES; i++) expect((await phoneGet(h.host.ports.http, `/Acme/${mac(i)}.cfg`, mac(i))).body).toMatch(/password = (old|new)/);
  }, 60_000);
});
