import { describe, expect, it } from 'vitest';
import type { RawConfig } from '@provd/sdk';
import { type ConfigDocument, configAncestors, configDescendants, flattenConfig, mergeRawConfigInto } from '../index';

/** Contract §11.5, flattening setup. */
const baseRaw: RawConfig = { ip: '1.2.3.4', http_port: 8667, tftp_port: 69, X_a: 'BASE_RAW', sip_lines: { '9': { username: 'x' } } };
const doc = (id: string, parent_ids: string[], raw_config: RawConfig): [string, ConfigDocument] => [
  id,
  { id, parent_ids, raw_config },
];
const configs = new Map([
  doc('base', [], { ntp_enabled: true, ntp_ip: '10.0.0.1', sip_lines: { '1': { username: 'base', password: 'p' } }, X_a: 'base' }),
  doc('p1', ['base'], { X_a: 'p1', sip_lines: { '1': { username: 'p1' } } }),
  doc('p2', ['base'], { X_a: 'p2', X_b: 'p2', ntp_ip: '10.0.0.2' }),
  doc('child', ['p1', 'p2'], { X_c: 'child' }),
  doc('child2', ['p2', 'p1'], {}),
  doc('nested', [], { X_a: { nested: 1 } }),
  doc('flat', ['nested'], { X_a: 'flat' }),
  doc('orphan', ['nope', 'base'], {}),
]);

describe('flattenConfig (contract §11.5)', () => {
  it('merges the base raw config, the ancestors and the config itself', () => {
    expect(flattenConfig('p1', configs, baseRaw)).toEqual({
      X_a: 'p1',
      http_port: 8667,
      ip: '1.2.3.4',
      ntp_enabled: true,
      ntp_ip: '10.0.0.1',
      sip_lines: { '1': { password: 'p', username: 'p1' }, '9': { username: 'x' } },
      tftp_port: 69,
    });
  });

  it('applies a shared ancestor once, at its first encounter (diamond)', () => {
    const child = flattenConfig('child', configs, baseRaw);
    expect(child).toMatchObject({ X_a: 'p2', X_b: 'p2', X_c: 'child', ntp_ip: '10.0.0.2' });
    expect(child?.sip_lines?.['1']?.username).toBe('p1');
    expect(flattenConfig('child2', configs, baseRaw)).toMatchObject({ X_a: 'p1', X_b: 'p2', ntp_ip: '10.0.0.2' });
  });

  it('lets a scalar replace an object, ignores unknown parents and returns undefined for an unknown id', () => {
    expect(flattenConfig('flat', configs)?.X_a).toBe('flat');
    expect(flattenConfig('orphan', configs, baseRaw)).toEqual(flattenConfig('base', configs, baseRaw));
    expect(flattenConfig('missing', configs, baseRaw)).toBeUndefined();
  });

  it('accepts a lookup function and survives cycles', () => {
    const cyclic = new Map([doc('a', ['b'], { X_a: 'a' }), doc('b', ['a', 'b'], { X_a: 'b', X_b: 'b' })]);
    expect(flattenConfig('a', (id) => cyclic.get(id))).toEqual({ X_a: 'a', X_b: 'b' });
    expect(flattenConfig('b', cyclic)).toEqual({ X_a: 'b', X_b: 'b' });
  });

  it('returns a fresh object each time, sharing nothing with the inputs (fix of the shared-dict bug)', () => {
    const first = flattenConfig('p1', configs, baseRaw) as Record<string, unknown>;
    const second = flattenConfig('p1', configs, baseRaw) as Record<string, unknown>;
    expect(first).not.toBe(second);
    first.XX_mutated = true;
    (first.sip_lines as Record<string, Record<string, unknown>>)['1']!.username = 'changed';
    (first.sip_lines as Record<string, Record<string, unknown>>)['9']!.username = 'changed';
    expect(second.XX_mutated).toBeUndefined();
    expect(flattenConfig('p1', configs, baseRaw)).toEqual(second);
    expect(baseRaw.sip_lines?.['9']?.username).toBe('x');
    expect(configs.get('p1')?.raw_config.sip_lines?.['1']?.username).toBe('p1');
  });

  it('copies arrays instead of sharing them, and replaces rather than merges them', () => {
    const certs = new Map([
      doc('a', [], { sip_servers_root_and_intermediate_certificates: ['A', 'B'] }),
      doc('b', ['a'], { sip_servers_root_and_intermediate_certificates: ['C'] }),
    ]);
    const flat = flattenConfig('a', certs);
    expect(flat?.sip_servers_root_and_intermediate_certificates).toEqual(['A', 'B']);
    expect(flat?.sip_servers_root_and_intermediate_certificates).not.toBe(
      certs.get('a')?.raw_config.sip_servers_root_and_intermediate_certificates,
    );
    expect(flattenConfig('b', certs)?.sip_servers_root_and_intermediate_certificates).toEqual(['C']);
  });
});

describe('mergeRawConfigInto', () => {
  it('keeps a "__proto__" key of a JSON document as a plain key', () => {
    const base: Record<string, unknown> = {};
    mergeRawConfigInto(base, JSON.parse('{"__proto__": {"polluted": 1}, "X_a": {"__proto__": 2}}'));
    expect(Object.getPrototypeOf(base)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(base, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(base.X_a, '__proto__')?.value).toBe(2);
  });

  it('replaces null and lists, and merges an object over a non-object', () => {
    const base: Record<string, unknown> = { a: { x: 1 }, b: 'scalar', c: [1], d: 1 };
    mergeRawConfigInto(base, { a: null, b: { y: 2 }, c: [2, 3], e: { z: { w: 1 } } });
    expect(base).toEqual({ a: null, b: { y: 2 }, c: [2, 3], d: 1, e: { z: { w: 1 } } });
  });
});

describe('configAncestors and configDescendants', () => {
  it('lists every ancestor of a config', () => {
    expect(configAncestors('child', configs)).toEqual(new Set(['base', 'p1', 'p2']));
    expect(configAncestors('orphan', configs)).toEqual(new Set(['base']));
    expect(configAncestors('base', configs)).toEqual(new Set());
    expect(configAncestors('missing', configs)).toEqual(new Set());
  });

  it('lists every descendant of a config, cycles included', () => {
    expect(configDescendants('base', configs.values())).toEqual(new Set(['p1', 'p2', 'child', 'child2', 'orphan']));
    expect(configDescendants('p2', configs.values())).toEqual(new Set(['child', 'child2']));
    const cyclic = [
      { id: 'a', parent_ids: ['b'], raw_config: {} },
      { id: 'b', parent_ids: ['a'], raw_config: {} },
    ];
    expect(configDescendants('a', cyclic)).toEqual(new Set(['b']));
  });
});
