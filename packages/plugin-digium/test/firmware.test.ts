/**
 * The firmware package of every version: its declaration as the spec gives it, and a real install through the
 * plugin's install service from a loopback HTTP server serving a generated archive of the vendor's shape.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readPkgsDir, type FirmwareService } from '@provd/firmware';
import { testdir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from './expected';
import { device, loadPlugin, packageDir } from './plugin-fixture';

const ARCHIVES: Record<string, { url: string; size: number; sha1: string; version: string }> = {
  'digium-1.4.0.0': {
    url: 'http://downloads.digium.com/pub/telephony/res_digium_phone/firmware/firmware_1_4_0_0_package.tar.gz',
    size: 101303480,
    sha1: '626273aaf6dd33e1927f3acb4a90f86a6e4e9f25',
    version: '1.4.0.0',
  },
  'digium-2.2.1.8': {
    url: 'http://downloads.digium.com/pub/telephony/res_digium_phone/firmware/firmware_2_2_1_8_package.tar.gz',
    size: 235652240,
    sha1: 'd944034dbcceab7ff8335af7bf16550e02746af4',
    version: '2.2.1.8',
  },
  'digium-2.8.1': {
    url: 'http://provd.wazo.community/firmwares/digium/firmware_2_8_1_package.tar.gz',
    size: 237648354,
    sha1: '4ff1c6b7278c8408eacbf7c3ccf03349343c396b',
    version: '2.8.1',
  },
};

describe.each(TARGETS)('$pluginId firmware package', (target) => {
  it('declares the vendor archive, unpacked then */*.eff copied to Digium/firmware/', async () => {
    const read = await readPkgsDir(join(packageDir, target.dir, 'pkgs'));
    expect(read?.diagnostics).toEqual([]);
    const { packages, files, graphs } = read!.manifest;
    const expected = ARCHIVES[target.pluginId]!;
    expect(Object.keys(packages)).toEqual(['firmware']);
    expect(packages.firmware).toMatchObject({ version: expected.version, files: ['firmware'], install: { graph: 'digium-fw', args: [] } });
    expect(packages.firmware!.descriptions.fr).toMatch(/Micrologiciel/);
    expect(files.firmware).toMatchObject({ url: expected.url, size: expected.size, sha1: expected.sha1, filename: expected.url.split('/').pop() });
    expect(graphs['digium-fw']!.steps.map((s) => [s.from, s.to, s.command, s.args])).toEqual([
      ['a', 'b', 'untar', ['$FILE1']],
      ['b', 'c', 'cp', ['*/*.eff', 'Digium/firmware/']],
    ]);
  });
});

describe('installing the firmware package', () => {
  const target = TARGETS[2]!;
  const fw = target.firmwareAttr;
  let server: Server;
  let archive: Buffer;
  let requests = 0;

  beforeAll(async () => {
    // An archive of the vendor's shape: one top folder holding one .eff per model, plus files that must not be copied.
    const src = await testdir();
    const top = `firmware_${fw}_package`;
    await mkdir(src.join(top, 'nested'), { recursive: true });
    for (const model of target.models) await writeFile(src.join(top, `${fw}_${model}_firmware.eff`), `firmware of ${model}`);
    await writeFile(src.join(top, 'README.txt'), 'release notes');
    await writeFile(src.join(top, 'nested', 'other.eff'), 'not one level deep');
    execFileSync('tar', ['czf', src.join('pkg.tar.gz'), '-C', src.path, top]);
    archive = await readFile(src.join('pkg.tar.gz'));
    await src.cleanup();
    server = createServer((req, res) => {
      requests++;
      if (req.url !== `/firmwares/digium/firmware_${fw}_package.tar.gz`) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': archive.length }).end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads, verifies, unpacks and copies each model firmware to tftpboot/Digium/firmware/, and uninstalls it', async () => {
    const fixture = await loadPlugin(target);
    try {
      // The shipped recipe with the file section pointed at the loopback server and the generated archive.
      const { port } = server.address() as AddressInfo;
      const pkgsDb = fixture.dir.join('pkgs', 'pkgs.db');
      const text = (await readFile(pkgsDb, 'utf8'))
        .replace(/^url: .*$/m, `url: http://127.0.0.1:${port}/firmwares/digium/firmware_${fw}_package.tar.gz`)
        .replace(/^size: .*$/m, `size: ${archive.length}`)
        .replace(/^sha1sum: .*$/m, `sha1sum: ${createHash('sha1').update(archive).digest('hex')}`);
      await writeFile(pkgsDb, text);

      const service = fixture.plugin.services.install!;
      expect(Object.keys(await service.installable())).toEqual(['firmware']);
      await service.install('firmware');
      const firmwareDir = fixture.dir.join('var', 'tftpboot', 'Digium', 'firmware');
      expect((await readdir(firmwareDir)).sort()).toEqual(target.models.map((m) => `${fw}_${m}_firmware.eff`).sort());
      expect(await readFile(join(firmwareDir, `${fw}_D65_firmware.eff`), 'utf8')).toBe('firmware of D65');
      expect(await service.installed()).toMatchObject({ firmware: { version: '2.8.1', files: target.models.length } });
      expect(requests).toBe(1);

      // The phones' firmware list points at exactly these files.
      await fixture.plugin.configure(device('D65'), { ip: '127.0.0.1', http_port: 8667, sip_lines: { '1': { username: 'u', proxy_ip: '127.0.0.1' } } });
      const cfg = (await fixture.read('000fd3054848.cfg'))!;
      for (const name of await readdir(firmwareDir)) expect(cfg).toContain(`/Digium/firmware/${name}"`);

      await service.uninstall('firmware');
      expect(await readdir(firmwareDir).catch(() => [])).toEqual([]);
      expect(await fixture.read('000fd3054848.cfg')).toBe(cfg);
    } finally {
      await fixture.cleanup();
    }
  });
});
