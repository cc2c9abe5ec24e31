import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BasePlugin, isProvdError, ProvdError, type Device, type ProvdErrorCode } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_SDK_VERSION, loadPluginFromDir, PluginManager } from '../src/plugins/index';
import { ACME_SOURCE, writePluginFolder, type PluginVariant } from './helpers-plugins';

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir();
});
afterEach(() => dir.cleanup());

const device: Device = { id: 'd1', mac: '00:0f:d3:05:48:48', vendor: 'Acme', model: 'A1' };
const rawConfig = { ip: '10.0.0.1', sip_lines: { '1': { username: 'alice', password: 'secret', proxy_ip: '10.0.0.2' } } };

async function loadError(variant: PluginVariant): Promise<ProvdError> {
  const pluginDir = await writePluginFolder(dir.path, 'acme-1', variant);
  const err = await loadPluginFromDir(pluginDir).then(() => undefined, (e: unknown) => e);
  if (!isProvdError(err)) throw new Error(`expected a ProvdError, got ${String(err)}`);
  return err;
}

describe('loadPluginFromDir', () => {
  it('loads a plugin that shares the host copy of @provd/sdk', async () => {
    const { id, plugin, info } = await loadPluginFromDir(await writePluginFolder(dir.path, 'acme-1'));
    expect(id).toBe('acme-1');
    expect(info.version).toBe('1.0.0');
    expect(plugin).toBeInstanceOf(BasePlugin);
    expect((plugin.constructor as unknown as { sdkErrorClass: unknown }).sdkErrorClass).toBe(ProvdError);
    expect((plugin as unknown as { makeError(): unknown }).makeError()).toBeInstanceOf(ProvdError);
    expect(plugin.tftpbootDir).toBe(join(dir.path, 'acme-1', 'var', 'tftpboot'));

    await plugin.configure(device, structuredClone(rawConfig));
    const written = await readFile(join(plugin.tftpbootDir, 'Acme', '000fd3054848.cfg'), 'utf8');
    expect(written).toContain('user = alice');
    const err = await plugin.configure({ id: 'd2', mac: '00:0f:d3:05:48:49' }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvdError);
    expect((err as ProvdError).code).toBe('PROVD_RAW_CONFIG_NO_SIP_LINE');
  });

  it('imports the entry again on each load, so a reload runs new code', async () => {
    const pluginDir = await writePluginFolder(dir.path, 'acme-1');
    const first = await loadPluginFromDir(pluginDir);
    await writeFile(join(pluginDir, 'entry.js'), `${await readFile(join(pluginDir, 'entry.js'), 'utf8')}\nexport const marker = 2;\n`.replace('closed = false;', 'closed = false;\n  generation = 2;'));
    const second = await loadPluginFromDir(pluginDir);
    expect((first.plugin as unknown as { generation?: number }).generation).toBeUndefined();
    expect((second.plugin as unknown as { generation?: number }).generation).toBe(2);
  });

  it('refuses a plugin whose SDK range does not include the host SDK, naming plugin, range and version', async () => {
    const err = await loadError({ info: { sdk: '^9.0.0' } });
    expect(err.code).toBe('PROVD_PLUGIN_SDK_MISMATCH');
    expect(err.plugin).toBe('acme-1');
    expect(err.message).toContain('"acme-1"');
    expect(err.message).toContain('"^9.0.0"');
    expect(err.message).toContain(`"${HOST_SDK_VERSION}"`);
  });

  it.each<[string, PluginVariant, ProvdErrorCode]>([
    ['no sdk range', { info: { sdk: undefined } }, 'PROVD_PLUGIN_NO_SDK_RANGE'],
    ['an invalid plugin-info', { info: { capabilities: {} } }, 'PROVD_INVALID_PLUGIN_INFO'],
    ['a plugin-info that is not JSON', { files: { 'plugin-info': '{ nope' } }, 'PROVD_PLUGIN_INFO_MISSING'],
    ['no default export', { files: { 'entry.js': 'export const x = 1;\n' } }, 'PROVD_PLUGIN_NO_CLASS'],
    ['a default export that is not a class', { files: { 'entry.js': 'export default () => ({});\n' } }, 'PROVD_PLUGIN_NO_CLASS'],
    ['an entry that throws', { files: { 'entry.js': 'throw new Error("boom");\n' } }, 'PROVD_PLUGIN_ENTRY_FAILED'],
    ['an entry importing a missing SDK name', { files: { 'entry.js': "import { NoSuchThing } from '@provd/sdk';\nexport default class X {}\n" } }, 'PROVD_PLUGIN_ENTRY_FAILED'],
    ['a constructor that throws', { files: { 'entry.js': 'export default class X { constructor() { throw new Error("no"); } }\n' } }, 'PROVD_PLUGIN_CONSTRUCT_FAILED'],
    ['a class that is not a plugin', { files: { 'entry.js': 'export default class X { configure() {} }\n' } }, 'PROVD_PLUGIN_NOT_A_PLUGIN'],
  ])('refuses a plugin with %s', async (_label, variant, code) => {
    const err = await loadError(variant);
    expect(err.code).toBe(code);
  });

  it('refuses a folder without entry.js', async () => {
    const pluginDir = await writePluginFolder(dir.path, 'acme-1');
    await rm(join(pluginDir, 'entry.js'));
    const err = await loadPluginFromDir(pluginDir).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_PLUGIN_ENTRY_MISSING')).toBe(true);
  });
});

