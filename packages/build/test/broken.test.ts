import { readdir } from 'node:fs/promises';
import type { TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProvdErrorCode } from '@provd/sdk';
import { buildRepository } from '../src/index';
import { copyFixture, snapshot } from './helpers';

let dirs: TestDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
  dirs = [];
});

/** Builds a broken fixture; checks that it fails, reports, and writes nothing anywhere. */
async function buildBroken(name: string): Promise<{ codes: ProvdErrorCode[]; messages: string[] }> {
  const { dir, root } = await copyFixture(`broken/${name}`);
  dirs.push(dir);
  const before = await snapshot(root);
  const result = await buildRepository({ root, out: '../out' });
  expect(result.ok).toBe(false);
  expect(result.written).toEqual([]);
  expect(await snapshot(root)).toEqual(before);
  expect(await readdir(dir.path)).toEqual(['repo']);
  const check = await buildRepository({ root, out: '../out', checkOnly: true });
  expect(check.errors.map((e) => e.code)).toEqual(result.errors.map((e) => e.code));
  return { codes: result.errors.map((e) => e.code), messages: result.errors.map((e) => e.message) };
}

describe('build of broken fixture repositories', () => {
  it('reports a family file that does not compile', async () => {
    const { codes, messages } = await buildBroken('load-failed');
    expect(codes).toEqual(['PROVD_BUILD_FAMILY_LOAD_FAILED']);
    expect(messages[0]).toContain('packages/x/provd.family.ts');
    expect(messages[0]).toContain('"packages/x/provd.family.ts": packages/x/provd.family.ts:3: ');
  });

  it('reports every problem of an invalid definition at once', async () => {
    const { codes, messages } = await buildBroken('invalid-definition');
    expect(codes).toEqual(['PROVD_BUILD_FAMILY_INVALID']);
    expect(messages[0]).toContain('name: must be lower-case');
    expect(messages[0]).toContain('targets.1.id: "1" is used by an earlier target');
    expect(messages[0]).toContain('targets.1.pluginId');
    expect(messages[0]).toContain('targets.1.sources.0: "../outside" must be a folder inside the family folder');
  });

  it('reports an unusable DHCP declaration', async () => {
    const { codes, messages } = await buildBroken('dhcp');
    expect(codes).toEqual(['PROVD_BUILD_DHCP_INVALID']);
    expect(messages[0]).toContain('dhcp.vendorClassPrefixes.1');
    expect(messages[0]).toContain('dhcp.urlPath');
  });

  it('reports duplicate family names, duplicate plugin ids and overlapping DHCP prefixes', async () => {
    const { codes, messages } = await buildBroken('duplicates');
    expect(codes.sort()).toEqual(['PROVD_BUILD_DHCP_INVALID', 'PROVD_BUILD_FAMILY_DUPLICATE', 'PROVD_BUILD_PLUGIN_ID_DUPLICATE']);
    expect(messages.join('\n')).toContain('"SharedPrefix" overlaps "Shared" of family "c"');
    expect(messages.join('\n')).toContain('"d-1" is built by several targets: "c/1", "d/1"');
  });

  it('reports every broken target of a family, naming the family, target and source file', async () => {
    const { codes, messages } = await buildBroken('targets');
    expect(codes).toEqual([
      'PROVD_BUILD_PLUGIN_INFO_INVALID',
      'PROVD_BUILD_SDK_RANGE',
      'PROVD_BUILD_TEMPLATE_INVALID',
      'PROVD_BUILD_FIRMWARE_INVALID',
      'PROVD_BUILD_BUNDLE_FAILED',
      'PROVD_BUILD_ENTRY_NO_DEFAULT',
      'PROVD_BUILD_SOURCE_MISSING',
      'PROVD_BUILD_PLUGIN_INFO_MISSING',
      'PROVD_BUILD_ENTRY_MISSING',
    ]);
    const text = messages.join('\n');
    expect(text).toContain('family "x", target "info": packages/x/bad_info/plugin-info is not a valid plugin-info');
    expect(text).toContain('lines');
    expect(text).toContain('"sdk" is "^9.0.0"');
    expect(text).toMatch(/target "tpl": template packages\/x\/bad_tpl\/templates\/base\.tpl:\d+ does not compile/);
    expect(text).toContain('target "fw": the firmware manifest packages/x/bad_fw/pkgs/pkgs.db is invalid');
    expect(text).toContain('target "bundle": cannot bundle the entry: packages/x/bad_bundle/entry.ts:1:');
    expect(text).toContain('target "nodefault": packages/x/no_default/entry.ts has no default export');
    expect(text).toContain('target "missing": the source folder "packages/x/nowhere" does not exist');
  });
});
