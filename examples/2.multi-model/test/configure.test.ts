import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceSupport, type RawConfig } from '@provd/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFilename } from '@provd/host';
import { device, loadPlugin, type PluginFixture } from './plugin-fixture';

const line = (n: number) => ({ username: `10${n}0`, password: `pw${n}`, proxy_ip: '10.0.0.1' });
/** Six lines and keys 1-5, 12, 13 and 30. */
const rawConfig: RawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  sip_lines: Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [String(n), line(n)])),
  funckeys: {
    '1': { type: 'speeddial', value: '1010', label: 'Bob' },
    '2': { type: 'blf', value: '1011', line: 2 },
    '3': { type: 'park' },
    '4': { type: 'speeddial', value: '1012' },
    '5': { type: 'speeddial', value: '1013' },
    '12': { type: 'speeddial', value: '1014' },
    '13': { type: 'speeddial', value: '1015' },
    '30': { type: 'blf', value: '1016' },
  },
  exten_park: '700',
};

const accounts = (text: string | undefined) => [...(text ?? '').matchAll(/^account(\d+)\.enable = 1$/gm)].map((m) => Number(m[1]));
const keys = (text: string | undefined) => [...(text ?? '').matchAll(/^key(\d+)\.type = /gm)].map((m) => Number(m[1]));

let fx: PluginFixture;
beforeAll(async () => {
  fx = await loadPlugin();
});
afterAll(() => fx.dir.cleanup());

describe('configure, per model', () => {
  it.each([
    ['T20', [1, 2], [1, 2, 3, 4], 'display.type = mono'],
    ['T40', [1, 2, 3, 4], [1, 2, 3, 4, 5, 12], 'display.type = color'],
    ['T60', [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 12, 13, 30], 'expansion.modules = 2'],
  ])('a %s gets the lines and keys it has room for, from its own template', async (model, lines, keyNumbers, modelLine) => {
    const mac = model === 'T20' ? '00:1a:2b:3c:4d:01' : model === 'T40' ? '00:1a:2b:3c:4d:02' : '00:1a:2b:3c:4d:03';
    fx.warnings.length = 0;
    await fx.plugin.configure(device(model, mac), structuredClone(rawConfig));
    const text = await fx.read(`${mac.replaceAll(':', '')}.cfg`);
    expect(text).toMatch(new RegExp(`^# Tinkertel ${model} configuration, written by provd\nfirmware\\.url = http://10\\.0\\.0\\.1:8667/tinkertel/firmware/${model}-3\\.1\\.0\\.bin\n`));
    expect(accounts(text)).toEqual(lines);
    expect(keys(text)).toEqual(keyNumbers);
    expect(text).toContain(`\n${modelLine}\n`);
    expect(text!.endsWith('\n')).toBe(true);
    expect(fx.warnings.length).toBe(model === 'T60' ? 0 : 1);
  });

  it('maps function key types and fills park keys from exten_park', async () => {
    await fx.plugin.configure(device('T40'), structuredClone(rawConfig));
    const text = await fx.read('001a2b3c4d5e.cfg');
    expect(text).toContain('key1.type = speed_dial\nkey1.value = 1010\nkey1.label = Bob\nkey1.account = 1\n');
    expect(text).toContain('key2.type = blf\nkey2.value = 1011\nkey2.label = 1011\nkey2.account = 2\n');
    expect(text).toContain('key3.type = park\nkey3.value = 700\nkey3.label = 700\nkey3.account = 1\n');
  });

  it('gives an unknown model base.tpl, one line, no key and no firmware line', async () => {
    await fx.plugin.configure(device('T99', '00:1a:2b:3c:4d:99'), structuredClone(rawConfig));
    const text = await fx.read('001a2b3c4d99.cfg');
    expect(text).not.toContain('firmware.url');
    expect(text).not.toContain('display.type');
    expect(accounts(text)).toEqual([1]);
    expect(keys(text)).toEqual([]);
  });

  it('keeps every setting on its own line: line breaks in values become spaces', async () => {
    const raw: RawConfig = { sip_lines: { '1': { ...line(1), display_name: 'Alice\nsecurity.admin_password = x' } } };
    await fx.plugin.configure(device('T20', '00:1a:2b:3c:4d:77'), raw);
    const text = await fx.read('001a2b3c4d77.cfg');
    expect(text).toContain('account1.label = Alice security.admin_password = x\n');
    expect(text).not.toMatch(/^security\.admin_password/m);
  });

  it('uses an administrator override in var/templates/ on the next render', async () => {
    await mkdir(join(fx.pluginDir, 'var', 'templates'), { recursive: true });
    await writeFile(join(fx.pluginDir, 'var', 'templates', 'T40.tpl'), '{% extends "base.tpl" %}\n{% block model %}\ndisplay.type = color\nscreen.saver = off\n{%- endblock %}\n');
    try {
      await fx.plugin.configure(device('T40', '00:1a:2b:3c:4d:40'), structuredClone(rawConfig));
      expect(await fx.read('001a2b3c4d40.cfg')).toContain('\ndisplay.type = color\nscreen.saver = off\n');
    } finally {
      await writeFile(join(fx.pluginDir, 'var', 'templates', 'T40.tpl'), '{% extends "base.tpl" %}\n');
    }
  });

  it('deconfigure removes the file, twice without error', async () => {
    await fx.plugin.configure(device('T20', '00:1a:2b:3c:4d:88'), structuredClone(rawConfig));
    expect(await fx.read('001a2b3c4d88.cfg')).toBeDefined();
    await fx.plugin.deconfigure(device('T20', '00:1a:2b:3c:4d:88'));
    await fx.plugin.deconfigure(device('T20', '00:1a:2b:3c:4d:88'));
    expect(await fx.read('001a2b3c4d88.cfg')).toBeUndefined();
  });

  it('marks device files as sensitive by the base name the host passes', () => {
    // The host passes the last segment of the requested path (requestFilename), never the folder.
    const http = requestFilename({ path: '/tinkertel/001a2b3c4d5e.cfg', headers: {}, clientIp: '10.0.0.5', method: 'GET' }, 'http');
    const tftp = requestFilename({ filename: 'tinkertel/001a2b3c4d5e.cfg', mode: 'octet', options: {}, address: { ip: '10.0.0.5', port: 69 } }, 'tftp');
    expect([http, tftp]).toEqual(['001a2b3c4d5e.cfg', '001a2b3c4d5e.cfg']);
    expect(fx.plugin.isSensitiveFilename(http!)).toBe(true);
    expect(fx.plugin.isSensitiveFilename('T40-3.1.0.bin')).toBe(false);
    expect(fx.plugin.isSensitiveFilename('001a2b3c4d5e.cfg.bak')).toBe(false);
  });
});

