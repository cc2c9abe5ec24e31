import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The two command lines as `pnpm build-plugins` and `pnpm provd` run them once the workspace is built.
const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
const provdBin = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');

function run(bin: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const config = {
  sip_lines: { '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1', display_name: 'Alice' } },
  ntp_enabled: true,
  ntp_ip: '10.0.0.2',
};

let dir: TestDir;
let tarball: string;
beforeAll(async () => {
  dir = await testdir({ 'config.json': JSON.stringify(config) });
  const built = run(buildBin, ['build', 'minimal', '--out', dir.join('repo')], repoRoot);
  expect(built.status).toBe(0);
  tarball = dir.join('repo', 'minimal-1.0-1.0.0.tar.gz');
});
afterAll(() => dir.cleanup());

describe('the minimal example plugin, loaded by "provd render" as a host loads it', () => {
  it('renders the configuration file of one device from the tarball (Jinja2 drops the last newline)', async () => {
    await writeFile(dir.join('device.json'), JSON.stringify({ mac: '00:0F:D3:05:48:48', vendor: 'Acme', model: 'A10' }));
    const r = run(provdBin, ['render', tarball, '--device', dir.join('device.json'), '--config', dir.join('config.json'), '--out', dir.join('one'), '--json'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ devices: 1, files: ['Acme/000fd3054848.cfg'] });
    expect(await readFile(dir.join('one', 'Acme', '000fd3054848.cfg'), 'utf8')).toBe(
      [
        '# Acme A10 configuration, written by provd',
        'line1.display_name = Alice',
        'line1.username = 1001',
        'line1.password = secret',
        'line1.proxy = 10.0.0.1:5060',
        'ntp.server = 10.0.0.2',
      ].join('\n'),
    );
  });

  it('renders one file per device with --devices', async () => {
    const devices = ['00:0f:d3:00:00:01', '00:0f:d3:00:00:02', '00:0f:d3:00:00:03'].map((mac) => ({ mac, vendor: 'Acme', model: 'A10' }));
    await writeFile(dir.join('devices.json'), JSON.stringify(devices));
    const r = run(provdBin, ['render', tarball, '--devices', dir.join('devices.json'), '--config', dir.join('config.json'), '--out', dir.join('many'), '--json'], dir.path);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { devices: number; files: string[] };
    expect(doc.devices).toBe(3);
    expect([...doc.files].sort()).toEqual(['Acme/000fd3000001.cfg', 'Acme/000fd3000002.cfg', 'Acme/000fd3000003.cfg']);
  });
});
