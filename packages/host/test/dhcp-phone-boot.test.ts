/**
 * A phone boots on a network the test builds in namespaces: a real DHCP server (ISC dhcpd, then Kea) with the
 * configuration provd-build generates, its hook posting the lease to a real `provd serve`, and a real DHCP client
 * (dhclient, sending option 60 as a Digium D65 does) that then fetches its configuration file over HTTP from the URL
 * option 66 gave it. The namespaces and every process are removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveProvd, until, type HostProcess } from './host-process';
import { run } from './serve-helpers';

const tag = `pv${process.pid % 100000}`;
const SRV = `${tag}-srv`;
const PHONES = [`${tag}-ph1`, `${tag}-ph2`];
const SERVER_IP = '10.77.0.1';
/** Digium OUI, as a real D65 has. */
const MACS = ['00:0f:d3:00:00:01', '00:0f:d3:00:00:02'];
const DIGIUM_D65_2_2_1_8 = 'digium_D65_2_2_1_8';
/** The API token of the host, which the DHCP hook sends too. */
const TOKEN = 'dhcp-test-token-0123456789';

let dir: TestDir;
let host: (HostProcess & { ports: Record<string, number> }) | undefined;
const daemons: ChildProcess[] = [];

const inNs = (ns: string, cmd: string, args: readonly string[], timeoutMs = 20_000) => run('ip', ['netns', 'exec', ns, cmd, ...args], { timeoutMs });
async function sh(cmd: string, args: readonly string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** A daemon started inside a namespace, stopped (by its own pid) in afterAll. */
function daemon(ns: string, cmd: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  (child as ChildProcess & { output: () => string }).output = () => stderr;
  daemons.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The host's REST API, asked from inside the server's namespace. */
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const args = ['-sS', '-X', method, '-H', `X-Auth-Token: ${TOKEN}`, '-w', '\n%{http_code}', `http://127.0.0.1:8666/0.2${path}`];
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body));
  const r = await inNs(SRV, 'curl', args);
  const at = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(at + 1)), json: at > 0 ? JSON.parse(r.stdout.slice(0, at)) : undefined };
}
const deviceOf = async (mac: string) =>
  ((await api('GET', `/dev_mgr/devices?q=${encodeURIComponent(JSON.stringify({ mac }))}`)).json?.devices ?? []) as Record<string, unknown>[];

/** Runs dhclient once in the phone's namespace, sending option 60; resolves to the lease it got. */
async function bootPhone(ns: string): Promise<{ ip: string; url: string }> {
  const conf = dir.join(`${ns}-dhclient.conf`);
  const script = dir.join(`${ns}-dhclient-script`);
  const lease = dir.join(`${ns}-lease.env`);
  await writeFile(conf, `send vendor-class-identifier "${DIGIUM_D65_2_2_1_8}";\nrequest subnet-mask, tftp-server-name;\n`);
  // a minimal dhclient-script: configure the address and record the lease (the system one would rewrite resolv.conf)
  await writeFile(
    script,
    `#!/bin/sh\ncase "$reason" in BOUND|RENEW|REBOOT)\n  ip addr add "$new_ip_address/24" dev "$interface" 2>/dev/null\n  printf '%s\\n%s\\n' "$new_ip_address" "$new_tftp_server_name" > ${lease} ;;\nesac\nexit 0\n`,
  );
  await chmod(script, 0o755);
  // in the foreground, so that this test owns the process and stops it once it has its lease
  const client = daemon(ns, 'dhclient', ['-d', '-1', '-4', '-cf', conf, '-lf', dir.join(`${ns}.leases`), '-pf', dir.join(`${ns}.pid`), '-sf', script, `${ns}-v`]);
  await until(`a lease in ${ns}`, async () => (await readFile(lease, 'utf8').catch(() => '')).includes('\n'), 20_000);
  await stop(client);
  const [ip, url] = (await readFile(lease, 'utf8')).trim().split('\n');
  return { ip: ip!, url: url! };
}

