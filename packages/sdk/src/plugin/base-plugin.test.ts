import { open, readFile, readdir, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isProvdError } from '../errors/provd-error';
import type { Device } from '../types/device';
import type { RawConfig } from '../types/raw-config';
import { BasePlugin } from './base-plugin';
import type { PluginContext, PluginLogger } from './plugin-context';
import type { InstallService } from './install-service';
import type { PluginConstructor, ProvdPlugin } from './provd-plugin';

class AcmePlugin extends BasePlugin {
  constructor(context: PluginContext) {
    super(context, { templateEscape: 'xml' });
  }

  async configure(device: Device, rawConfig: RawConfig): Promise<void> {
    const mac = this.requireMac(device, { separator: '' });
    await this.writeFiles([
      { template: this.templates.getDeviceTemplate(`${mac}.cfg`, device), context: rawConfig, file: this.tftpbootPath('Acme', `${mac}.cfg`) },
      { template: 'contacts.tpl', context: rawConfig, file: this.tftpbootPath('Acme', `${mac}-contacts.xml`) },
    ]);
  }

  override async deconfigure(device: Device): Promise<void> {
    const mac = this.requireMac(device, { separator: '' });
    await this.removeFiles(this.tftpbootPath('Acme', `${mac}.cfg`), this.tftpbootPath('Acme', `${mac}-contacts.xml`));
  }
}

let dir: TestDir;
let context: PluginContext;

beforeEach(async () => {
  dir = await testdir({
    'plugin-info': JSON.stringify({ version: '1.0.0', description: 'Acme', capabilities: {}, sdk: '^0.1.0' }),
    'templates/base.tpl': '<cfg user="{{ sip_lines["1"].username }}" tz="{{ timezone }}"/>\n',
    'templates/contacts.tpl': '<contacts>{% for k, f in funckeys.items() %}<c n="{{ f.label }}"/>{% endfor %}</contacts>\n',
    'var/tftpboot/Acme/.keep': '',
  });
  context = { id: 'acme-1.0', pluginDir: dir.path, generalConfig: {}, pluginConfig: { a: 1 }, services: {} };
});
afterEach(() => dir.cleanup());

const device: Device = { id: 'dev1', mac: '00:0f:d3:05:48:48', model: 'A1' };
const rawConfig: RawConfig = { sip_lines: { '1': { username: 'u&1' } }, funckeys: { '1': { type: 'speeddial', value: '10', label: 'Bob <b>' } } };

