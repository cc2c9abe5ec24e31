/** configure, deconfigure, synchronize and the host-facing members of every version. */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { isProvdError, type Device, type RawConfig, type SyncService } from '@provd/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TARGETS } from './expected';
import { device, loadPlugin, type PluginFixture } from './plugin-fixture';
import { FULL, MINIMAL } from './raw-configs';
import { parseXmlTree as parseXml } from '@provd/testing';

const MAC = '000fd3054848';

describe.each(TARGETS)('$pluginId', (target) => {
  let fixture: PluginFixture;
  beforeEach(async () => {
    fixture = await loadPlugin(target);
  });
  afterEach(() => fixture.cleanup());

  const customTemplate = async (name: string, text: string): Promise<void> => {
    await mkdir(fixture.dir.join('var', 'templates'), { recursive: true });
    await writeFile(fixture.dir.join('var', 'templates', name), text);
  };
  const settingIds = async (): Promise<string[]> =>
    parseXml((await fixture.read(`${MAC}.cfg`))!)
      .children.filter((c) => c.name === 'setting')
      .map((c) => c.attrs.id!);
  const lastChild = async (): Promise<string | undefined> => parseXml((await fixture.read(`${MAC}.cfg`))!).children.at(-1)?.name;

  describe('custom templates in var/templates/', () => {
    const EXTEND = (marker: string) =>
      `{% extends 'base.tpl' %}{% block suffix %}<setting id="${marker}" value="{{ XX_mac }}"/>{% endblock %}`;

    it('<model>.tpl overrides the shipped one and can fill the suffix block of base.tpl', async () => {
      await customTemplate('D40.tpl', EXTEND('from_model'));
      await fixture.plugin.configure(device('D40'), FULL);
      expect(await lastChild()).toBe('setting');
      expect(await fixture.read(`${MAC}.cfg`)).toContain(`<setting id="from_model" value="${MAC}"/>\n</config>`);
      // Other models keep the shipped template.
      await fixture.plugin.configure(device('D50', '00:0f:d3:05:48:49'), FULL);
      expect(await fixture.read('000fd3054849.cfg')).not.toContain('from_model');
    });

    it('<mac>.cfg.tpl wins over <model>.tpl', async () => {
      await customTemplate('D40.tpl', EXTEND('from_model'));
      await customTemplate(`${MAC}.cfg.tpl`, EXTEND('from_mac'));
      await fixture.plugin.configure(device('D40'), FULL);
      expect(await settingIds()).toContain('from_mac');
      expect(await settingIds()).not.toContain('from_model');
    });

    it('base.tpl replaces the parent of every shipped model template', async () => {
      await customTemplate('base.tpl', '<?xml version="1.0" encoding="UTF-8"?>\n<config><setting id="custom_base" value="{{ XX_server_url }}"/></config>\n');
      await fixture.plugin.configure(device(target.models[0]!), MINIMAL);
      expect(parseXml((await fixture.read(`${MAC}.cfg`))!).children).toEqual([
        { name: 'setting', attrs: { id: 'custom_base', value: 'http://10.0.0.1:8667' }, children: [] },
      ]);
    });

    it('a custom contacts.tpl replaces the phonebook template', async () => {
      await customTemplate('contacts.tpl', '<?xml version="1.0" encoding="UTF-8"?>\n<phonebooks/>\n');
      await fixture.plugin.configure(device('D40'), FULL);
      expect(parseXml((await fixture.read(`${MAC}-contacts.xml`))!)).toEqual({ name: 'phonebooks', attrs: {}, children: [] });
    });

    it('escapes what a custom template prints too', async () => {
      await customTemplate('D40.tpl', `{% extends 'base.tpl' %}{% block suffix %}<x v="{{ X_note }}"/>{% endblock %}`);
      await fixture.plugin.configure(device('D40'), { ...MINIMAL, X_note: `"&<'` });
      expect(await fixture.read(`${MAC}.cfg`)).toContain('<x v="&#34;&amp;&lt;&#39;"/>');
    });
  });

  it('renders a model without its own template (e.g. a D80) from base.tpl, like any known model', async () => {
    await fixture.plugin.configure(device('D80'), FULL);
    const unknown = await fixture.read(`${MAC}.cfg`);
    await fixture.plugin.configure(device(target.models[0]!), FULL);
    expect(unknown).toBe(await fixture.read(`${MAC}.cfg`));
  });

  describe('errors', () => {
    async function expectRefused(dev: Device, raw: RawConfig, code: string): Promise<void> {
      let caught: unknown;
      try {
        await fixture.plugin.configure(dev, raw);
      } catch (err) {
        caught = err;
      }
      expect(isProvdError(caught)).toBe(true);
      expect(caught).toMatchObject({ code, device: dev.id, plugin: target.pluginId });
      expect((caught as Error).message).toContain(`"${dev.id}"`);
    }

    it('refuses a device without MAC and writes nothing', async () => {
      await expectRefused({ id: 'no-mac', model: 'D40' }, FULL, 'PROVD_DEVICE_NO_MAC');
      expect(await readdir(fixture.dir.join('var', 'tftpboot'))).toEqual([]);
    });

    it.each([
      ['no sip_lines', { ...MINIMAL, sip_lines: undefined }],
      ['null sip_lines', { ...MINIMAL, sip_lines: null }],
      ['empty sip_lines', { ...MINIMAL, sip_lines: {} }],
    ])('refuses a raw config with %s and leaves the earlier files as they were', async (_name, raw) => {
      await fixture.plugin.configure(device('D40'), FULL);
      const before = [await fixture.read(`${MAC}.cfg`), await fixture.read(`${MAC}-contacts.xml`)];
      await expectRefused(device('D40'), raw, 'PROVD_RAW_CONFIG_NO_SIP_LINE');
      expect([await fixture.read(`${MAC}.cfg`), await fixture.read(`${MAC}-contacts.xml`)]).toEqual(before);
      expect((await readdir(fixture.dir.join('var', 'tftpboot', 'Digium'))).sort()).toEqual([`${MAC}-contacts.xml`, `${MAC}.cfg`]);
    });

    it('writes neither file when a template fails, and leaves no temporary file', async () => {
      await fixture.plugin.configure(device('D40'), MINIMAL);
      const before = [await fixture.read(`${MAC}.cfg`), await fixture.read(`${MAC}-contacts.xml`)];
      await customTemplate('contacts.tpl', '{% for %}');
      await expect(fixture.plugin.configure(device('D40'), FULL)).rejects.toMatchObject({ name: 'ProvdError' });
      expect([await fixture.read(`${MAC}.cfg`), await fixture.read(`${MAC}-contacts.xml`)]).toEqual(before);
      expect((await readdir(fixture.dir.join('var', 'tftpboot', 'Digium'))).sort()).toEqual([`${MAC}-contacts.xml`, `${MAC}.cfg`]);
    });

    it('does not modify the raw config it is given', async () => {
      const raw = structuredClone(FULL);
      await fixture.plugin.configure(device('D40'), raw);
      expect(raw).toEqual(FULL);
    });
  });

  describe('deconfigure', () => {
    it('removes both files, and again is not an error', async () => {
      await fixture.plugin.configure(device('D40'), FULL);
      await fixture.plugin.configure(device('D50', '00:0f:d3:05:48:49'), FULL);
      await fixture.plugin.deconfigure(device('D40'));
      expect((await readdir(fixture.dir.join('var', 'tftpboot', 'Digium'))).sort()).toEqual([
        '000fd3054849-contacts.xml',
        '000fd3054849.cfg',
      ]);
      await fixture.plugin.deconfigure(device('D40'));
      await fixture.plugin.deconfigure({ id: 'no-mac' });
    });
  });

  describe('host-facing members', () => {
    it('marks exactly <12 lowercase hex>.cfg as sensitive', () => {
      const sensitive = (name: string) => fixture.plugin.isSensitiveFilename(name);
      expect(sensitive(`${MAC}.cfg`)).toBe(true);
      for (const name of [`${MAC}-contacts.xml`, '000FD3054848.cfg', `${MAC}.cfg.bak`, `x${MAC}.cfg`, '0fd3054848.cfg', 'firmware']) {
        expect(sensitive(name)).toBe(false);
      }
    });

    it('has <mac>.cfg as remote-state trigger file', () => {
      expect(fixture.plugin.getRemoteStateTriggerFilename(device('D40'))).toBe(`${MAC}.cfg`);
      expect(fixture.plugin.getRemoteStateTriggerFilename({ id: 'no-mac' })).toBeUndefined();
    });

    it('identifies on DHCP and HTTP, and scores as the spec says', async () => {
      const dhcp = await fixture.plugin.dhcpDevInfoExtractor.extract(
        { ip: '10.0.0.5', mac: '00:0f:d3:05:48:48', options: { 60: `digium_D40_${target.associatorVersion.replaceAll('.', '_')}` } },
        'dhcp',
      );
      expect(dhcp).toEqual({ vendor: 'Digium', model: 'D40', version: target.associatorVersion });
      expect(fixture.plugin.pgAssociator.associate(dhcp!)).toBe(600);
      expect(fixture.plugin.pgAssociator.associate({ ...dhcp, version: '0.1' })).toBe(500);
      const http = await fixture.plugin.httpDevInfoExtractor.extract({ path: `/Digium/${MAC}.cfg`, headers: {}, clientIp: '10.0.0.5' }, 'http');
      expect(http).toEqual({ vendor: 'Digium', mac: '00:0f:d3:05:48:48' });
      expect(fixture.plugin.tftpDevInfoExtractor).toBeUndefined();
    });
  });
});