beforeAll(async () => {
  dir = await testdir();
  // the plugins and the DHCP files, as an operator builds them
  const built = await run(
    'node',
    [join(repoRoot, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', dir.join('repo'), '--plugins-dir', dir.join('plugins'),
      '--dhcp-base-url', `http://${SERVER_IP}:8667`, '--dhcp-hook-url', 'http://127.0.0.1:8666', '--dhcp-hook-command', dir.join('repo/dhcp/provd-dhcp-hook'),
      '--dhcp-hook-token-file', dir.join('dhcp-hook.token')],
    { cwd: repoRoot, timeoutMs: 240_000 },
  );
  expect(built.code, built.stderr).toBe(0);
  await writeFile(dir.join('dhcp-hook.token'), `${TOKEN}\n`);
  // the network: the server's namespace and one per phone, each phone on a veth pair into a bridge in the server's
  await sh('ip', ['netns', 'add', SRV]);
  await sh('ip', ['-n', SRV, 'link', 'set', 'lo', 'up']);
  await sh('ip', ['-n', SRV, 'link', 'add', 'br0', 'type', 'bridge']);
  await sh('ip', ['-n', SRV, 'addr', 'add', `${SERVER_IP}/24`, 'dev', 'br0']);
  await sh('ip', ['-n', SRV, 'link', 'set', 'br0', 'up']);
  for (const [i, ns] of PHONES.entries()) {
    await sh('ip', ['netns', 'add', ns]);
    await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await sh('ip', ['link', 'add', `${ns}-v`, 'netns', ns, 'address', MACS[i]!, 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', SRV]);
    await sh('ip', ['-n', ns, 'link', 'set', `${ns}-v`, 'up']);
    await sh('ip', ['-n', SRV, 'link', 'set', `p${i}`, 'master', 'br0', 'up']);
  }
  await writeFile(
    dir.join('config.yml'),
    [`plugins_dir: ${dir.join('plugins')}`, `data_dir: ${dir.join('data')}`, `host: ${SERVER_IP}`, 'sync: none', `api_token: ${TOKEN}`, ''].join('\n'),
  );
  host = await serveProvd(['--config', dir.join('config.yml')], { prefix: ['ip', 'netns', 'exec', SRV] });
  const autocreate = await api('POST', '/cfg_mgr/configs', {
    config: { id: 'autoprov', parent_ids: [], role: 'autocreate', raw_config: { sip_lines: { '1': { username: 'guest', password: 'guest', proxy_ip: SERVER_IP } } } },
  });
  expect(autocreate.status, JSON.stringify(autocreate.json)).toBe(201);
}, 300_000);

afterAll(async () => {
  for (const child of daemons) await stop(child);
  if (host) {
    host.child.kill('SIGTERM');
    await Promise.race([host.exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  for (const ns of [...PHONES, SRV]) await run('ip', ['netns', 'del', ns]);
  await dir?.cleanup();
}, 30_000);

describe('a phone booting with DHCP', () => {
  it('ISC dhcpd: the hook posts the lease, the host learns model and version, picks the exact plugin and serves the phone', async () => {
    await writeFile(
      dir.join('dhcpd.conf'),
      [
        'authoritative;',
        'default-lease-time 600;',
        `include "${dir.join('repo/dhcp/isc-dhcpd.conf')}";`,
        `option provd.base-url "http://${SERVER_IP}:8667";`,
        'subnet 10.77.0.0 netmask 255.255.255.0 {',
        '  pool { range 10.77.0.100 10.77.0.149; allow members of "provd-digium"; }',
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(dir.join('dhcpd.leases'), '');
    const dhcpd = daemon(SRV, 'dhcpd', ['-4', '-f', '-cf', dir.join('dhcpd.conf'), '-lf', dir.join('dhcpd.leases'), '-pf', dir.join('dhcpd.pid'), 'br0']);
    const lease = await bootPhone(PHONES[0]!);
    expect(lease.url).toBe(`http://${SERVER_IP}:8667/Digium`);
    expect(lease.ip).toMatch(/^10\.77\.0\.1[0-4]\d$/);
    await until('the device learnt from DHCP', async () => (await deviceOf(MACS[0]!)).length === 1, 10_000);
    const [device] = await deviceOf(MACS[0]!);
    // without DHCP the three Digium plugins tie on "Digium" and the highest id (digium-2.8.1) would win
    expect(device).toMatchObject({ mac: MACS[0], ip: lease.ip, vendor: 'Digium', model: 'D65', version: '2.2.1.8', plugin: 'digium-2.2.1.8', configured: true });
    const file = await inNs(PHONES[0]!, 'curl', ['-sS', '-w', '\n%{http_code}', `${lease.url}/000fd3000001.cfg`]);
    expect(file.stdout).toMatch(/\n200$/);
    expect(file.stdout).toContain('guest');
    await stop(dhcpd);
  }, 60_000);

  it('Kea: the run_script hook posts MAC and IP, and the phone\'s first HTTP request finds that device and gets its file', async () => {
    const kea = {
      Dhcp4: {
        'interfaces-config': { interfaces: ['br0'] },
        'lease-database': { type: 'memfile', persist: false },
        'valid-lifetime': 600,
        ...JSON.parse(await readFile(dir.join('repo/dhcp/kea-dhcp4-hooks.json'), 'utf8')),
        ...JSON.parse(await readFile(dir.join('repo/dhcp/kea-dhcp4-classes.json'), 'utf8')),
        subnet4: [{ id: 1, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.150 - 10.77.0.199', 'client-class': 'provd-digium' }] }],
        loggers: [{ name: 'kea-dhcp4', output_options: [{ output: dir.join('kea.log') }], severity: 'WARN' }],
      },
    };
    await writeFile(dir.join('kea.json'), JSON.stringify(kea));
    daemon(SRV, 'kea-dhcp4', ['-c', dir.join('kea.json')], { KEA_PIDFILE_DIR: dir.path, KEA_LOCKFILE_DIR: dir.path });
    const lease = await bootPhone(PHONES[1]!);
    expect(lease.url).toBe(`http://${SERVER_IP}:8667/Digium`);
    expect(lease.ip).toMatch(/^10\.77\.0\.1[5-9]\d$/);
    await until('the device learnt from Kea', async () => (await deviceOf(MACS[1]!)).length === 1, 10_000);
    expect((await deviceOf(MACS[1]!))[0]).toMatchObject({ mac: MACS[1], ip: lease.ip });
    const file = await inNs(PHONES[1]!, 'curl', ['-sS', '-w', '\n%{http_code}', `${lease.url}/000fd3000002.cfg`]);
    expect(file.stdout).toMatch(/\n200$/);
    const devices = await deviceOf(MACS[1]!);
    expect(devices).toHaveLength(1); // the device Kea reported, not a second one
    expect(devices[0]).toMatchObject({ vendor: 'Digium', plugin: 'digium-2.8.1', configured: true, ip: lease.ip });
  }, 60_000);
});