describe('BasePlugin', () => {
  it('exposes the context, the standard folders as absolute paths and a template helper', () => {
    const plugin = new AcmePlugin(context);
    expect(plugin.id).toBe('acme-1.0');
    expect(plugin.pluginDir).toBe(dir.path);
    expect(plugin.pluginConfig).toEqual({ a: 1 });
    expect(plugin.tftpbootDir).toBe(dir.join('var/tftpboot'));
    expect(plugin.customTemplatesDir).toBe(dir.join('var/templates'));
    expect(plugin.cacheDir).toBe(dir.join('var/cache'));
    expect(plugin.installedDir).toBe(dir.join('var/installed'));
    expect(plugin.templates.pluginDir).toBe(dir.path);
    expect(plugin.templates.escape).toBe('xml');
    expect(plugin.services).toEqual({});
  });

  it('has the established defaults (contract §1.3)', async () => {
    const plugin = new AcmePlugin(context);
    await expect(plugin.configureCommon({})).resolves.toBeUndefined();
    await expect(plugin.close()).resolves.toBeUndefined();
    expect(plugin.getRemoteStateTriggerFilename(device)).toBeUndefined();
    expect(plugin.isSensitiveFilename('000fd3054848.cfg')).toBe(false);
    expect(plugin.dhcpDevInfoExtractor).toBeUndefined();
    expect(plugin.httpDevInfoExtractor).toBeUndefined();
    expect(plugin.tftpDevInfoExtractor).toBeUndefined();
    expect(plugin.pgAssociator).toBeUndefined();
  });

  it('rejects synchronize with PROVD_PLUGIN_SYNC_UNSUPPORTED naming the plugin and device', async () => {
    const err = await new AcmePlugin(context).synchronize(device, {}).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_PLUGIN_SYNC_UNSUPPORTED')).toBe(true);
    expect(err).toMatchObject({ plugin: 'acme-1.0', device: 'dev1' });
    expect((err as Error).message).toContain('"acme-1.0"');
    expect((err as Error).message).toContain('"dev1"');
  });

  it('reads plugin-info on every call', async () => {
    const plugin = new AcmePlugin(context);
    expect(plugin.info().sdk).toBe('^0.1.0');
    await writeFile(dir.join('plugin-info'), JSON.stringify({ version: '1.0.1', description: 'Acme', capabilities: {} }));
    expect(plugin.info().version).toBe('1.0.1');
    await writeFile(dir.join('plugin-info'), '{not json');
    expect(() => plugin.info()).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_PLUGIN_INFO' }));
    await writeFile(dir.join('plugin-info'), '[]');
    expect(() => plugin.info()).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_PLUGIN_INFO' }));
    await writeFile(dir.join('plugin-info'), '{"version": "1.0.0"}');
    expect(() => plugin.info()).toThrow(/capabilities: is required; description: is required/);
  });

  it('builds tftpboot paths and refuses ones that leave the folder', () => {
    const plugin = new AcmePlugin(context);
    expect(plugin.tftpbootPath('Acme', 'a.cfg')).toBe(dir.join('var/tftpboot/Acme/a.cfg'));
    expect(plugin.tftpbootPath('Acme/a.cfg')).toBe(dir.join('var/tftpboot/Acme/a.cfg'));
    for (const bad of [['..', 'x'], ['/etc/passwd'], ['Acme/../../x']]) {
      expect(() => plugin.tftpbootPath(...bad)).toThrow(expect.objectContaining({ code: 'PROVD_PLUGIN_PATH_OUTSIDE', plugin: 'acme-1.0' }));
    }
  });

  it('requires a MAC and formats it', () => {
    const plugin = new AcmePlugin(context);
    expect(plugin.requireMac(device)).toBe('00:0f:d3:05:48:48');
    expect(plugin.requireMac(device, { separator: '', uppercase: true })).toBe('000FD3054848');
    expect(() => plugin.requireMac({ id: 'nomac' })).toThrow(expect.objectContaining({ code: 'PROVD_DEVICE_NO_MAC', device: 'nomac', plugin: 'acme-1.0' }));
  });

  it('configures and deconfigures a device with writeFiles and removeFiles', async () => {
    const plugin = new AcmePlugin(context);
    await plugin.configure(device, rawConfig);
    expect(await readFile(dir.join('var/tftpboot/Acme/000fd3054848.cfg'), 'utf8')).toBe('<cfg user="u&amp;1" tz=""/>');
    expect(await readFile(dir.join('var/tftpboot/Acme/000fd3054848-contacts.xml'), 'utf8')).toBe('<contacts><c n="Bob &lt;b&gt;"/></contacts>');
    await plugin.deconfigure(device);
    await plugin.deconfigure(device);
    expect(await readdir(dir.join('var/tftpboot/Acme'))).toEqual(['.keep']);
  });

  it('writes nothing and keeps earlier files when one of the files fails to render', async () => {
    const plugin = new AcmePlugin(context);
    await plugin.configure(device, rawConfig);
    const before = await readFile(dir.join('var/tftpboot/Acme/000fd3054848.cfg'), 'utf8');
    const err = await plugin.configure(device, { sip_lines: { '1': { username: 'changed' } } }).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_TEMPLATE_RENDER_FAILED')).toBe(true);
    expect(await readFile(dir.join('var/tftpboot/Acme/000fd3054848.cfg'), 'utf8')).toBe(before);
    expect((await readdir(dir.join('var/tftpboot/Acme'))).sort()).toEqual(['.keep', '000fd3054848-contacts.xml', '000fd3054848.cfg']);
  });

  it('writes ready-made contents along with rendered templates, all-or-nothing', async () => {
    const plugin = new AcmePlugin(context);
    const latin1 = plugin.tftpbootPath('Acme', 'latin1.txt');
    await plugin.writeFiles([
      { file: latin1, data: Buffer.from('café', 'latin1') },
      { template: 'base.tpl', context: rawConfig, file: plugin.tftpbootPath('Acme', 'x.cfg') },
    ]);
    expect([...(await readFile(latin1))]).toEqual([0x63, 0x61, 0x66, 0xe9]);
    await expect(
      plugin.writeFiles([
        { file: latin1, data: 'changed' },
        { template: 'missing.tpl', context: {}, file: plugin.tftpbootPath('Acme', 'y.cfg') },
      ]),
    ).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_NOT_FOUND' });
    expect([...(await readFile(latin1))]).toEqual([0x63, 0x61, 0x66, 0xe9]);
  });

  it('fsyncs its writes by default, and not when the context says writeDurability "none"', async () => {
    const probe = await open(dir.path, 'r');
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as { sync: () => Promise<void> }, 'sync');
    await probe.close();
    try {
      await new AcmePlugin(context).configure(device, rawConfig);
      expect(sync.mock.calls.length).toBeGreaterThanOrEqual(3); // two files, then their folder
      sync.mockClear();
      const relaxed = new AcmePlugin({ ...context, writeDurability: 'none' });
      expect(relaxed.writer.durability).toBe('none');
      await relaxed.configure({ ...device, mac: '00:0f:d3:05:48:49' }, rawConfig);
      expect(sync).not.toHaveBeenCalled();
    } finally {
      sync.mockRestore();
    }
    expect(await readFile(dir.join('var/tftpboot/Acme/000fd3054849.cfg'), 'utf8')).toBe('<cfg user="u&amp;1" tz=""/>');
  });

  it('stages its temporary files in var/staging, beside the served folder, and leaves nothing there or in tftpboot', async () => {
    await new AcmePlugin({ ...context, writeDurability: 'none' }).configure(device, rawConfig);
    expect(await readdir(dir.join(BasePlugin.STAGING_DIR))).toEqual([]);
    expect((await readdir(dir.join('var/tftpboot/Acme'))).filter((n) => n !== '.keep').sort()).toEqual(['000fd3054848-contacts.xml', '000fd3054848.cfg']);
  });

  it('uses the host logger when there is one, a silent one otherwise', () => {
    const lines: string[] = [];
    const logger: PluginLogger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    new AcmePlugin({ ...context, services: { logger } }).logger.info('hello');
    new AcmePlugin(context).logger.info('nowhere');
    expect(lines).toEqual(['hello']);
  });

  it('lets a subclass declare extractors, associator and services as fields', async () => {
    const fakeInstall: InstallService = {
      installable: async () => ({}),
      installed: async () => ({}),
      install: async () => undefined,
      upgrade: async () => undefined,
      uninstall: async () => undefined,
    };
    class Full extends AcmePlugin {
      override readonly pgAssociator = { associate: () => 600 };
      override services = { install: fakeInstall };
      override getRemoteStateTriggerFilename(d: Device): string | undefined {
        return d.mac ? `${this.requireMac(d, { separator: '' })}.cfg` : undefined;
      }
    }
    const Ctor: PluginConstructor = Full;
    const plugin: ProvdPlugin = new Ctor(context);
    expect(plugin.pgAssociator?.associate({})).toBe(600);
    expect(plugin.services.install).toBe(fakeInstall);
    expect(plugin.getRemoteStateTriggerFilename(device)).toBe('000fd3054848.cfg');
  });
});
