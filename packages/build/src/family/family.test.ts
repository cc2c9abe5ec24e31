import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineFamily } from './define-family';
import { loadFamilyFile } from './load-family';
import { findDhcpOverlaps, validateDhcp, validateFamily } from './validate-family';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

describe('defineFamily', () => {
  it('returns its argument', () => {
    const family = { name: 'x', targets: [{ id: '1', pluginId: 'x-1', sources: ['a'] }] };
    expect(defineFamily(family)).toBe(family);
  });
});

describe('loadFamilyFile', () => {
  it('compiles a TypeScript family file that imports local modules and node built-ins, in memory', async () => {
    dir = await testdir({
      'f/provd.family.ts': [
        "import { defineFamily } from '@provd/build';",
        "import { join } from 'node:path';",
        "import { versions } from './versions';",
        "export default defineFamily({ name: 'x', targets: versions.map((v: string) => ({ id: v, pluginId: `x-${v}`, sources: [join('common'), `v${v}`] })) });",
      ].join('\n'),
      'f/versions.ts': "export const versions: string[] = ['1', '2'];\n",
    });
    const value = (await loadFamilyFile(dir.join('f', 'provd.family.ts'), 'f/provd.family.ts')) as { targets: unknown[] };
    expect(value.targets).toEqual([
      { id: '1', pluginId: 'x-1', sources: ['common', 'v1'] },
      { id: '2', pluginId: 'x-2', sources: ['common', 'v2'] },
    ]);
  });

  it('reports a family file that throws or exports nothing', async () => {
    dir = await testdir({ 'a.ts': "throw new Error('boom');\n", 'b.ts': 'export const x = 1;\n' });
    await expect(loadFamilyFile(dir.join('a.ts'), 'a.ts')).rejects.toMatchObject({ code: 'PROVD_BUILD_FAMILY_LOAD_FAILED', message: expect.stringContaining('boom') });
    await expect(loadFamilyFile(dir.join('b.ts'), 'b.ts')).rejects.toMatchObject({ code: 'PROVD_BUILD_FAMILY_LOAD_FAILED', file: 'b.ts' });
  });
});

describe('validateFamily', () => {
  it('wants pluginInfo to be an object, declared once (not also as a generated file)', () => {
    expect(
      validateFamily({ name: 'a', targets: [{ id: '1', pluginId: 'a-1', sources: ['s'], pluginInfo: 'x' }, { id: '2', pluginId: 'a-2', sources: ['s'], pluginInfo: {}, files: { 'plugin-info': '{}' } }] }),
    ).toEqual([
      'targets.0.pluginInfo: must be the plugin-info object ({ version, description, capabilities, ... })',
      'targets.1.files.plugin-info: the target declares "pluginInfo" too; keep one of them',
    ]);
  });


  it('accepts a well-formed definition', () => {
    expect(validateFamily({ name: 'a-b', targets: [{ id: '1.0', pluginId: 'a-1.0', sources: ['common', { dir: 'v1', exclude: ['*.md'] }], files: { 'templates/x.tpl': 'x' } }] })).toEqual([]);
  });

  it('lists every problem with its path', () => {
    expect(
      validateFamily({ name: 'A', targets: [{ id: 'x', pluginId: 'p', sources: [{ dir: '/abs', include: [3] }], files: { '../x': 'y', '.hidden': 1 } }] }),
    ).toEqual([
      'name: must be lower-case letters, digits and "-" (got "A")',
      'targets.0.sources.0.dir: "/abs" must be a folder inside the family folder',
      'targets.0.sources.0.include: must be a list of non-empty glob patterns',
      'targets.0.files.../x: must be a relative path inside the plugin folder without dot names',
      'targets.0.files..hidden: must be a relative path inside the plugin folder without dot names',
      'targets.0.files..hidden: contents must be a string or a Uint8Array',
    ]);
    expect(validateFamily(null)).toHaveLength(1);
    expect(validateFamily({ name: 'a', targets: [] })).toEqual(['targets: must list at least one target']);
  });
});

describe('DHCP declarations', () => {
  it('rejects unusable prefixes and paths', () => {
    expect(validateDhcp({ vendorClassPrefixes: ['a', 'a', ''], urlPath: '/x y' })).toEqual([
      'dhcp.vendorClassPrefixes.1: "a" is listed twice',
      'dhcp.vendorClassPrefixes.2: must be printable ASCII without quotes or backslashes (got "")',
      'dhcp.urlPath: must start with "/" and hold no spaces, quotes or backslashes (got "/x y")',
    ]);
    expect(validateDhcp(undefined)).toEqual([]);
  });

  it('finds prefixes of two families that one phone would both match', () => {
    const overlaps = findDhcpOverlaps([
      { name: 'a', dhcp: { vendorClassPrefixes: ['digium_'], urlPath: '/A' } },
      { name: 'b', dhcp: { vendorClassPrefixes: ['digium_D4', 'other'], urlPath: '/B' } },
      { name: 'c' },
    ]);
    expect(overlaps).toEqual([{ family: 'b', other: 'a', message: 'dhcp.vendorClassPrefixes: "digium_D4" overlaps "digium_" of family "a"' }]);
  });
});
