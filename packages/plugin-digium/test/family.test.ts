/** The family declaration and the plugin-info of every version, against the spec. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validatePluginInfo, type PluginInfo } from '@provd/sdk';
import { expectGolden } from '@provd/testing';
import { describe, expect, it } from 'vitest';
import { DIGIUM_MODELS } from '../common/models';
import family from '../provd.family';
import { TARGETS } from './expected';
import { builtFamily, packageDir } from './plugin-fixture';

const LINES: Record<string, number> = { D40: 2, D45: 2, D50: 4, D60: 4, D62: 2, D65: 6, D70: 6 };
const PUBLISHED: Record<string, string> = { 'digium-1.4.0.0': '1.1.4', 'digium-2.2.1.8': '1.1.5', 'digium-2.8.1': '1.0.4' };

const numbers = (version: string): number[] => version.split('.').map(Number);
const atLeast = (a: string, b: string): boolean => {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
};

describe('provd.family.ts', () => {
  it('builds the three targets from common/ and their version folder', () => {
    expect(family.name).toBe('digium');
    expect(family.targets.map((t) => [t.pluginId, t.sources])).toEqual(TARGETS.map((t) => [t.pluginId, ['common', t.dir]]));
  });

  it('routes all seven models over DHCP to /Digium', () => {
    expect(family.dhcp.urlPath).toBe('/Digium');
    for (const model of Object.keys(LINES)) {
      const vendorClass = `digium_${model}_2_8_1`;
      expect(family.dhcp.vendorClassPrefixes.some((prefix) => vendorClass.startsWith(prefix))).toBe(true);
    }
    expect(family.dhcp.vendorClassPrefixes.some((prefix) => 'digium_D80_1_0'.startsWith(prefix))).toBe(false);
  });

  it('takes its DHCP classes from the model table the associator uses, one per model', () => {
    expect(family.dhcp.vendorClassPrefixes).toEqual(DIGIUM_MODELS.map((model) => `digium_${model}_`));
    expect([...DIGIUM_MODELS].sort()).toEqual(Object.keys(LINES).sort());
  });
});

/** What the spec's model list reads like in the descriptions: `D40, D50 and D70`. */
const listed = (models: readonly string[], and: string): string => `${models.slice(0, -1).join(', ')} ${and} ${models[models.length - 1]}`;

describe.each(TARGETS)('$pluginId plugin-info', (target) => {
  const fwVersion = target.pluginId.slice('digium-'.length);
  const built = async (file: string): Promise<string> => readFile(join((await builtFamily()).folder(target.pluginId), file), 'utf8');

  it('is derived at build time from the model tables, byte for byte the file that used to be kept by hand', async () => {
    // The golden files are the hand-written plugin-info files the derivation replaced.
    await expectGolden(await built('plugin-info'), join(packageDir, 'test', 'golden', `${target.pluginId}.plugin-info`));
    // Nothing of it is kept by hand any more: the version folder holds only the entry and the firmware package.
    expect((await readdir(join(packageDir, target.dir))).sort()).toEqual(['entry.ts', 'pkgs']);
    expect(family.targets.find((t) => t.pluginId === target.pluginId)?.pluginInfo).toEqual(JSON.parse(await built('plugin-info')));
  });

  it('is valid, lists its models with their lines, in English and French, at a version above the published one', async () => {
    const info = JSON.parse(await built('plugin-info')) as PluginInfo;
    expect(validatePluginInfo(info)).toEqual({ valid: true, errors: [] });
    expect(atLeast(info.version, PUBLISHED[target.pluginId]!)).toBe(true);
    expect(info.description).toBe(`Digium ${listed(target.models, 'and')} SIP desk phones running firmware ${fwVersion}.`);
    expect(info.description_fr).toBe(`Téléphones de bureau SIP Digium ${listed(target.models, 'et')} avec le micrologiciel ${fwVersion}.`);
    expect(info.sdk).toBe('^0.1.0');
    expect(info.capabilities).toEqual(
      Object.fromEntries(
        target.models.map((model) => [
          `Digium, ${model}, ${fwVersion}`,
          {
            lines: LINES[model],
            high_availability: true,
            function_keys: 0,
            expansion_modules: 0,
            switchboard: false,
            type: 'deskphone',
            protocol: 'sip',
          },
        ]),
      ),
    );
  });

  it('ships no template that only extends base.tpl (the look-up falls back to it), and a derived firmware list', async () => {
    const onlyExtends = /^(?:\s|\{#[\s\S]*?#\})*\{%-?\s*extends\s+['"]base\.tpl['"]\s*-?%\}\s*$/;
    const templates = join((await builtFamily()).folder(target.pluginId), 'templates');
    expect((await readdir(templates)).sort()).toEqual(['base.tpl', 'contacts.tpl', 'firmware.tpl']);
    for (const name of await readdir(templates)) {
      expect([name, onlyExtends.test(await readFile(join(templates, name), 'utf8'))]).toEqual([name, false]);
    }
    const list = await built('templates/firmware.tpl');
    await expectGolden(list, join(packageDir, 'test', 'golden', `${target.pluginId}.firmware.tpl`));
    const elements = [...list.matchAll(/<firmware model="(D\d\d)" version="([^"]+)" url="\{\{ XX_server_url \}\}\/Digium\/firmware\/([^"]+)"\/>/g)];
    expect(elements.map((m) => [m[1], m[2], m[3]])).toEqual(target.models.map((model) => [model, target.firmwareAttr, `${target.firmwareAttr}_${model}_firmware.eff`]));
  });

  it('has a firmware package whose descriptions name the same models', async () => {
    const pkgs = await readFile(join(packageDir, target.dir, 'pkgs', 'pkgs.db'), 'utf8');
    expect(pkgs).toContain(`description: Firmware ${fwVersion} of the Digium ${listed(target.models, 'and')}\n`);
    expect(pkgs).toContain(`description_fr: Micrologiciel ${fwVersion} des Digium ${listed(target.models, 'et')}\n`);
  });
});
