import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOf, provd } from './helpers-cli';
import { pluginTarball, snapshot, writePluginFolder } from './helpers-plugins';

let dir: TestDir;
let pluginDir: string;
let tarball: string;
beforeEach(async () => {
  dir = await testdir({
    'device.json': JSON.stringify({ mac: '00-0F-D3-05-48-48', vendor: 'Acme', model: 'A1', version: '1.0', ip: '10.0.0.50' }),
    'config.json': JSON.stringify({ ip: '10.0.0.1', http_port: 8667, tftp_port: 69, sip_lines: { '1': { username: 'alice', password: 'secret', proxy_ip: '10.0.0.2' } } }),
  });
  pluginDir = await writePluginFolder(dir.join('plugins'), 'acme-1');
  tarball = dir.join('acme-1-1.0.0.tar.gz');
  await writeFile(tarball, await pluginTarball('acme-1'));
});
afterEach(() => dir.cleanup());

/** The one-line error a failing command must print. */
function expectErrorLine(stderr: string, code: string): void {
  expect(stderr).toMatch(new RegExp(`^provd: ${code}: [^\\n]+\\n$`));
}

describe('provd render', () => {
  it('renders one device from a plugin folder, leaving the folder untouched', async () => {
    const before = await snapshot(pluginDir);
    const run = await provd('render', pluginDir, '--device', dir.join('device.json'), '--config', dir.join('config.json'), '--out', dir.join('out'), '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = jsonOf(run) as { devices: number; files: string[]; seconds: number };
    expect(result).toMatchObject({ devices: 1, files: ['Acme/000fd3054848.cfg'] });
    expect(typeof result.seconds).toBe('number');
    const text = await readFile(dir.join('out', 'Acme', '000fd3054848.cfg'), 'utf8');
    expect(text).toContain('user = alice');
    expect(text).toContain('proxy = 10.0.0.2:5060');
    expect(await snapshot(pluginDir)).toEqual(before);
  });

  it('renders thousands of devices from a tarball in one process', async () => {
    const devices = Array.from({ length: 1000 }, (_, i) => ({ mac: `00:0f:d3:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, vendor: 'Acme', model: 'A1' }));
    await writeFile(dir.join('devices.json'), JSON.stringify(devices));
    const run = await provd('render', tarball, '--devices', dir.join('devices.json'), '--config', dir.join('config.json'), '--out', dir.join('out'), '--json');
    expect(run.code).toBe(0);
    const result = jsonOf(run) as { devices: number; files: string[] };
    expect(result.devices).toBe(1000);
    expect(result.files.length).toBe(1000);
    expect(result.files[0]).toBe('Acme/000fd3000000.cfg');
    expect(Object.keys(await snapshot(dir.join('out', 'Acme'))).length).toBe(1000);
  });

  it('prints a one-line error and exits 1 on bad input, writing nothing', async () => {
    await writeFile(dir.join('bad-device.json'), JSON.stringify({ mac: 'zz', vendor: 'Acme', model: 'A1' }));
    let run = await provd('render', pluginDir, '--device', dir.join('bad-device.json'), '--config', dir.join('config.json'), '--out', dir.join('out'));
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_CLI_INVALID_DEVICE');
    expect(run.stderr).toContain('"zz"');

    await writeFile(dir.join('bad-config.json'), JSON.stringify({ sip_lines: { '1': { proxy_port: 'x' } } }));
    run = await provd('render', pluginDir, '--device', dir.join('device.json'), '--config', dir.join('bad-config.json'), '--out', dir.join('out'));
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_INVALID_RAW_CONFIG');
    expect(run.stderr).toContain('sip_lines.1.proxy_port');

    await writeFile(dir.join('no-lines.json'), JSON.stringify({ ip: '10.0.0.1' }));
    run = await provd('render', tarball, '--device', dir.join('device.json'), '--config', dir.join('no-lines.json'), '--out', dir.join('out'));
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_RAW_CONFIG_NO_SIP_LINE');

    run = await provd('render', dir.join('nowhere'), '--device', dir.join('device.json'), '--config', dir.join('config.json'), '--out', dir.join('out'));
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_PLUGIN_NOT_FOUND');

    run = await provd('render', pluginDir, '--device', dir.join('missing.json'), '--config', dir.join('config.json'), '--out', dir.join('out'));
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_CLI_READ_FAILED');
    expect(await snapshot(dir.join('out'))).toEqual({});
  });

  it.each([
    [['--config', 'c.json', '--out', 'o'], 'no device'],
    [['--device', 'd.json', '--devices', 'ds.json', '--config', 'c.json', '--out', 'o'], 'both device options'],
    [['--device', 'd.json', '--out', 'o'], 'no config'],
    [['--device', 'd.json', '--config', 'c.json'], 'no out'],
    [['--device', 'd.json', '--config', 'c.json', '--out', 'o', '--frobnicate'], 'an unknown option'],
  ])('exits 2 on bad usage: %s (%s)', async (args) => {
    const run = await provd('render', 'plugin.tar.gz', ...args);
    expect(run.code).toBe(2);
    expectErrorLine(run.stderr, 'PROVD_CLI_USAGE');
    expect(run.stdout).toBe('');
  });
});

describe('provd identify', () => {
  it.each([
    [
      'an HTTP request',
      ['--http-path', '/Acme/000fd3054848.cfg', '--user-agent', 'Acme-A1/1.0 (000fd3054848)', '--ip', '10.0.0.50'],
      { devInfo: { vendor: 'Acme', model: 'A1', version: '1.0', mac: '00:0f:d3:05:48:48', ip: '10.0.0.50' }, scores: { 'acme-1': 600 }, plugin: 'acme-1' },
    ],
    [
      'a DHCP request with the lease MAC, keeping digits as written',
      ['--dhcp-vci', 'acme_A1_2.0', '--mac', '001122334455', '--ip', '10.0.0.7'],
      { devInfo: { vendor: 'Acme', model: 'A1', version: '2.0', ip: '10.0.0.7', mac: '00:11:22:33:44:55' }, scores: { 'acme-1': 500 }, plugin: 'acme-1' },
    ],
  ])('identifies %s and chooses the plugin', async (_label, args, expected) => {
    const run = await provd('identify', tarball, ...args, '--json');
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toEqual(expected);
  });

  it('breaks a tie between plugins by the id that sorts last, and reports no plugin below PROBABLE', async () => {
    const other = await writePluginFolder(dir.join('plugins'), 'acme-2');
    let run = await provd('identify', other, pluginDir, '--tftp-file', 'acme-000fd3054848.cfg', '--json');
    expect(jsonOf(run)).toEqual({ devInfo: { vendor: 'Acme' }, scores: { 'acme-1': 300, 'acme-2': 300 }, plugin: 'acme-2' });
    run = await provd('identify', pluginDir, '--tftp-file', 'other.cfg', '--ip', '10.0.0.9', '--json');
    expect(jsonOf(run)).toEqual({ devInfo: { ip: '10.0.0.9' }, scores: { 'acme-1': 200 }, plugin: null });
  });

  it('exits 2 without exactly one request option, 1 on a bad MAC', async () => {
    let run = await provd('identify', pluginDir, '--json');
    expect(run.code).toBe(2);
    expectErrorLine(run.stderr, 'PROVD_CLI_USAGE');
    run = await provd('identify', pluginDir, '--dhcp-vci', 'x', '--tftp-file', 'y');
    expect(run.code).toBe(2);
    run = await provd('identify', pluginDir, '--dhcp-vci', 'x', '--mac', 'nope');
    expect(run.code).toBe(1);
    expectErrorLine(run.stderr, 'PROVD_INVALID_MAC');
  });
});

describe('the built CLI (node packages/host/dist/cli.js)', () => {
  const cli = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');
  const run = async (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { cwd: repoRoot });

  it('loads a plugin tarball sharing its @provd/sdk, to render and identify', async () => {
    const rendered = await run('render', tarball, '--device', dir.join('device.json'), '--config', dir.join('config.json'), '--out', dir.join('out'), '--json');
    expect(JSON.parse(rendered.stdout)).toMatchObject({ devices: 1, files: ['Acme/000fd3054848.cfg'] });
    expect(rendered.stderr).toBe('');
    const identified = await run('identify', tarball, '--dhcp-vci', 'acme_A1_1.0', '--json');
    expect(JSON.parse(identified.stdout)).toMatchObject({ plugin: 'acme-1', scores: { 'acme-1': 600 } });
    const failed = await run('render', tarball, '--device', dir.join('device.json'), '--config', dir.join('nope.json'), '--out', dir.join('out')).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/^provd: PROVD_CLI_READ_FAILED: [^\n]+\n$/);
   }, 60_000); // three CLI processes, each starting Node and loading the tarball

  it('shares the built @provd/sdk with the plugins the built host loads', async () => {
    const script = `
      import { BasePlugin, ProvdError } from '@provd/sdk';
      import { loadPluginFromDir } from './dist/index.js';
      const { plugin } = await loadPluginFromDir(${JSON.stringify(pluginDir)});
      console.log(JSON.stringify([plugin instanceof BasePlugin, plugin.makeError() instanceof ProvdError, plugin.constructor.sdkErrorClass === ProvdError]));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: join(repoRoot, 'packages', 'host') });
    expect(JSON.parse(stdout)).toEqual([true, true, true]);
  });
});
