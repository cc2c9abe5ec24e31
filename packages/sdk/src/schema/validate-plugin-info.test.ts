import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { isProvdError } from '../errors/index';
import { assertValidPluginInfo, pluginInfoSchema, validatePluginInfo } from './index';

const entry = {
  lines: 2,
  high_availability: true,
  function_keys: 0,
  expansion_modules: 0,
  switchboard: false,
  type: 'deskphone',
  protocol: 'sip',
};
const info = (extra: Record<string, unknown> = {}) => ({
  version: '1.2.0',
  description: 'Digium phones',
  description_fr: 'Téléphones Digium',
  sdk: '^0.1.0',
  capabilities: { 'Digium, D40, 1.4.0.0': { ...entry } },
  ...extra,
});
const errorsOf = (value: unknown) => validatePluginInfo(value).errors;

describe('validatePluginInfo', () => {
  it('accepts a complete plugin-info, with the sdk range and plugins.db keys', () => {
    expect(validatePluginInfo(info())).toEqual({ valid: true, errors: [] });
    expect(errorsOf(info({ filename: 'x.tar.gz', dsize: 10, sha1sum: 'ab' }))).toEqual([]);
    expect(errorsOf(info({ sdk: '>=0.1.0 <0.3.0' }))).toEqual([]);
  });

  it('accepts the Digium plugin-info files of this repository', () => {
    // The family derives them at build time; its tests check the built ones against these golden files.
    for (const id of ['digium-1.4.0.0', 'digium-2.2.1.8', 'digium-2.8.1']) {
      const file = join(repoRoot, 'packages', 'plugin-digium', 'test', 'golden', `${id}.plugin-info`);
      expect(errorsOf(JSON.parse(readFileSync(file, 'utf8')))).toEqual([]);
    }
  });

  it('requires version, description and capabilities', () => {
    expect(errorsOf({})).toEqual([
      'version: is required',
      'description: is required',
      'capabilities: is required',
    ]);
    expect(errorsOf(null)).toEqual(['(root): must be an object (received null)']);
    expect(errorsOf(info({ capabilities: {} }))).toEqual([
      'capabilities: must declare at least one device ("<Vendor>, <Model>, <firmware version>")',
    ]);
  });

  it('checks the version, the sdk range and localised descriptions', () => {
    expect(errorsOf(info({ version: 'v1' }))).toEqual([
      'version: must be dotted numbers with an optional "-suffix", such as "1.2.0" (received the string "v1")',
    ]);
    expect(errorsOf(info({ version: '1.0-rc1' }))).toEqual([]);
    expect(errorsOf(info({ sdk: 'latest' }))).toEqual([
      'sdk: must be a semver range of @provd/sdk versions, such as "^0.1.0" (received the string "latest")',
    ]);
    expect(errorsOf(info({ sdk: '' }))).toHaveLength(1);
    expect(errorsOf(info({ sdk: 1 }))).toEqual(['sdk: must be a string (received 1)']);
    expect(errorsOf(info({ description_fr_CA: 'ok', description_pt_BR: 'ok' }))).toEqual([]);
    expect(errorsOf(info({ 'description_fr-FR': 'x', description_fr: 3 }))).toEqual([
      '["description_fr-FR"]: key must be "description_<locale>" with a locale such as "fr" or "fr_CA"',
      'description_fr: must be a string (received 3)',
    ]);
  });

  it('checks the vendor keys and interface versions', () => {
    const vendor = { vendor: 'Yealink', 'vendor.url': 'http://www.yealink.com', 'vendor.description': '' };
    expect(errorsOf(info({ ...vendor, 'vendor.official': 1, plugin_iface_version_min: 0.2 }))).toEqual([]);
    expect(errorsOf(info({ 'vendor.official': true }))).toEqual([]);
    expect(errorsOf(info({ 'vendor.official': 2, plugin_iface_version_max: '0.2' }))).toEqual([
      '["vendor.official"]: must be one of 0, 1, true, false (received 2)',
      'plugin_iface_version_max: must be a number (received the string "0.2")',
    ]);
  });

  it('names a bad capability value by its device key', () => {
    const capabilities = { 'Digium, D40, 1.4.0.0': { ...entry, lines: '2', type: 'phone', protocol: 'SIP' } };
    expect(errorsOf(info({ capabilities }))).toEqual([
      'capabilities["Digium, D40, 1.4.0.0"].lines: must be an integer (received the string "2")',
      'capabilities["Digium, D40, 1.4.0.0"].type: must be one of "deskphone", "dect", "wifidect", "conference", "gateway", "ata", "doorphone", "softphone", "pager", "generic" (received the string "phone")',
      'capabilities["Digium, D40, 1.4.0.0"].protocol: must be one of "sip", "sccp" (received the string "SIP")',
    ]);
    expect(errorsOf(info({ capabilities: { 'Digium, D40, 1.4.0.0': { ...entry, lines: -1 } } }))).toEqual([
      'capabilities["Digium, D40, 1.4.0.0"].lines: must be at least 0 (received -1)',
    ]);
  });

  it('rejects malformed device keys, unknown and legacy capabilities, and accepts X_ ones', () => {
    const capabilities = {
      'Digium,D40,1.4.0.0': { ...entry },
      'Digium, D45, 1.4.0.0': { ...entry, color: 'red', X_color: 'red', multicell: false },
      'Gigaset, N870, 2': { ...entry, proto: 'sip' },
    };
    expect(errorsOf(info({ capabilities }))).toEqual([
      'capabilities["Digium,D40,1.4.0.0"]: key must be "<Vendor>, <Model>, <firmware version>" (three parts separated by ", ")',
      'capabilities["Digium, D45, 1.4.0.0"].color: unknown capability; use one of the documented keys, or start a custom key with "X_"',
      'capabilities["Gigaset, N870, 2"].proto: legacy key, rename it to "protocol"',
    ]);
    expect(errorsOf(info({ capabilities: { '*, *, *': { ...entry } } }))).toEqual([]);
  });

  it('reports a missing capability once when its legacy spelling is present', () => {
    const { high_availability: _, ...rest } = entry;
    const capabilities = { 'Gigaset, N870, 2': { ...rest, ha: true } };
    expect(errorsOf(info({ capabilities }))).toEqual([
      'capabilities["Gigaset, N870, 2"].ha: legacy key, rename it to "high_availability"',
    ]);
  });

  it('never throws, whatever it is given', () => {
    for (const value of [undefined, 1, 'x', [], () => 1, { capabilities: [] }, { capabilities: { 'a, b, c': null } }]) {
      expect(validatePluginInfo(value).valid).toBe(false);
    }
  });

  it('exports a frozen, plain JSON Schema', () => {
    expect(JSON.parse(JSON.stringify(pluginInfoSchema))).toEqual(pluginInfoSchema);
    expect(Object.isFrozen(pluginInfoSchema)).toBe(true);
    const definitions = pluginInfoSchema.definitions as { capabilities: { properties: object } };
    expect(Object.isFrozen(definitions.capabilities.properties)).toBe(true);
  });
});

describe('assertValidPluginInfo', () => {
  it('returns for a valid plugin-info and throws PROVD_INVALID_PLUGIN_INFO naming the file otherwise', () => {
    expect(() => assertValidPluginInfo(info(), 'plugin-info')).not.toThrow();
    let caught: unknown;
    try {
      assertValidPluginInfo(info({ version: 1 }), 'v2_8_1/plugin-info');
    } catch (err) {
      caught = err;
    }
    expect(isProvdError(caught, 'PROVD_INVALID_PLUGIN_INFO')).toBe(true);
    expect(caught).toMatchObject({ file: 'v2_8_1/plugin-info' });
    expect((caught as Error).message).toContain('version: must be a string (received 1)');
  });
});
