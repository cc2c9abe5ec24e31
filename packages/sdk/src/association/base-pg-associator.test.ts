import { describe, expect, it } from 'vitest';
import { BasePgAssociator } from './base-pg-associator';
import { DeviceSupport } from './device-support';

/** A typical policy (contract §3.7), recording what doAssociate receives. */
class AcmeAssociator extends BasePgAssociator {
  readonly calls: [string, string | undefined, string | undefined][] = [];

  protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
    this.calls.push([vendor, model, version]);
    if (vendor !== 'Acme') return DeviceSupport.IMPROBABLE;
    if (model !== 'A1') return DeviceSupport.PROBABLE;
    return version === '1.0' ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
  }
}

describe('BasePgAssociator', () => {
  it('scores UNKNOWN without a vendor and does not call doAssociate (contract §11.3)', () => {
    const associator = new AcmeAssociator();
    expect(associator.associate({ model: 'x' })).toBe(200);
    expect(associator.associate({})).toBe(DeviceSupport.UNKNOWN);
    expect(associator.associate({ vendor: '' })).toBe(DeviceSupport.UNKNOWN);
    expect(associator.calls).toEqual([]);
  });

  it('passes vendor, model and version to doAssociate, missing ones as undefined', () => {
    const associator = new AcmeAssociator();
    expect(associator.associate({ vendor: 'Acme', model: 'A1', version: '1.0', ip: '10.0.0.1' })).toBe(600);
    expect(associator.associate({ vendor: 'Acme', model: 'A1', version: '2.0' })).toBe(500);
    expect(associator.associate({ vendor: 'Acme' })).toBe(300);
    expect(associator.associate({ vendor: 'Acme', model: '', version: '' })).toBe(300);
    expect(associator.associate({ vendor: 'Other', model: 'A1' })).toBe(100);
    expect(associator.calls).toEqual([
      ['Acme', 'A1', '1.0'],
      ['Acme', 'A1', '2.0'],
      ['Acme', undefined, undefined],
      ['Acme', undefined, undefined],
      ['Other', 'A1', undefined],
    ]);
  });
});

describe('DeviceSupport', () => {
  it('has the values of the established host (contract §11.3)', () => {
    expect(DeviceSupport).toEqual({
      NONE: 0,
      IMPROBABLE: 100,
      UNKNOWN: 200,
      PROBABLE: 300,
      INCOMPLETE: 400,
      COMPLETE: 500,
      EXACT: 600,
    });
  });
});
