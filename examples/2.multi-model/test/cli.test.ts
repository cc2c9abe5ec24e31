import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, PLUGIN_ID, provdBin, run, TARBALL, type Run } from './cli';
import { ARCHIVE_URL, firmwareArchive } from './firmware-archive';

const config = {
  ip: '10.0.0.1',
  http_port: 8667,
  sip_lines: { '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1', display_name: 'Alice' } },
  funckeys: { '1': { type: 'speeddial', value: '1010', label: 'Bob' }, '2': { type: 'blf', value: '1011' } },
};

/** Runs a command line without blocking the event loop (the loopback proxy must answer meanwhile). */
function runAsync(bin: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let dir: TestDir;
let tarball: string;
beforeAll(async () => {
  dir = await testdir({ 'config.json': JSON.stringify(config) });
  const built = run(buildBin, ['build', 'tinkertel', '--out', dir.join('repo')]);
  expect(built.status).toBe(0);
  tarball = dir.join('repo', TARBALL);
});
afterAll(() => dir.cleanup());

describe('"provd render" and "provd identify" on the built tarball', () => {
  it('renders the T20 file exactly, with its two keys', async () => {
    await writeFile(dir.join('t20.json'), JSON.stringify({ mac: '00:1a:2b:3c:4d:5e', vendor: 'Tinkertel', model: 'T20' }));
    const r = run(provdBin, ['render', tarball, '--device', dir.join('t20.json'), '--config', dir.join('config.json'), '--out', dir.join('out'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ devices: 1, files: ['tinkertel/001a2b3c4d5e.cfg'] });
    expect(await readFile(dir.join('out', 'tinkertel', '001a2b3c4d5e.cfg'), 'utf8')).toBe(
      [
        '# Tinkertel T20 configuration, written by provd',
        'firmware.url = http://10.0.0.1:8667/tinkertel/firmware/T20-3.1.0.bin',
        'account1.enable = 1',
        'account1.label = Alice',
        'account1.user = 1001',
        'account1.auth_user = 1001',
        'account1.password = secret',
        'account1.server = 10.0.0.1:5060',
        'key1.type = speed_dial',
        'key1.value = 1010',
        'key1.label = Bob',
        'key1.account = 1',
        'key2.type = blf',
        'key2.value = 1011',
        'key2.label = 1011',
        'key2.account = 1',
        'display.type = mono',
        '',
      ].join('\n'),
    );
  });

  it('renders one file per device of several models with --devices', async () => {
    const devices = ['T20', 'T40', 'T60'].map((model, i) => ({ mac: `00:1a:2b:3c:4d:0${i + 1}`, vendor: 'Tinkertel', model }));
    await writeFile(dir.join('devices.json'), JSON.stringify(devices));
    const r = run(provdBin, ['render', tarball, '--devices', dir.join('devices.json'), '--config', dir.join('config.json'), '--out', dir.join('many'), '--json']);
    expect(r.status).toBe(0);
    expect((await readdir(dir.join('many', 'tinkertel'))).sort()).toEqual(['001a2b3c4d01.cfg', '001a2b3c4d02.cfg', '001a2b3c4d03.cfg']);
    expect(await readFile(dir.join('many', 'tinkertel', '001a2b3c4d03.cfg'), 'utf8')).toMatch(/\ndisplay\.wallpaper = default\nexpansion\.modules = 2\n$/);
  });

  it('identifies a phone from its DHCP vendor class and from its User-Agent', () => {
    const dhcp = run(provdBin, ['identify', tarball, '--dhcp-vci', 'Tinkertel-T40-3.1.0', '--json']);
    expect(dhcp.status).toBe(0);
    expect(JSON.parse(dhcp.stdout)).toMatchObject({ devInfo: { vendor: 'Tinkertel', model: 'T40', version: '3.1.0' }, scores: { [PLUGIN_ID]: 600 }, plugin: PLUGIN_ID });
    const http = run(provdBin, ['identify', tarball, '--http-path', '/tinkertel/001a2b3c4d5e.cfg', '--user-agent', 'Tinkertel/3.0.2 (T60; 00:1a:2b:3c:4d:5e)', '--json']);
    expect(http.status).toBe(0);
    expect(JSON.parse(http.stdout)).toMatchObject({ devInfo: { model: 'T60', version: '3.0.2', mac: '00:1a:2b:3c:4d:5e' }, scores: { [PLUGIN_ID]: 500 }, plugin: PLUGIN_ID });
  });
});

describe('installing the plugin and its firmware package', () => {
  let proxy: Server;
  let proxyUrl: string;
  const archive = firmwareArchive();
  const asked: string[] = [];

  beforeAll(async () => {
    // A loopback HTTP proxy standing for the vendor's download site: it serves the archive at the URL of pkgs.db.
    proxy = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url !== ARCHIVE_URL) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': archive.length }).end(archive);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('has the archive the guide copies into the cache as test/fixtures/tinkertel-fw-3.1.0.tar', async () => {
    expect((await readFile(new URL('./fixtures/tinkertel-fw-3.1.0.tar', import.meta.url))).equals(archive)).toBe(true);
  });

  it('installs from the repository, lists, installs the firmware through a proxy, then removes exactly its files', async () => {
    const plugins = dir.join('plugins');
    const installed = run(provdBin, ['install', PLUGIN_ID, '--repo', dir.join('repo'), '--plugins-dir', plugins]);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);

    const listed = run(provdBin, ['firmware', 'list', PLUGIN_ID, '--plugins-dir', plugins, '--json']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('"firmware"');

    const fw = await runAsync(provdBin, ['firmware', 'install', PLUGIN_ID, 'firmware', '--plugins-dir', plugins, '--proxy', proxyUrl]);
    expect(fw.stderr).toBe('');
    expect(fw.status).toBe(0);
    expect(asked).toEqual([ARCHIVE_URL]);
    const fwDir = dir.join('plugins', PLUGIN_ID, 'var', 'tftpboot', 'tinkertel', 'firmware');
    expect((await readdir(fwDir)).sort()).toEqual(['T20-3.1.0.bin', 'T40-3.1.0.bin', 'T60-3.1.0.bin']);
    expect(await readFile(`${fwDir}/T40-3.1.0.bin`, 'utf8')).toBe('Tinkertel T40 firmware 3.1.0\n');

    const removed = run(provdBin, ['firmware', 'uninstall', PLUGIN_ID, 'firmware', '--plugins-dir', plugins]);
    expect(removed.status).toBe(0);
    expect(await readdir(fwDir).catch(() => [])).toEqual([]);
  });
});
