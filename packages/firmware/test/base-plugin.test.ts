import { readdir } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { BasePlugin, definePackages, type PluginContext } from '@provd/sdk';
import { FirmwareService, firmwareServiceFor } from '../src/index';
import { makeTarGz } from '../src/archive/test-archives';
import { sha1 } from './helpers';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const context = (pluginDir: string): PluginContext => ({ id: 'acme-1.0', pluginDir, generalConfig: { proxies: { http: 'http://127.0.0.1:3128' } }, pluginConfig: {}, services: { installService: firmwareServiceFor } });

class PlainPlugin extends BasePlugin {
  async configure(): Promise<void> {}
}

describe('BasePlugin and firmware packages', () => {
  it('offers no install service without packages', async () => {
    dir = await testdir({ 'plugin-info': '{}' });
    expect(new PlainPlugin(context(dir.path)).services.install).toBeUndefined();
  });

  it('offers no install service when the host gives no installService factory', async () => {
    dir = await testdir({ 'plugin-info': '{}', 'pkgs/pkgs.db': '' });
    expect(new PlainPlugin({ ...context(dir.path), services: {} }).services.install).toBeUndefined();
  });

  it('offers the service for a pkgs/ folder', async () => {
    dir = await testdir({ 'pkgs/pkgs.db': '[pkg_fw]\ndescription: d\nversion: 1\nfiles: f\ninstall: g\n\n[install_g]\na-b: null\n\n[file_f]\nurl:\nfilename: f.bin\nsize: 1\nsha1sum: ' + 'a'.repeat(40) + '\n' });
    const install = new PlainPlugin(context(dir.path)).services.install;
    expect(install).toBeInstanceOf(FirmwareService);
    expect(Object.keys(await (install as FirmwareService).installable())).toEqual(['fw']);
  });

  it('offers the service for packages declared in TypeScript, and installs them', async () => {
    const archive = await makeTarGz([{ name: 'pkg/a.eff', content: 'a' }]);
    dir = await testdir({ 'var/cache/fw.tgz': archive });
    const packages = definePackages({
      files: { fw: { size: archive.length, sha1: sha1(archive), filename: 'fw.tgz' } },
      installs: { 'acme-fw': { 'a-b': ['untar', '$FILE1'], 'b-c': ['cp', '*/*.eff', 'Acme/firmware/'] } },
      packages: { firmware: { description: 'Firmware', version: '1.0', files: ['fw'], install: 'acme-fw' } },
    });
    class DeclaringPlugin extends BasePlugin {
      constructor(ctx: PluginContext) {
        super(ctx, { packages });
      }
      async configure(): Promise<void> {}
    }
    const install = new DeclaringPlugin(context(dir.path)).services.install as FirmwareService;
    await install.install('firmware');
    expect(await readdir(dir.join('var/tftpboot/Acme/firmware'))).toEqual(['a.eff']);
    expect(await install.installed()).toEqual({ firmware: { version: '1.0', description: 'Firmware', files: 1 } });
  });
});
