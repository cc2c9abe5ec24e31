import { describe, expect, it } from 'vitest';
import { aclMatches, hasAcl, TenantTree } from '../src/api/index';

describe('ACLs', () => {
  it('matches * as one segment, # as any number, and literal segments exactly', () => {
    const cases: [string, string, boolean][] = [
      ['provd.#', 'provd.dev_mgr.devices.read', true],
      ['provd.#', 'provd', true],
      ['provd.#', 'provdx.read', false],
      ['provd.*.read', 'provd.status.read', true],
      ['provd.*.read', 'provd.dev_mgr.devices.read', false],
      ['provd.dev_mgr.devices.*.update', 'provd.dev_mgr.devices.abc123.update', true],
      ['provd.#.read', 'provd.pg_mgr.plugins.x.info.read', true],
      ['provd.#.read', 'provd.pg_mgr.install.install.create', false],
      ['#', 'anything.at.all', true],
      ['provd.status.read', 'provd.status.read', true],
      ['provd.status.read', 'provd.statusXread', false],
      ['provd.configure.(x).read', 'provd.configure.(x).read', true],
    ];
    for (const [granted, required, expected] of cases) expect(aclMatches(granted, required), `${granted} ~ ${required}`).toBe(expected);
  });

  it('lets a refusal win over every grant', () => {
    expect(hasAcl(['provd.#', '!provd.configure.#'], 'provd.dev_mgr.devices.read')).toBe(true);
    expect(hasAcl(['provd.#', '!provd.configure.#'], 'provd.configure.plugin_server.update')).toBe(false);
    expect(hasAcl(['!provd.configure.#', 'provd.#'], 'provd.configure.read')).toBe(false);
    expect(hasAcl([], 'provd.read')).toBe(false);
  });
});

describe('the tenant tree', () => {
  const tree = new TenantTree('top', [{ uuid: 'a', parent: 'top' }, { uuid: 'a1', parent: 'a' }, { uuid: 'b' }]);

  it('tells who is within whom, undeclared tenants counting as children of the top tenant', () => {
    expect(tree.isWithin('a1', 'a')).toBe(true);
    expect(tree.isWithin('a', 'a1')).toBe(false);
    expect(tree.isWithin('b', 'a')).toBe(false);
    expect(tree.isWithin('unknown', 'top')).toBe(true);
    expect(tree.isWithin('unknown', 'a')).toBe(false);
  });

  it('scopes finds: the tenant alone, with recurse its subtree, the top tenant with recurse everyone', () => {
    expect(tree.scope('a', false)).toEqual(['a']);
    expect(tree.scope('a', true)?.sort()).toEqual(['a', 'a1']);
    expect(tree.scope('top', true)).toBeUndefined();
    expect(tree.lineage('a1')).toEqual(['a1', 'a', 'top']);
    expect(tree.lineage('unknown')).toEqual(['unknown', 'top']);
  });
});
