/**
 * The hostile suite's harness: a real host (`startHost`, the code `provd serve` runs) on loopback with the fixture
 * plugin installed, real clients (curl, tftp-hpa), and helpers to inject faults at chosen moments.
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach } from 'vitest';
import { startHost, type RunningHost, type ServeHostOptions } from '../../src/app/serve-host';
import { ACME_SOURCE, writePluginFolder } from '../helpers-plugins';
import { run } from '../serve-helpers';

export { run };

/** A running hostile-test host. */
export interface HostileHost {
  dir: TestDir;
  host: RunningHost;
  /** Operational log lines. */
  log: string[];
  /** The security lines (fail2ban format) among the log lines. */
  security(): string[];
  /** Stops the host (the folder stays until `dir.cleanup()`). */
  close(): Promise<void>;
}

/** The fixture plugin's entry, where `<12 hex digits>.cfg` files hold credentials (as a real phone's file would). */
export async function sensitiveAcmeEntry(): Promise<string> {
  const entry = await readFile(join(ACME_SOURCE, 'entry.js'), 'utf8');
  // the pattern names the folder: the host must pass the path, not only the base name
  return `${entry}\nAcmePlugin.prototype.isSensitiveFilename = (name) => /^Acme\\/[0-9a-f]{12}\\.cfg$/.test(name);\n`;
}

/** Writes the fixture plugin `acme-1` (sensitive MAC files) into `<dir>/plugins`. */
export async function installAcme(dir: TestDir, id = 'acme-1'): Promise<string> {
  return writePluginFolder(dir.join('plugins'), id, { files: { 'entry.js': await sensitiveAcmeEntry() } });
}

/** Starts a host over `dir` (plugins in `plugins/`, data in `data/`), every port picked by the system. */
export async function startHostile(dir: TestDir, options: Partial<ServeHostOptions> = {}): Promise<HostileHost> {
  const log: string[] = [];
  const host = await startHost({
    pluginsDir: dir.join('plugins'),
    dataDir: dir.join('data'),
    httpPort: 0,
    tftpPort: 0,
    apiPort: 0,
    sync: 'none',
    apiInsecureLoopback: true, // the API answers loopback requests without a token (the tests' own calls)
    log: (line) => log.push(line),
    ...options,
  });
  return { dir, host, log, security: () => log.filter((l) => l.includes('provd-security:')), close: () => host.close() };
}

/** A new test folder with the fixture plugin installed. */
export async function hostileDir(): Promise<TestDir> {
  const dir = await testdir();
  await installAcme(dir);
  return dir;
}

/** The Acme User-Agent of the phone with MAC `hex` (12 hex digits). */
export const acmeAgent = (hex: string): string => `Acme-A1/1.0 (${hex})`;

/** `GET path` on the provisioning server as the Acme phone `hex` (if given), from `from` (a loopback address): the status and body. */
export async function phoneGet(port: number, path: string, hex?: string, maxSeconds = 10, from?: string): Promise<{ status: string; body: string }> {
  const args = ['-sS', '--max-time', String(maxSeconds), '-w', '\n%{http_code}'];
  if (hex) args.push('-A', acmeAgent(hex));
  if (from) args.push('--interface', from);
  const r = await run('curl', [...args, `http://127.0.0.1:${port}${path}`], { timeoutMs: (maxSeconds + 5) * 1000 });
  const at = r.stdout.lastIndexOf('\n');
  return { status: r.stdout.slice(at + 1) || 'timeout', body: r.stdout.slice(0, Math.max(at, 0)) };
}

/** A REST API call with curl (`path` under `/0.2`), optionally as tenant `tenant`: the status and the parsed body. */
export async function api(port: number, method: string, path: string, body?: unknown, maxSeconds = 10, tenant?: string): Promise<{ status: number; json: any }> {
  const args = ['-sS', '--max-time', String(maxSeconds), '-X', method, '-w', '\n%{http_code}', `http://127.0.0.1:${port}/0.2${path}`];
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
  if (tenant !== undefined) args.push('-H', `Wazo-Tenant: ${tenant}`);
  const r = await run('curl', args, { timeoutMs: (maxSeconds + 5) * 1000 });
  const at = r.stdout.lastIndexOf('\n');
  const text = r.stdout.slice(0, Math.max(at, 0));
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: Number(r.stdout.slice(at + 1)) || 0, json };
}

