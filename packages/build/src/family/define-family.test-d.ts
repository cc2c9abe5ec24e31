import { describe, expectTypeOf, it } from 'vitest';
import { defineFamily } from './define-family';
import type { FamilyDefinition } from './types';

describe('defineFamily types', () => {
  it('keeps the literal type of the definition and requires the target keys', () => {
    const family = defineFamily({ name: 'x', targets: [{ id: '1', pluginId: 'x-1', sources: ['a'] }] });
    expectTypeOf(family).toExtend<FamilyDefinition>();
    expectTypeOf(family.name).toEqualTypeOf<'x'>();
    // @ts-expect-error a target needs a pluginId
    defineFamily({ name: 'x', targets: [{ id: '1', sources: ['a'] }] });
    // @ts-expect-error dhcp needs a urlPath
    defineFamily({ name: 'x', dhcp: { vendorClassPrefixes: ['a'] }, targets: [] });
  });
});