describe('identification', () => {
  it('reads DHCP option 60 and the HTTP User-Agent', async () => {
    const dhcp = await fx.plugin.dhcpDevInfoExtractor.extract({ ip: '10.0.0.9', mac: '00:1a:2b:3c:4d:5e', options: { 60: 'Tinkertel-T60-3.1.0' } }, 'dhcp');
    expect(dhcp).toEqual({ vendor: 'Tinkertel', model: 'T60', version: '3.1.0' });
    const http = await fx.plugin.httpDevInfoExtractor.extract(
      { path: '/tinkertel/001a2b3c4d5e.cfg', headers: { 'user-agent': 'Tinkertel/3.0.2 (T20; 00:1A:2B:3C:4D:5E)' }, clientIp: '10.0.0.9' },
      'http',
    );
    expect(http).toEqual({ vendor: 'Tinkertel', model: 'T20', version: '3.0.2', mac: '00:1a:2b:3c:4d:5e' });
    expect(await fx.plugin.httpDevInfoExtractor.extract({ path: '/x', headers: { 'user-agent': 'curl/8' }, clientIp: '10.0.0.9' }, 'http')).toBeUndefined();
  });

  it('scores exact for a known model on 3.1.0, complete on another firmware, probable for an unknown model', () => {
    const score = (model?: string, version?: string) => fx.plugin.pgAssociator.associate({ vendor: 'Tinkertel', model, version });
    expect(score('T40', '3.1.0')).toBe(DeviceSupport.EXACT);
    expect(score('T40', '3.0.2')).toBe(DeviceSupport.COMPLETE);
    expect(score('T99', '3.1.0')).toBe(DeviceSupport.PROBABLE);
    expect(fx.plugin.pgAssociator.associate({ vendor: 'Acme', model: 'A10' })).toBe(DeviceSupport.IMPROBABLE);
    expect(fx.plugin.pgAssociator.associate({})).toBe(DeviceSupport.UNKNOWN);
  });
});
