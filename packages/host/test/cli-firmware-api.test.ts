// `provd firmware ... --api URL` against a real `provd serve`: the host's firmware service of a plugin it loaded does
// the work (download, verify, install into the plugin's tftpboot), the command follows the operation.
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareCommand } from '../src/cli/commands/firmware';
import { runCli } from '../src/cli/run-cli';
import { makeTarGz } from '../../firmware/src/archive/test-archives';
import { writePluginFolder } from './helpers-plugins';
import { startServe, type ServeRun } from './serve-process';

const TOKEN = 'firmware-cli-token-0123456789';

let dir: TestDir;
let files: Server;
let host: ServeRun;
let url: string;
const requests: string[] = [];

beforeAll(async () => {
  const body = await makeTarGz([{ name: 'pkg/A_firmware.bin', content: 'a' }, { name: 'pkg/B_firmware.bin', content: 'b' }]);
  files = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/fw.tar.gz') res.writeHead(200, { 'content-length': body.length }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  const sha1 = createHash('sha1').update(body).digest('hex');
  const db = [
    '[pkg_firmware]', 'description: Firmware of the test phones', 'version: 1.2.3', 'files: fw', 'install: fw', '',
    '[pkg_gone]', 'description: A package whose file the server lost', 'version: 0.1', 'files: gone', 'install: fw', '',
    '[install_fw]', 'a-b: untar $FILE1', 'b-c: cp */*.bin Test/firmware/', '',
    '[file_fw]', `url: ${base}/fw.tar.gz`, `size: ${body.length}`, `sha1sum: ${sha1}`, '',
    '[file_gone]', `url: ${base}/gone.tar.gz`, `size: ${body.length}`, `sha1sum: ${sha1}`, '',
  ].join('\n');
  dir = await testdir();
  // the fixture plugin (a BasePlugin: it offers the host's firmware service for its pkgs/)
  await writePluginFolder(dir.join('plugins'), 'fw-test-1', { files: { 'pkgs/pkgs.db': db } });
  await writeFile(dir.join('tokens.json'), JSON.stringify({ tokens: [{ token: TOKEN, acls: ['provd.#'] }] }));
  host = await startServe(['--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'), '--api-tokens', dir.join('tokens.json'), '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--sync', 'none']);
  url = `http://127.0.0.1:${host.ports.api}`;
}, 60_000);

afterAll(async () => {
  delete process.env.PROVD_API_TOKEN;
  expect(await host.stop()).toBe(0);
  files.closeAllConnections();
  await new Promise((r) => files.close(r));
  await dir.cleanup();
});

async function provd(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: (t: string) => ((err += t), true), isTTY: false } };
  const code = await runCli(['node', 'provd', ...args], [firmwareCommand], io);
  return { code, out, err };
}

describe('provd firmware --api: through a running host\'s REST API', () => {
  it('lists, installs and uninstalls with the host\'s firmware service, and says why a failed install failed', async () => {
    process.env.PROVD_API_TOKEN = 'not-a-token-of-this-host';
    const refused = await provd('firmware', 'list', 'fw-test-1', '--api', url);
    expect([refused.code, refused.err]).toEqual([1, expect.stringMatching(/^provd: PROVD_API_REMOTE: .* answered 401 PROVD_API_UNAUTHORIZED/)]);
    process.env.PROVD_API_TOKEN = TOKEN;

    const listed = await provd('firmware', 'list', 'fw-test-1', '--api', url, '--json');
    expect(listed.code, `${listed.err}\n${host.stderr.join('')}`).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject({ plugin: 'fw-test-1', packages: [{ id: 'firmware', version: '1.2.3', installed: null, errors: [], manual: [] }, { id: 'gone', installed: null }] });

    expect(await provd('firmware', 'install', 'fw-test-1', 'firmware', '--api', url)).toEqual({ code: 0, out: 'installed "firmware" 1.2.3 in plugin "fw-test-1": 2 files\n', err: '' });
    expect(await readdir(dir.join('plugins/fw-test-1/var/tftpboot/Test/firmware'))).toEqual(['A_firmware.bin', 'B_firmware.bin']);
    expect(requests).toEqual(['/fw.tar.gz']);
    const text = await provd('firmware', 'list', 'fw-test-1', '--api', url);
    expect(text.out).toMatch(/^firmware\t1\.2\.3\tinstalled 1\.2\.3\t/);

    // the operation's failure reaches the command with the host's code and reason
    const failed = await provd('firmware', 'install', 'fw-test-1', 'gone', '--api', url);
    expect([failed.code, failed.out]).toEqual([1, '']);
    expect(failed.err).toMatch(/^provd: PROVD_API_REMOTE: .*PROVD_FETCHFW_HTTP_ERROR.*installing "gone" of fw-test-1 ended "install\|fail.*": .*gone\.tar\.gz.*404/);
    expect(await readdir(dir.join('plugins/fw-test-1/var/tftpboot/Test/firmware'))).toEqual(['A_firmware.bin', 'B_firmware.bin']);

    const removed = await provd('firmware', 'uninstall', 'fw-test-1', 'firmware', '--api', url, '--json');
    expect([removed.code, JSON.parse(removed.out)]).toEqual([0, { plugin: 'fw-test-1', package: 'firmware', removedCount: 2 }]);
    expect(await readdir(dir.join('plugins/fw-test-1/var/tftpboot'))).toEqual([]);

    const notInstalled = await provd('firmware', 'uninstall', 'fw-test-1', 'firmware', '--api', url);
    expect([notInstalled.code, notInstalled.err]).toEqual([1, expect.stringContaining('400 PROVD_HOST_BAD_REQUEST')]);
    const notLoaded = await provd('firmware', 'list', 'nope-1', '--api', url);
    expect([notLoaded.code, notLoaded.err]).toEqual([1, expect.stringMatching(/answered 404/)]);
    expect((await provd('firmware', 'install', 'fw-test-1', 'firmware', '--api', url, '--proxy', 'http://127.0.0.1:9')).code).toBe(2);
  }, 60_000);
});