/** Creates a device through the API (as `tenant`, if given); resolves to its id. */
export async function createDevice(port: number, device: Record<string, unknown>, tenant?: string): Promise<string> {
  const r = await api(port, 'POST', '/dev_mgr/devices', { device }, 10, tenant);
  if (r.status !== 201) throw new Error(`creating a device answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json.id as string;
}

/** The stored device `id` (through the API). */
export async function getDevice(port: number, id: string): Promise<any> {
  return (await api(port, 'GET', `/dev_mgr/devices/${id}`)).json?.device;
}

/** Every device of the top tenant and below (through the API). */
export async function allDevices(port: number): Promise<any[]> {
  return (await api(port, 'GET', '/dev_mgr/devices?recurse=true')).json.devices;
}

/** A TFTP read with tftp-hpa: the exit code, what it printed and the file (if any). */
export async function tftpGet(port: number, file: string, out: string, maxSeconds = 8): Promise<{ code: number; output: string; data?: string }> {
  const r = await run('timeout', [String(maxSeconds), 'tftp', '-m', 'binary', '127.0.0.1', String(port), '-c', 'get', file, out], { timeoutMs: (maxSeconds + 5) * 1000 });
  const data = await readFile(out, 'utf8').catch(() => undefined);
  return { code: r.code, output: r.stdout + r.stderr, ...(data === undefined ? {} : { data }) };
}

/** The autocreate config every new device gets (line 1 holds the secret the tests look for). */
export const AUTOPROV_CONFIG = {
  id: 'autoprov',
  role: 'autocreate',
  parent_ids: [],
  raw_config: { ip: '10.0.0.1', sip_lines: { '1': { username: 'auto', password: 'autopass', proxy_ip: '10.0.0.2' } } },
};

/**
 * Mounts a tmpfs of `size` (e.g. `2m`) at `path` (created when missing), for full-disk cases; the returned function
 * unmounts it (call it in `afterEach`/`afterAll`, after the host using it is closed).
 */
export async function mountTmpfs(path: string, size: string): Promise<() => Promise<void>> {
  await mkdir(path, { recursive: true });
  const r = await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]);
  if (r.code !== 0) throw new Error(`cannot mount a tmpfs at ${path} (the hostile suite runs as root): ${r.stderr}`);
  return async () => {
    const u = await run('umount', [path]);
    if (u.code !== 0) await run('umount', ['-l', path]);
  };
}

/** Fills the file system holding `dir` with a file `<dir>/filler` until a write fails with ENOSPC; returns its path. */
export async function fillDisk(dir: string): Promise<string> {
  const file = join(dir, 'filler');
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (;;) await handle.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
  // the last partial chunk may have left a few bytes: take them too
  await appendFile(file, Buffer.alloc(4096)).catch(() => undefined);
  await appendFile(file, Buffer.alloc(1)).catch(() => undefined);
  return file;
}

/** One hostile case's folder and host, made fresh for each test by {@link hostileCase}. */
export interface HostileCase {
  /** The test folder (with the fixture plugin installed unless asked otherwise). */
  readonly dir: TestDir;
  /** Starts the host over the folder (closing the one started before, if any); closed after the test. */
  start(options?: Partial<ServeHostOptions>): Promise<HostileHost>;
}

/**
 * Registers, for each test of the file, a new folder (`plugin: false`: without the fixture plugin) and closes the
 * host the test started, then removes the folder.
 */
export function hostileCase(options: { plugin?: boolean } = {}): HostileCase {
  let dir: TestDir | undefined;
  let host: HostileHost | undefined;
  beforeEach(async () => {
    dir = options.plugin === false ? await testdir() : await hostileDir();
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    await dir?.cleanup();
  });
  return {
    get dir() {
      if (!dir) throw new Error('hostileCase: the folder exists only inside a test');
      return dir;
    },
    async start(serve = {}) {
      await host?.close();
      host = await startHostile(this.dir, serve);
      return host;
    },
  };
}

/**
 * Runs `POST /0.2/pg_mgr/install/<action>` for plugin `id` through the API and follows the operation until it ends;
 * resolves to its last status (`install|success`, `upgrade|fail`, ...), or the refusal's status and error code.
 */
export async function pluginOperation(port: number, action: 'install' | 'upgrade', id: string, maxSeconds = 30): Promise<{ status: string; code?: string }> {
  const r = await run('curl', ['-sS', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify({ id }), '-w', '\n%{http_code}\n%header{location}', `http://127.0.0.1:${port}/0.2/pg_mgr/install/${action}`]);
  const lines = r.stdout.split('\n');
  const location = lines.pop() ?? '';
  const code = lines.pop() ?? '';
  const body = lines.join('\n').trim();
  if (code !== '201') return { status: code, code: (JSON.parse(body || '{}') as { error?: { code?: string } }).error?.code };
  const url = new URL(location, `http://127.0.0.1:${port}`).href;
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const status = String((JSON.parse((await run('curl', ['-sS', url])).stdout) as { status?: string }).status);
    if (!/\|(waiting|progress)/.test(status) || Date.now() > deadline) return { status };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
