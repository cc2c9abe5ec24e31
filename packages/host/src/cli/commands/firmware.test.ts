import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { testdir, type TestDir } from '@provd/test-utils';
import tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';
import { firmwareCommand } from './firmware';

async function tgz(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}

let server: Server | undefined;
let dir: TestDir | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await dir?.cleanup();
  server = undefined;
  dir = undefined;
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith(false, ...args);
}

async function runWith(isTTY: boolean, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'provd', ...args], [firmwareCommand], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY },
  });
  return { code, stdout, stderr };
}

async function setup(): Promise<void> {
  const body = await tgz({ 'pkg/2_8_1_D40_firmware.eff': 'd40', 'pkg/2_8_1_D70_firmware.eff': 'd70' });
  server = createServer((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fw.tar.gz`;
  const db = `[pkg_firmware]\ndescription: Firmware for all Digium phones\nversion: 2.8.1\nfiles: fw\ninstall: digium-fw\n\n[install_digium-fw]\na-b: untar $FILE1\nb-c: cp */*.eff Digium/firmware/\n\n[file_fw]\nurl: ${url}\nsize: ${body.length}\nsha1sum: ${createHash('sha1').update(body).digest('hex')}\n`;
  dir = await testdir({ 'digium-2.8.1/pkgs/pkgs.db': db, 'digium-2.8.1/plugin-info': '{}' });
}

describe('provd firmware', () => {
  it('lists, installs and uninstalls a package, with --json', async () => {
    await setup();
    const plugins = dir!.path;
    const listed = await run('firmware', 'list', 'digium-2.8.1', '--plugins-dir', plugins, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ plugin: 'digium-2.8.1', packages: [{ id: 'firmware', version: '2.8.1', installed: null, errors: [], manual: [] }] });

    const installed = await run('firmware', 'install', 'digium-2.8.1', 'firmware', '--plugins-dir', plugins, '--json');
    expect(installed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(installed.stdout)).toEqual({ plugin: 'digium-2.8.1', package: 'firmware', version: '2.8.1', files: ['Digium/firmware/2_8_1_D40_firmware.eff', 'Digium/firmware/2_8_1_D70_firmware.eff'] });
    expect(await readdir(dir!.join('digium-2.8.1/var/tftpboot/Digium/firmware'))).toEqual(['2_8_1_D40_firmware.eff', '2_8_1_D70_firmware.eff']);

    const text = await run('firmware', 'list', 'digium-2.8.1', '--plugins-dir', plugins);
    expect(text.stdout).toMatch(/^firmware\t2\.8\.1\tinstalled 2\.8\.1\t/);

    const removed = await run('firmware', 'uninstall', 'digium-2.8.1', 'firmware', '--plugins-dir', plugins, '--json');
    expect(JSON.parse(removed.stdout)).toEqual({ plugin: 'digium-2.8.1', package: 'firmware', removed: ['Digium/firmware/2_8_1_D40_firmware.eff', 'Digium/firmware/2_8_1_D70_firmware.eff'] });
    expect(await readdir(dir!.join('digium-2.8.1/var/tftpboot'))).toEqual([]);
  });

  it('draws a progress bar on a TTY stderr only', async () => {
    await setup();
    const tty = await runWith(true, 'firmware', 'install', 'digium-2.8.1', 'firmware', '--plugins-dir', dir!.path);
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/fw\.tar\.gz \[#{30}\] 100% /);
    expect(tty.stdout).toBe('installed "firmware" 2.8.1 in plugin "digium-2.8.1": 2 files\n');
  });

  it('reports errors as one line with their code and exit status', async () => {
    await setup();
    const plugins = dir!.path;
    expect(await run('firmware', 'install', 'digium-2.8.1', 'nope', '--plugins-dir', plugins)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'provd: PROVD_FETCHFW_UNKNOWN_PACKAGE: no firmware package "nope" in plugin "digium-2.8.1"; known packages: "firmware"\n',
    });
    expect((await run('firmware', 'uninstall', 'digium-2.8.1', 'firmware', '--plugins-dir', plugins)).stderr).toMatch(/^provd: PROVD_FETCHFW_NOT_INSTALLED: /);
    expect((await run('firmware', 'list', 'other', '--plugins-dir', plugins)).stderr).toMatch(/^provd: PROVD_PLUGIN_NOT_INSTALLED: /);
    const usage = await run('firmware', 'install', 'digium-2.8.1', '--plugins-dir', plugins);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^provd: PROVD_CLI_USAGE: .*needs a PACKAGE/);
    expect((await run('firmware', 'frobnicate', 'digium-2.8.1', '--plugins-dir', plugins)).code).toBe(2);
  });
});
