// Real `provd serve` processes (the built CLI) on the store: two hosts sharing one PostgreSQL database, and hosts
// killed with SIGKILL in the middle of a background reconfigure and of a burst of changes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EARLY_ANSWERS_LIMIT } from '../src/app/request-processing';
import type { StoreEngine } from '../src/store/store';
import { freshPgDatabase } from './store-helpers';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A plain-JS plugin whose file holds the line-1 user and password; configure waits ACME_DELAY_MS first. */
const ENTRY = `
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
const delay = Number(process.env.ACME_DELAY_MS ?? 0);
export default class AcmePlugin {
  constructor(context) {
    this.id = context.id;
    this.services = {};
    this.tftpbootDir = join(context.pluginDir, 'var', 'tftpboot');
    this.httpDevInfoExtractor = { extract: async (req) => {
      const m = /^\\/acme\\/([0-9a-f]{12})\\.cfg$/.exec(req.path);
      return m ? { vendor: 'Acme', mac: m[1].match(/../g).join(':') } : undefined;
    } };
    this.pgAssociator = { associate: (info) => (info.vendor === 'Acme' ? 500 : 100) };
  }
  async configureCommon() { await mkdir(join(this.tftpbootDir, 'acme'), { recursive: true }); }
  file(device) { return join(this.tftpbootDir, 'acme', device.mac.replaceAll(':', '') + '.cfg'); }
  async configure(device, raw) {
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const line = raw.sip_lines['1'];
    const target = this.file(device);
    await writeFile(target + '.tmp', 'mac=' + device.mac + '\\nuser=' + line.username + '\\npassword=' + line.password + '\\n');
    await rename(target + '.tmp', target);
  }
  async deconfigure(device) { await rm(this.file(device), { force: true }); }
  async synchronize() {}
  getRemoteStateTriggerFilename() { return undefined; }
  isSensitiveFilename() { return false; }
  async close() {}
}
`;
const INFO = JSON.stringify({
  version: '1.0.0',
  description: 'Acme test',
  capabilities: { 'Acme, A1, 1.0': { lines: 1, function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' } },
  sdk: '*',
});

interface Host {
  child: ChildProcess;
  ports: { http: number; tftp: number; api: number };
  stderr: () => string;
  root: string;
}

let dir: TestDir;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await testdir();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await dir.cleanup();
});

/** A host folder `name` with the plugin installed (its own plugins and data folders). */
async function hostFolder(name: string): Promise<string> {
  const root = dir.join(name);
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(join(root, 'plugins', 'acme-test', 'var', 'tftpboot'), { recursive: true });
  await writeFile(join(root, 'plugins', 'acme-test', 'entry.js'), ENTRY);
  await writeFile(join(root, 'plugins', 'acme-test', 'plugin-info'), INFO);
  return root;
}

