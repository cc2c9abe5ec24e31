import { describe, expectTypeOf, it } from 'vitest';
import { type PluginContext, standardSipSynchronize, type SyncService } from '../index';

describe('synchronization API of a plugin author', () => {
  it('takes the host sync service straight from the plugin context', () => {
    expectTypeOf(standardSipSynchronize).parameter(1).toEqualTypeOf<PluginContext['services']['sync']>();
    expectTypeOf(standardSipSynchronize).parameter(1).toEqualTypeOf<SyncService | undefined>();
    expectTypeOf(standardSipSynchronize).returns.toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: the device must have an id
    void standardSipSynchronize({ ip: '10.0.0.1' }, undefined);
  });
});
