import { createServer } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../src/cli/commands/serve';
import { runCli } from '../src/cli/run-cli';
import { run } from './serve-helpers';

/** A plugin folder as a build would make it, its entry in plain JavaScript without SDK imports. */
const ENTRY = `
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
    const target = this.file(device);
    await writeFile(target + '.tmp', 'url=' + raw.http_base_url + '\\nuser=' + raw.sip_lines['1'].username + '\\n');
    await rename(target + '.tmp', target);
  }
  async deconfigure(device) { await rm(this.file(device), { force: true }); }
  async synchronize() {}
  getRemoteStateTriggerFilename() { return undefined; }
  isSensitiveFilename(name) { return /^[0-9a-f]{12}\\.cfg$/.test(name); }
  async close() {}
}
`;

let dir: TestDir;
let ports: { http: number; tftp: number; api: number };
let serving: Promise<number>;
const stderr: string[] = [];

function io(sink: { out: string }) {
  return {
    stdout: { write: (t: string) => ((sink.out += t), true) },
    stderr: { write: (t: string) => (stderr.push(t), true), isTTY: false },
  };
}

beforeAll(async () => {
  dir = await testdir({
    'plugins/acme-test/entry.js': ENTRY,
    'plugins/acme-test/plugin-info': JSON.stringify({ version: '1.0.0', description: 'Acme test', capabilities: { 'Acme, A1, 1.0': { lines: 1, function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' } }, sdk: '*' }),
    'plugins/acme-test/var/tftpboot/.keep': '',
  });
  const sink = { out: '' };
  serving = runCli(
    ['node', 'provd', 'serve', '--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--http-port', '0', '--tftp-port', '0',
      '--api-port', '0', '--ops-port', '0', '--url-key', 'tenant-1=s3cretKey1', '--sync', 'none', '--api-insecure-loopback', '--json'],
    [serveCommand],
    io(sink),
  );
  for (let i = 0; i < 200 && sink.out === ''; i++) await new Promise((r) => setTimeout(r, 50));
  expect(sink.out, stderr.join('')).not.toBe('');
  ports = JSON.parse(sink.out);
});

afterAll(async () => {
  process.emit('SIGTERM');
  expect(await serving).toBe(0);
  await dir.cleanup();
});

const api = async (method: string, path: string, body?: unknown, tenant?: string) => {
  const args = ['-sS', '-X', method, '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${ports.api}${path}`];
  if (tenant) args.push('-H', `Wazo-Tenant: ${tenant}`);
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
  return (await run('curl', args)).stdout;
};

describe('provd serve', () => {
  it('loads the installed plugins at start and serves per-tenant URL keys', async () => {
    expect(stderr.join('')).toContain('API mode: INSECURE LOOPBACK');
    expect(await api('POST', '/0.2/cfg_mgr/configs', { config: { id: 'c', parent_ids: [], raw_config: { sip_lines: { '1': { username: 'kim' } } } } })).toBe('201');
    expect(await api('POST', '/0.2/dev_mgr/devices', { device: { mac: '00:11:22:33:44:55', plugin: 'acme-test', config: 'c' } }, 'tenant-1')).toBe('201');
    const base = `http://127.0.0.1:${ports.http}`;
    const ok = await run('curl', ['-sS', '-f', `${base}/s3cretKey1/acme/001122334455.cfg`]);
    expect(ok.stdout, stderr.join('') + ok.stderr).toBe(`url=${base}/s3cretKey1\nuser=kim\n`);
    for (const path of ['/acme/001122334455.cfg', '/wrongKey12/acme/001122334455.cfg']) {
      expect((await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${base}${path}`])).stdout).toBe('404');
    }
  });

  it('takes a tenant\'s provisioning key from the API at once: new URLs, the old key refused, a second tenant keyed', async () => {
    const base = `http://127.0.0.1:${ports.http}`;
    const get = async (path: string) => (await run('curl', ['-sS', '-w', '\n%{http_code}', `${base}${path}`])).stdout;
    expect(await api('PUT', '/0.2/configure/provisioning_key', { param: { value: 'n3wKeyOfT1' } }, 'tenant-1')).toBe('204');
    expect(await get('/n3wKeyOfT1/acme/001122334455.cfg')).toBe(`url=${base}/n3wKeyOfT1\nuser=kim\n\n200`);
    expect(await get('/s3cretKey1/acme/001122334455.cfg')).toMatch(/\n404$/);
    expect(await api('PUT', '/0.2/configure/provisioning_key', { param: { value: 'n3wKeyOfT1' } }, 'tenant-2')).toBe('400');
    expect(await api('PUT', '/0.2/configure/provisioning_key', { param: { value: 'keyOfT2xyz' } }, 'tenant-2')).toBe('204');
    expect(await api('POST', '/0.2/dev_mgr/devices', { device: { mac: '00:11:22:33:44:66', plugin: 'acme-test', config: 'c' } }, 'tenant-2')).toBe('201');
    expect(await get('/keyOfT2xyz/acme/001122334466.cfg')).toBe(`url=${base}/keyOfT2xyz\nuser=kim\n\n200`);
  });

  it('refuses bad settings with exit status 1 and a port in use with PROVD_HOST_LISTEN_FAILED', async () => {
    const sink = { out: '' };
    stderr.length = 0;
    expect(await runCli(['node', 'provd', 'serve', '--data-dir', dir.join('d2')], [serveCommand], io(sink))).toBe(1);
    expect(stderr.join('')).toMatch(/^provd: PROVD_SERVE_SETTINGS_INVALID: .*plugins_dir: is required \(--plugins-dir/);
    stderr.length = 0;
    expect(await runCli(['node', 'provd', 'serve', '--plugins-dir', dir.join('p2'), '--data-dir', dir.join('d2'), '--http-port', '99999'], [serveCommand], io(sink))).toBe(1);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    stderr.length = 0;
    const code = await runCli(
      ['node', 'provd', 'serve', '--plugins-dir', dir.join('p2'), '--data-dir', dir.join('d2'), '--http-port', String(taken), '--tftp-port', '0', '--api-port', '0', '--ops-port', '0'],
      [serveCommand],
      io(sink),
    );
    blocker.close();
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/^provd: PROVD_HOST_LISTEN_FAILED: .*HTTP/);
  });
});
