/** The family declaration and the plugin-info of every version, against the spec. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validatePluginInfo, type PluginInfo } from '@provd/sdk';
import { describe, expect, it } from 'vitest';
import { DIGIUM_MODELS } from '../common/models';
import family from '../provd.family';
import { TARGETS } from './expected';
import { packageDir } from './plugin-fixture';

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

describe.each(TARGETS)('$pluginId plugin-info', (target) => {
  it('is valid, lists its models with their lines, in English and French, at a version above the published one', async () => {
    const info = JSON.parse(await readFile(join(packageDir, target.dir, 'plugin-info'), 'utf8')) as PluginInfo;
    expect(validatePluginInfo(info)).toEqual({ valid: true, errors: [] });
    expect(atLeast(info.version, PUBLISHED[target.pluginId]!)).toBe(true);
    expect(info.description).toContain(target.pluginId.slice('digium-'.length));
    expect(info.description_fr).toBeTruthy();
    expect(info.sdk).toBe('^0.1.0');
    const fwVersion = target.pluginId.slice('digium-'.length);
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

  it('ships no template that only extends base.tpl (the look-up falls back to it), and a firmware list', async () => {
    const onlyExtends = /^(?:\s|\{#[\s\S]*?#\})*\{%-?\s*extends\s+['"]base\.tpl['"]\s*-?%\}\s*$/;
    for (const folder of ['common', target.dir]) {
      for (const name of await readdir(join(packageDir, folder, 'templates'))) {
        expect([name, onlyExtends.test(await readFile(join(packageDir, folder, 'templates', name), 'utf8'))]).toEqual([name, false]);
      }
    }
    expect(await readFile(join(packageDir, target.dir, 'templates', 'firmware.tpl'), 'utf8')).toContain(target.firmwareAttr);
  });
});
