/**
 * The two files of every model of every version, parsed with a real XML parser and compared element by element and
 * attribute by attribute with what the spec describes (test/expected.ts).
 */
import type { RawConfig } from '@provd/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedConfig, expectedContacts, TARGETS } from './expected';
import { device, loadPlugin, type PluginFixture } from './plugin-fixture';
import { FULL, MINIMAL, NULLS, NUMERIC_ORDER, randomConfigs } from './raw-configs';
import { parseXmlTree as parseXml, strayXmlText as strayText, xmlProblems } from '@provd/testing';

const NAMED: Record<string, RawConfig> = { MINIMAL, FULL, NUMERIC_ORDER, NULLS };

describe.each(TARGETS)('$pluginId', (target) => {
  let fixture: PluginFixture;
  beforeAll(async () => {
    fixture = await loadPlugin(target);
  });
  afterAll(() => fixture.cleanup());

  async function renderAndCheck(model: string, raw: RawConfig): Promise<{ cfg: string; contacts: string }> {
    const mac = '000fd3054848';
    await fixture.plugin.configure(device(model), raw);
    const cfg = (await fixture.read(`${mac}.cfg`))!;
    const contacts = (await fixture.read(`${mac}-contacts.xml`))!;
    expect(xmlProblems(cfg, { utf8Declaration: true })).toEqual([]);
    expect(xmlProblems(contacts, { utf8Declaration: true })).toEqual([]);
    expect(strayText(cfg)).toBe('');
    expect(strayText(contacts)).toBe('');
    expect(parseXml(cfg)).toEqual(expectedConfig(target, mac, raw));
    expect(parseXml(contacts)).toEqual(expectedContacts(raw));
    return { cfg, contacts };
  }

  describe.each(target.models)('%s', (model) => {
    it.each(Object.keys(NAMED))('renders the %s config exactly', async (name) => {
      const { cfg, contacts } = await renderAndCheck(model, NAMED[name]!);
      // Unset and null values leave the attribute empty: never a "None", "null" or "undefined" text.
      expect(cfg + contacts).not.toMatch(/None|null|undefined|NaN|\[object/);
    });

    it('renders random configs with hostile text exactly, as well-formed UTF-8 XML', async () => {
      for (const raw of randomConfigs(model.charCodeAt(2) * 31 + target.dir.length, 12, 6)) {
        await renderAndCheck(model, raw);
      }
    });
  });

  it('lists the accounts and the contacts in numeric order (2 before 10)', async () => {
    const { cfg, contacts } = await renderAndCheck('D40', NUMERIC_ORDER);
    const indexes = parseXml(cfg)
      .children.find((c) => c.name === 'accounts')!
      .children.map((a) => a.attrs.index);
    expect(indexes).toEqual(['0', '1', '9']);
    const names = parseXml(contacts).children[0]!.children.map((c) => c.attrs.first_name);
    expect(names).toEqual(['one', 'three', 'twelve', '21']);
    // BLF keys subscribe through the proxy of line 1, the lowest-numbered line.
    expect(contacts).toContain('subscribe_to="sip:3@10.0.0.101"');
  });

  it('escapes markup, quotes and keeps non-ASCII text as UTF-8', async () => {
    const raw: RawConfig = {
      ...MINIMAL,
      admin_password: `a&b<c>"d"'e'`,
      sip_lines: { '1': { username: 'Zoë', password: `p"&<'`, display_name: '电话 ☎ 😀', proxy_ip: '10.0.0.1' } },
      funckeys: { '1': { type: 'blf', value: '1&2', label: '<Bob & "Alice">' } },
    };
    const { cfg, contacts } = await renderAndCheck('D40', raw);
    expect(cfg).toContain('value="a&amp;b&lt;c&gt;&#34;d&#34;&#39;e&#39;"');
    expect(cfg).toContain('line_label="电话 ☎ 😀"');
    expect(Buffer.from(cfg, 'utf8').includes(Buffer.from('电话', 'utf8'))).toBe(true);
    expect(contacts).toContain('first_name="&lt;Bob &amp; &#34;Alice&#34;&gt;"');
  });
});
