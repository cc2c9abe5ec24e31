import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceSupport } from '@provd/sdk';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFamily, loadPlugin, renderFiles, startTestHost, type BuiltFamily, type TestHost } from '../src/index';

// The kit against a real family: the minimal example (Acme A10, `Acme/<mac>.cfg`, User-Agent `AcmePhone-A10/1.0 (<mac>)`).
const minimal = join(repoRoot, 'examples', '1.minimal-plugin');
const config = { sip_lines: { '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1' } } };
const userAgent = 'AcmePhone-A10/1.0 (00:0f:d3:05:48:48)';

let family: BuiltFamily;
let host: TestHost;
beforeAll(async () => {
  family = await buildFamily(minimal);
  host = await startTestHost({ plugins: [family.tarball('minimal-1.0')], config });
});
afterAll(async () => {
  await host?.close();
  await family?.cleanup();
});

describe('buildFamily', () => {
  it('builds a family folder into a repository of tarballs and unpacked folders', async () => {
    expect(family.plugins.map((p) => [p.pluginId, p.version])).toEqual([['minimal-1.0', '1.0.0']]);
    expect(family.tarball('minimal-1.0')).toMatch(/minimal-1\.0-1\.0\.0\.tar\.gz$/);
    expect(JSON.parse(await readFile(join(family.folder('minimal-1.0'), 'plugin-info'), 'utf8'))).toMatchObject({ version: '1.0.0' });
    expect(() => family.tarball('nope')).toThrow(expect.objectContaining({ code: 'PROVD_TESTING_NO_SUCH_PLUGIN' }));
  });

  it('rejects a family that does not build, listing every problem, and a folder without a family', async () => {
    const dir: TestDir = await testdir({
      'provd.family.ts': "export default { name: 'broken', targets: [{ id: '1', pluginId: 'broken-1', sources: ['missing', 'src'] }] };\n",
      'src/plugin-info': '{"version": "1.0"}',
      'src/entry.ts': 'export default class {}\n',
    });
    try {
      await expect(buildFamily(dir.path)).rejects.toMatchObject({ code: 'PROVD_TESTING_BUILD_FAILED', message: expect.stringMatching(/PROVD_BUILD_SOURCE_MISSING[\s\S]*PROVD_BUILD_PLUGIN_INFO_INVALID/) });
      await expect(buildFamily(dir.join('src'))).rejects.toMatchObject({ code: 'PROVD_TESTING_BUILD_FAILED', message: expect.stringContaining('holds no plugin family') });
    } finally {
      await dir.cleanup();
    }
  });
});

describe('loadPlugin and renderFiles', () => {
  it('loads a tarball as a host does and leaves the original alone', async () => {
    const loaded = await loadPlugin(family.tarball('minimal-1.0'));
    try {
      expect(loaded.id).toBe('minimal-1.0');
      expect(loaded.plugin.pgAssociator?.associate({ vendor: 'Acme', model: 'A10', version: '1.0' })).toBe(DeviceSupport.EXACT);
    } finally {
      await loaded.dispose();
    }
  });

  it('renders the files of devices, by the path phones ask for', async () => {
    const files = await renderFiles(family.folder('minimal-1.0'), { devices: [{ mac: '00:0f:d3:05:48:48', vendor: 'Acme', model: 'A10' }], config });
    expect(Object.keys(files)).toEqual(['Acme/000fd3054848.cfg']);
    expect(files['Acme/000fd3054848.cfg']).toContain('line1.username = 1001');
  });
});

describe('startTestHost', () => {
  it('identifies a phone by its HTTP request, creates and configures it, and serves its file', async () => {
    const served = await host.http({ path: '/Acme/000fd3054848.cfg', userAgent, ip: '192.0.2.20' });
    expect(served.devInfo).toMatchObject({ vendor: 'Acme', model: 'A10', version: '1.0', mac: '00:0f:d3:05:48:48', ip: '192.0.2.20' });
    expect(served.scores).toEqual({ 'minimal-1.0': DeviceSupport.EXACT });
    expect(served.plugin).toBe('minimal-1.0');
    expect(served.status).toBe(200);
    expect(served.file?.text).toContain('line1.password = secret');
    expect(await host.device('00:0F:D3:05:48:48')).toMatchObject({ plugin: 'minimal-1.0', configured: true });
    expect(Object.keys(await host.files('minimal-1.0'))).toEqual(['Acme/000fd3054848.cfg']);
  });

  it('serves the same file over TFTP to the phone at that address', async () => {
    const served = await host.tftp({ filename: 'Acme/000fd3054848.cfg', ip: '192.0.2.20' });
    expect(served.status).toBe(0);
    expect(served.plugin).toBe('minimal-1.0');
    expect(served.file?.text).toContain('line1.username = 1001');
  });

  it('answers 404 for a file that does not exist and for a path out of the folder', async () => {
    expect((await host.http({ path: '/Acme/nothing.cfg', userAgent })).status).toBe(404);
    expect((await host.http({ path: '/../plugin-info', userAgent })).status).toBe(404);
  });

  it('associates no plugin with a phone of another vendor, and serves it nothing', async () => {
    const dhcp = await host.dhcp({ mac: '00:00:5e:00:53:99', ip: '192.0.2.30', vendorClass: 'OtherPhone-X1' });
    expect(dhcp.devInfo).toMatchObject({ mac: '00:00:5e:00:53:99', ip: '192.0.2.30' });
    expect(dhcp.scores).toEqual({ 'minimal-1.0': DeviceSupport.UNKNOWN });
    expect(dhcp.plugin).toBeNull();
    const http = await host.http({ path: '/Acme/00005e005399.cfg', userAgent: 'Other/1.0', ip: '192.0.2.30' });
    expect(http.status).toBe(404);
    expect(http.file).toBeUndefined();
  });

  it('refuses a simulated request no phone can send', async () => {
    await expect(host.dhcp({ mac: 'not a mac' })).rejects.toMatchObject({ code: 'PROVD_TESTING_BAD_REQUEST' });
    await expect(host.http({ path: 'Acme/x.cfg' })).rejects.toMatchObject({ code: 'PROVD_TESTING_BAD_REQUEST' });
  });

  it('refuses to start with a plugin that does not load or a file that is no plugin tarball', async () => {
    const dir = await testdir({ 'broken-1/plugin-info': '{}', 'broken-1/entry.js': 'export default 1;\n' });
    try {
      await expect(startTestHost({ plugins: [dir.join('broken-1')] })).rejects.toMatchObject({ code: 'PROVD_INVALID_PLUGIN_INFO' });
      await writeFile(dir.join('not-a-plugin.tar.gz'), 'x');
      await expect(startTestHost({ plugins: [dir.join('not-a-plugin.tar.gz')] })).rejects.toMatchObject({ code: expect.stringMatching(/^PROVD_ARCHIVE_/) });
    } finally {
      await dir.cleanup();
    }
  });
});
