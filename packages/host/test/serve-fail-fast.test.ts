/**
 * `provd serve` refuses bad start-up input before it binds anything: one `provd: CODE: ...` line, exit status 1,
 * no stack trace, nothing listening.
 */
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvd, type HostProcess } from './host-process';

const started: HostProcess[] = [];

let dir: TestDir;
let port: number;

beforeAll(async () => {
  dir = await testdir({
    'bad.json': '{"ntp_enabled": true,\n "ntp_ip": }\n',
    'list.json': '[1, 2]\n',
    'schema.json': '{"sip_lines": {"1": {"username": 42}}}\n',
    'config.yml': 'plugins_dir: /tmp/x\nsync: sip\n',
  });
  // a port that is free now: if the host bound it before failing, the probe below would find it taken
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const proc of started) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await dir.cleanup();
});

/** Runs `provd serve <args>` to its end; returns its exit status and stderr. */
async function refused(...args: string[]): Promise<{ code: number | string; stderr: string }> {
  const proc = startProvd(['serve', '--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--http-port', String(port), '--tftp-port', '0', '--api-port', '0', '--ops-port', '0', ...args]);
  started.push(proc);
  const code = await proc.exited;
  return { code, stderr: proc.out.stderr };
}

async function portIsFree(): Promise<boolean> {
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise((resolve) => probe.close(resolve));
  return free;
}

const ONE_LINE = /^provd: PROVD_[A-Z_]+: [^\n]+\n$/;

describe('provd serve refuses bad start-up input at once', () => {
  it.each([
    [['--advertised-url', 'ftp://x'], /PROVD_SERVE_SETTINGS_INVALID: .*flag --advertised-url: advertised_url: must be an http:\/\/ or https:\/\/ URL/],
    [['--host', '0.0.0.0'], /PROVD_SERVE_WILDCARD_WITHOUT_URL: host "0\.0\.0\.0" \(flag --host\) .*set advertised_url/],
    [['--host', '::'], /PROVD_SERVE_WILDCARD_WITHOUT_URL/],
    [['--base-raw-config', '/nonexistent/base.json'], /PROVD_SERVE_FILE_INVALID: base_raw_config \(flag --base-raw-config\): "\/nonexistent\/base\.json": cannot be read \(ENOENT\)/],
    [['--base-raw-config', 'BAD'], /PROVD_SERVE_FILE_INVALID: base_raw_config .*bad\.json": is not JSON.*"ntp_ip": }/],
    [['--base-raw-config', 'LIST'], /PROVD_SERVE_FILE_INVALID: .*list\.json": must hold a JSON object/],
    [['--base-raw-config', 'SCHEMA'], /PROVD_SERVE_FILE_INVALID: .*schema\.json": is not a valid raw config: sip_lines\.1\.username/],
    [['--https-port', '0', '--tls-cert', '/nonexistent.crt', '--tls-key', '/nonexistent.key'], /PROVD_SERVE_FILE_INVALID: tls_cert .*cannot be read/],
    [['--log-file', '/nonexistent/dir/provd.log'], /PROVD_SERVE_FILE_INVALID: log_file .*cannot be opened for appending \(ENOENT\)/],
    [['--config', 'CONFIG'], /PROVD_SERVE_SETTINGS_INVALID: .*config\.yml line 2: sync: must be one of "sip-udp", "asterisk-ami", "none" \(received "sip"\)/],
  ])('%j', async (args, expected) => {
    const resolved = args.map((a) => (a === 'BAD' ? dir.join('bad.json') : a === 'LIST' ? dir.join('list.json') : a === 'SCHEMA' ? dir.join('schema.json') : a === 'CONFIG' ? dir.join('config.yml') : a));
    const { code, stderr } = await refused(...resolved);
    expect(stderr).toMatch(ONE_LINE);
    expect(stderr).toMatch(expected);
    expect(code).toBe(1);
    expect(await portIsFree()).toBe(true);
  });

  it('explains an address that is not this machine\'s as such, not as a port problem', async () => {
    const { code, stderr } = await refused('--host', '192.0.2.1');
    expect(stderr).toMatch(ONE_LINE);
    expect(stderr).toMatch(/^provd: PROVD_HOST_ADDRESS_UNAVAILABLE: cannot listen for (health and metrics|HTTP) on "192\.0\.2\.1:\d+": no network interface of this machine has that address; set host/);
    expect(code).toBe(1);
  });

  it('prints the effective settings with --check-config and binds nothing', async () => {
    await writeFile(dir.join('ok.yml'), `plugins_dir: ${dir.join('plugins')}\ndata_dir: ${dir.join('data')}\nami_secret: s3cret\n`);
    const proc = startProvd(['serve', '--config', dir.join('ok.yml'), '--check-config', '--http-port', String(port)], { env: { PROVD_LOG_LEVEL: 'debug' } });
    started.push(proc);
    expect(await proc.exited).toBe(0);
    const settings = JSON.parse(proc.out.stdout) as Record<string, unknown>;
    expect(settings).toMatchObject({ plugins_dir: dir.join('plugins'), http_port: port, log_level: 'debug', ami_secret: '********', host: '127.0.0.1' });
    expect(proc.out.stdout).not.toContain('s3cret');
    expect(proc.out.stderr).toContain('provd: log_level: debug  # environment variable PROVD_LOG_LEVEL');
    expect(await portIsFree()).toBe(true);
  });
});
