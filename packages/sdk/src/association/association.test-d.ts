import { describe, expectTypeOf, it } from 'vitest';
import {
  BasePgAssociator,
  DeviceSupport,
  type DevInfo,
  type PgAssociator,
  type ProvdPlugin,
} from '../index';

describe('association API of a plugin author', () => {
  it('gives doAssociate typed arguments and a DeviceSupport result', () => {
    abstract class Probe extends BasePgAssociator {
      probe(): void {
        expectTypeOf(this.doAssociate).parameters.toEqualTypeOf<
          [vendor: string, model: string | undefined, version: string | undefined]
        >();
        expectTypeOf(this.doAssociate).returns.toEqualTypeOf<DeviceSupport>();
      }
    }
    expectTypeOf<Probe>().toExtend<PgAssociator>();
  });

  it('makes a subclass implement doAssociate, with the right argument types', () => {
    // @ts-expect-error: doAssociate is abstract
    class Missing extends BasePgAssociator {}
    class WrongVendor extends BasePgAssociator {
      // @ts-expect-error: the vendor is a string
      protected doAssociate(vendor: number): DeviceSupport {
        return vendor;
      }
    }
    class Good extends BasePgAssociator {
      protected doAssociate(vendor: string): DeviceSupport {
        return vendor === 'Acme' ? DeviceSupport.PROBABLE : DeviceSupport.IMPROBABLE;
      }
    }
    expectTypeOf(new Good().associate).parameter(0).toEqualTypeOf<DevInfo>();
    expectTypeOf<Good>().toExtend<NonNullable<ProvdPlugin['pgAssociator']>>();
    expectTypeOf<Missing | WrongVendor>().toExtend<PgAssociator>();
  });

  it('keeps DeviceSupport names as literal numbers', () => {
    expectTypeOf(DeviceSupport.EXACT).toEqualTypeOf<600>();
    expectTypeOf(DeviceSupport.PROBABLE).toExtend<DeviceSupport>();
  });
});