describe('PluginManager', () => {
  it('keeps one instance per plugin id and closes it on unload', async () => {
    await writePluginFolder(dir.path, 'acme-1');
    const manager = new PluginManager({ pluginsDir: dir.path });
    const changes: string[] = [];
    manager.onChange((c) => changes.push(`${c.type}:${c.id}`));
    const [first, second] = await Promise.allSettled([manager.load('acme-1'), manager.load('acme-1')]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && isProvdError(second.reason, 'PROVD_PLUGIN_ALREADY_LOADED')).toBe(true);
    const plugin = manager.loaded().get('acme-1') as unknown as { closed: boolean };
    expect(plugin.closed).toBe(false);
    await manager.unload('acme-1');
    expect(plugin.closed).toBe(true);
    expect(manager.loaded().size).toBe(0);
    expect(changes).toEqual(['load:acme-1', 'unload:acme-1']);
    await expect(manager.unload('acme-1')).rejects.toMatchObject({ code: 'PROVD_HOST_PLUGIN_NOT_LOADED' });
  });

  it('loads every installed plugin, reporting the broken ones without stopping', async () => {
    await writePluginFolder(dir.path, 'acme-1');
    await writePluginFolder(dir.path, 'acme-2', { info: { sdk: '>=5' } });
    await writePluginFolder(dir.path, 'acme-3', { files: { 'plugin-info': 'not json' } });
    await writePluginFolder(dir.path, 'acme-4', { files: { 'plugin-info': JSON.stringify({ version: 1 }) } });
    const manager = new PluginManager({ pluginsDir: dir.path });
    const { loaded, failed } = await manager.loadAll();
    expect(loaded).toEqual(['acme-1']);
    expect(failed.map((f) => [f.id, (f.error as ProvdError).code]).sort()).toEqual([
      ['acme-2', 'PROVD_PLUGIN_SDK_MISMATCH'],
      ['acme-3', 'PROVD_PLUGIN_INFO_MISSING'],
      ['acme-4', 'PROVD_INVALID_PLUGIN_INFO'],
    ]);
    expect(failed.find((f) => f.id === 'acme-4')?.error).toMatchObject({ plugin: 'acme-4', file: expect.stringContaining('acme-4') });
    await manager.closeAll();
  });

  it('calls configureCommon after loading, and does not register a plugin failing there', async () => {
    const common = 'async configureCommon(raw) { if (raw.fail) throw new Error("bad base"); this.common = raw; }\n  closed = false;';
    const source = await readFile(join(ACME_SOURCE, 'entry.js'), 'utf8');
    await writePluginFolder(dir.path, 'acme-1', { files: { 'entry.js': source.replace('closed = false;', common) } });
    const good = new PluginManager({ pluginsDir: dir.path, baseRawConfig: { ip: '10.0.0.1' } });
    const plugin = (await good.load('acme-1')) as unknown as { common: unknown };
    expect(plugin.common).toEqual({ ip: '10.0.0.1' });
    const bad = new PluginManager({ pluginsDir: dir.path, baseRawConfig: { ip: '10.0.0.1', fail: true } as never });
    await expect(bad.load('acme-1')).rejects.toMatchObject({ code: 'PROVD_PLUGIN_CONFIGURE_COMMON_FAILED', plugin: 'acme-1' });
    expect(bad.loaded().size).toBe(0);
    await good.closeAll();
  });
});