describe('synchronize', () => {
  /** Records the NOTIFYs the plugin asks the host's sync service to send. */
  class RecordingSync implements SyncService {
    readonly type = 'recording';
    readonly sent: string[][] = [];
    async notifyByIp(ip: string, event: string): Promise<void> {
      this.sent.push(['ip', ip, event]);
    }
    async notifyByPeer(peer: string, event: string): Promise<void> {
      this.sent.push(['peer', peer, event]);
    }
  }

  it.each(TARGETS)('$pluginId sends check-sync through the SDK sync service', async (target) => {
    const sync = new RecordingSync();
    const fixture = await loadPlugin(target, sync);
    try {
      await fixture.plugin.synchronize({ ...device('D40'), ip: '10.0.0.5' }, FULL);
      await fixture.plugin.synchronize({ ...device('D40'), ip: '10.0.0.5', remote_state_sip_username: 'alice' }, FULL);
      expect(sync.sent).toEqual([
        ['ip', '10.0.0.5', 'check-sync'],
        ['peer', 'alice', 'check-sync'],
      ]);
      await expect(fixture.plugin.synchronize(device('D40'), FULL)).rejects.toMatchObject({ code: 'PROVD_SYNC_NO_ADDRESS' });
    } finally {
      await fixture.cleanup();
    }
  });

  it('fails with PROVD_SYNC_UNAVAILABLE when the host has no sync service', async () => {
    const fixture = await loadPlugin(TARGETS[2]!);
    try {
      await expect(fixture.plugin.synchronize({ ...device('D40'), ip: '10.0.0.5' }, FULL)).rejects.toMatchObject({
        code: 'PROVD_SYNC_UNAVAILABLE',
      });
    } finally {
      await fixture.cleanup();
    }
  });
});
