import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedDir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { formatPath, validatePluginInfo } from './index';

const corpus = join(sharedDir, 'corpus', 'wazo-provd-plugins');

function findPluginInfos(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return findPluginInfos(path);
      return name === 'plugin-info' ? [path] : [];
    });
}

const cap = (key: string, name: string) => formatPath(['capabilities', key, name]);
const missing = (key: string, ...names: string[]) => names.map((n) => `${cap(key, n)}: is required`);
const legacy = (key: string, name: string, replacement: string) =>
  `${cap(key, name)}: legacy key, rename it to "${replacement}"`;

/** Survey §3: the known-bad files and, for each, every reason it is rejected. */
const n870 = (version: string) => {
  const key = `Gigaset, N870 IP PRO, 83.V2.${version}.0`;
  return [
    // expansion_modules is not reported as missing: the legacy "expansions" key already says it.
    ...missing(key, 'function_keys', 'type'),
    legacy(key, 'ha', 'high_availability'),
    legacy(key, 'expansions', 'expansion_modules'),
    legacy(key, 'proto', 'protocol'),
  ];
};
const testPlugin = [
  ...missing('*, *, *', 'function_keys', 'expansion_modules', 'high_availability', 'switchboard', 'type', 'protocol'),
  legacy('*, *, *', 'sip.lines', 'lines'),
];
const readInfo = (file: string): { capabilities: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(corpus, file), 'utf8'));

describe('plugin-info corpus (wazo-provd-plugins)', () => {
  const files = findPluginInfos(join(corpus, 'plugins'));
  const results = new Map(
    files.map((file) => [relative(corpus, file), validatePluginInfo(JSON.parse(readFileSync(file, 'utf8')))]),
  );
  const rejected = new Map([...results].filter(([, r]) => !r.valid).map(([file, r]) => [file, r.errors]));

  it('walks all 114 plugin-info files and accepts 106 of them', () => {
    expect(results.size).toBe(114);
    expect(results.size - rejected.size).toBe(106);
  });

  it('rejects the Gigaset N870 2.39.0 and 2.48.0 plugins for their legacy ha/expansions/proto keys', () => {
    expect(rejected.get('plugins/wazo_gigaset/N870_83_v2_39_0/plugin-info')).toEqual(n870('39'));
    expect(rejected.get('plugins/wazo_gigaset/N870_83_v2_48_0/plugin-info')).toEqual(n870('48'));
  });

  it('rejects both test plugins for their legacy "sip.lines" key', () => {
    expect(rejected.get('plugins/wazo_test_plugins/test_plugin/plugin-info')).toEqual(testPlugin);
    expect(rejected.get('plugins/wazo_test_plugins/test_plugin_legacy_import/plugin-info')).toEqual(testPlugin);
  });

  it('rejects the three Gigaset Nx70 plugins because every entry lacks function_keys', () => {
    for (const v of ['49_1', '62_1', '65_0']) {
      const file = `plugins/wazo_gigaset/Nx70_83_v2_${v}/plugin-info`;
      const keys = Object.keys(readInfo(file).capabilities);
      expect(rejected.get(file)).toEqual(keys.flatMap((key) => missing(key, 'function_keys')));
    }
  });

  it('rejects Yealink v83 for the entries that lack type (T40P, T46G, T48S, T52S, T54S) and switchboard', () => {
    const errors = rejected.get('plugins/wazo_yealink/v83/plugin-info') ?? [];
    const lacking = (name: string) =>
      errors.filter((e) => e.endsWith(`.${name}: is required`)).map((e) => /Yealink, (\w+),/.exec(e)?.[1]);
    expect(lacking('type').sort()).toEqual(['T40P', 'T46G', 'T48S', 'T52S', 'T54S']);
    expect(lacking('switchboard')).toHaveLength(4);
    expect(errors).toHaveLength(9);
  });

  it('rejects no other file', () => {
    expect([...rejected.keys()].sort()).toEqual([
      'plugins/wazo_gigaset/N870_83_v2_39_0/plugin-info',
      'plugins/wazo_gigaset/N870_83_v2_48_0/plugin-info',
      'plugins/wazo_gigaset/Nx70_83_v2_49_1/plugin-info',
      'plugins/wazo_gigaset/Nx70_83_v2_62_1/plugin-info',
      'plugins/wazo_gigaset/Nx70_83_v2_65_0/plugin-info',
      'plugins/wazo_test_plugins/test_plugin/plugin-info',
      'plugins/wazo_test_plugins/test_plugin_legacy_import/plugin-info',
      'plugins/wazo_yealink/v83/plugin-info',
    ]);
  });
});