/** Starts `provd serve` on the host folder `root` and waits until it listens. */
async function serve(root: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Host> {
  const args = [CLI, 'serve', '--plugins-dir', join(root, 'plugins'), '--data-dir', join(root, 'data'), '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--ops-port', '0', '--api-insecure-loopback', '--sync', 'none', '--json', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  for (let i = 0; i < 400 && !out.includes('\n'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!out.includes('\n')) throw new Error(`provd serve did not start: ${err}`);
  return { child, ports: JSON.parse(out.split('\n')[0]!), stderr: () => err, root };
}

async function api(host: Host, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${host.ports.api}/0.2${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function phoneFile(host: Host, mac: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${host.ports.http}/acme/${mac.replaceAll(':', '')}.cfg`);
  return res.status === 200 ? res.text() : `HTTP ${res.status}`;
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const line = (password: string) => ({ sip_lines: { '1': { username: 'alice', password, proxy_ip: '10.0.0.2' } } });
const macOf = (i: number) => `00:0f:d3:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

const killHard = async (host: Host) => {
  host.child.kill('SIGKILL');
  await new Promise((r) => host.child.once('exit', r));
};

const idle = (host: Host) => until(() => api(host, 'GET', '/status'), (r) => r.status === 200 && r.body.reconfigure.jobs.length === 0, 60_000);
const byMac = (mac: string) => `/dev_mgr/devices?q=${encodeURIComponent(JSON.stringify({ mac }))}`;
const config = (password: string) => ({ config: { id: 'base', parent_ids: [], raw_config: line(password) } });

describe('two provd serve processes on one PostgreSQL database', () => {
  it('serve what the other one created and configured, and follow its config changes at once', async () => {
    const db = await freshPgDatabase();
    try {
      const a = await serve(await hostFolder('a'), ['--store-url', db.url]);
      // The hosts of one site share their top tenant: it is kept in the store's settings.
      const b = await serve(await hostFolder('b'), ['--store-url', db.url]);
      expect((await api(a, 'POST', '/cfg_mgr/configs', config('pw-1'))).status).toBe(201);
      const created = await api(a, 'POST', '/dev_mgr/devices', { device: { mac: '00:11:22:33:44:55', plugin: 'acme-test', config: 'base' } });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await api(a, 'GET', `/dev_mgr/devices/${id}`)).body.device.configured).toBe(true);
      expect(await phoneFile(a, '00:11:22:33:44:55')).toContain('password=pw-1');
      // Host B has its own plugin folder: it writes its own copy of the file, from the change A committed.
      expect(await until(() => phoneFile(b, '00:11:22:33:44:55'), (t) => t.includes('password=pw-1'))).toContain('password=pw-1');
      expect((await api(b, 'GET', byMac('00:11:22:33:44:55'))).body.devices).toEqual([expect.objectContaining({ id, configured: true })]);

      // A config change through B reaches phones fetching from A.
      expect((await api(b, 'PUT', '/cfg_mgr/configs/base', config('pw-2'))).status).toBeLessThan(300);
      expect(await until(() => phoneFile(a, '00:11:22:33:44:55'), (t) => t.includes('password=pw-2'))).toContain('password=pw-2');
      expect(await until(() => phoneFile(b, '00:11:22:33:44:55'), (t) => t.includes('password=pw-2'))).toContain('password=pw-2');

      // A phone first seen by B is created once, in the shared store, and A serves it too.
      expect(await phoneFile(b, '00:11:22:33:44:66')).toBe('HTTP 404');
      const auto = await until(() => api(a, 'GET', byMac('00:11:22:33:44:66')), (r) => r.body.devices.length === 1);
      expect(auto.body.devices[0]).toMatchObject({ plugin: 'acme-test', added: 'auto' });
      expect((await api(a, 'PUT', `/dev_mgr/devices/${auto.body.devices[0].id}`, { device: { ...auto.body.devices[0], config: 'base' } })).status).toBeLessThan(300);
      expect(await until(() => phoneFile(b, '00:11:22:33:44:66'), (t) => t.includes('password=pw-2'))).toContain('password=pw-2');
      // Deleting through A removes B's copy.
      await api(a, 'DELETE', `/dev_mgr/devices/${id}`);
      expect(await until(() => phoneFile(b, '00:11:22:33:44:55'), (t) => t === 'HTTP 404')).toBe('HTTP 404');
      await idle(a);
      await idle(b);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

const engines: { name: StoreEngine; flags: () => Promise<{ flags: string[]; drop: () => Promise<void> }> }[] = [
  { name: 'sqlite', flags: async () => ({ flags: [] as string[], drop: async () => {} }) },
  {
    name: 'postgres',
    flags: async () => {
      const db = await freshPgDatabase();
      return { flags: ['--store-url', db.url], drop: db.drop };
    },
  },
];

describe.each(engines)('kill -9 on the $name store', ({ name, flags }) => {
  it('during a background reconfigure of 300 devices: after restart no phone gets the old password, and the job completes', async () => {
    const store = await flags();
    try {
      const root = await hostFolder('h');
      const slow = { ACME_DELAY_MS: '30' };
      let host = await serve(root, store.flags, slow);
      await api(host, 'POST', '/cfg_mgr/configs', config('old-pw'));
      const macs = Array.from({ length: 300 }, (_, i) => macOf(i));
      for (let i = 0; i < macs.length; i += 25) {
        await Promise.all(macs.slice(i, i + 25).map((mac) => api(host, 'POST', '/dev_mgr/devices', { device: { mac, plugin: 'acme-test', config: 'base' } })));
      }
      await idle(host);
      // The change is acknowledged at once; the devices are configured in the background.
      expect((await api(host, 'PUT', '/cfg_mgr/configs/base', config('new-pw'))).status).toBeLessThan(300);
      const progress = (await api(host, 'GET', '/status')).body.reconfigure.jobs;
      expect(progress).toEqual([expect.objectContaining({ reason: 'config "base" changed' })]);
      await killHard(host);
      const tftpboot = join(root, 'plugins', 'acme-test', 'var', 'tftpboot', 'acme');
      const before = await Promise.all(macs.map((m) => readFile(join(tftpboot, `${m.replaceAll(':', '')}.cfg`), 'utf8')));
      expect(before.filter((t) => t.includes('old-pw')).length).toBeGreaterThan(0); // killed mid-way

      host = await serve(root, store.flags, slow);
      // Every phone asking right after the restart gets the new password (configured first when its turn has not come).
      const served = await Promise.all(macs.map((m) => phoneFile(host, m)));
      expect(served.filter((t) => !t.includes('password=new-pw'))).toEqual([]);
      await idle(host);
      const after = await Promise.all(macs.map((m) => readFile(join(tftpboot, `${m.replaceAll(':', '')}.cfg`), 'utf8')));
      expect(after.filter((t) => !t.includes('password=new-pw'))).toEqual([]);
      const devices = (await api(host, 'GET', '/dev_mgr/devices')).body.devices;
      expect(devices).toHaveLength(300);
      expect(devices.filter((d: { configured: boolean }) => !d.configured)).toEqual([]);
      expect(host.stderr()).toMatch(/reconfigure: resuming \d+ unfinished job/);
      // the log is JSON lines: the message of one of them tells the job is done
      const messages = host.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
      expect(messages.some((msg) => /^reconfigure: job \d+ \(config "base" changed\) done/.test(msg))).toBe(true);
      await killHard(host);
    } finally {
      await store.drop();
    }
  }, 180_000);

  it('during a burst of new phones: after restart every phone answered has its device, once, or gets it at its next request', async () => {
    const store = await flags();
    try {
      const root = await hostFolder('h');
      let host = await serve(root, store.flags);
      // each phone's first request creates its device; it is answered before its commit (a phone that gets no file:
      // see docs/decisions.md), so a kill may lose the devices of the phones answered in its last milliseconds
      // (committed ones survive the process: before their fsync)
      const answered: string[] = [];
      const burst = Array.from({ length: 300 }, (_, i) =>
        fetch(`http://127.0.0.1:${host.ports.http}/acme/${macOf(2000 + i).replaceAll(':', '')}.cfg`).then(
          async (r) => (await r.arrayBuffer(), r.status === 404 && answered.push(macOf(2000 + i))),
          () => undefined,
        ),
      );
      await until(async () => answered.length, (n) => n >= 60);
      await killHard(host);
      await Promise.allSettled(burst);
      host = await serve(root, store.flags);
      const devices: { mac: string; added: string; plugin: string }[] = (await api(host, 'GET', '/dev_mgr/devices')).body.devices;
      const macs = devices.map((d) => d.mac);
      expect(new Set(macs).size).toBe(macs.length);
      for (const d of devices) expect(d).toMatchObject({ added: 'auto', plugin: 'acme-test' });
      // the devices lost are only the last answered ones' (at most the engine's limit of phones answered before their
      // commit), and each of those phones gets its device at its next request; every phone asking again has exactly one
      const lost = answered.filter((mac) => !macs.includes(mac));
      expect(lost.length).toBeLessThanOrEqual(EARLY_ANSWERS_LIMIT[name]);
      // (its device is committed just after its answer)
      for (const mac of [answered[0]!, ...lost]) {
        expect(await phoneFile(host, mac)).toBe('HTTP 404');
        const found = await until(async () => (await api(host, 'GET', byMac(mac))).body.devices as unknown[], (d) => d.length > 0);
        expect(found).toMatchObject([{ added: 'auto', plugin: 'acme-test' }]);
      }
      await killHard(host);
    } finally {
      await store.drop();
    }
  }, 180_000);

  it('during a burst of changes: after restart every acknowledged change is there, and files and "configured" agree', async () => {
    const store = await flags();
    try {
      const root = await hostFolder('h');
      let host = await serve(root, store.flags, { ACME_DELAY_MS: '5' });
      await api(host, 'POST', '/cfg_mgr/configs', config('pw'));
      const acknowledged: string[] = [];
      const burst = Array.from({ length: 200 }, (_, i) =>
        api(host, 'POST', '/dev_mgr/devices', { device: { id: `dev${String(i).padStart(3, '0')}`, mac: macOf(1000 + i), plugin: 'acme-test', config: 'base' } }).then(
          (r) => r.status === 201 && acknowledged.push(r.body.id),
          () => undefined,
        ),
      );
      await until(async () => acknowledged.length, (n) => n >= 40);
      await killHard(host);
      await Promise.allSettled(burst);
      host = await serve(root, store.flags);
      await idle(host);
      const devices: { id: string; mac: string; configured: boolean }[] = (await api(host, 'GET', '/dev_mgr/devices')).body.devices;
      const ids = new Set(devices.map((d) => d.id));
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      const tftpboot = join(root, 'plugins', 'acme-test', 'var', 'tftpboot', 'acme');
      const files = new Set((await readdir(tftpboot)).filter((f) => f.endsWith('.cfg')));
      for (const d of devices) {
        expect(d.configured, d.id).toBe(true);
        expect(files.has(`${d.mac.replaceAll(':', '')}.cfg`), d.id).toBe(true);
      }
      await killHard(host);
    } finally {
      await store.drop();
    }
  }, 180_000);
});
