import { DeviceSupport, type DevInfo } from '@provd/sdk';
import { describe, expect, it } from 'vitest';
import { DigiumPgAssociator } from '../common/associator';

const MODELS = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];

describe.each([
  ['1.4.0.0.57389', '2.8.1'],
  ['2.2.1.8', '1.4.0.0.57389'],
  ['2.8.1', '2.2.1.8'],
])('the associator of firmware %s', (version, otherVersion) => {
  const associator = new DigiumPgAssociator(version);

  it.each(MODELS)('scores a %s at its version EXACT, at another or no version COMPLETE', (model) => {
    expect(associator.associate({ vendor: 'Digium', model, version })).toBe(DeviceSupport.EXACT);
    expect(associator.associate({ vendor: 'Digium', model, version: otherVersion })).toBe(DeviceSupport.COMPLETE);
    expect(associator.associate({ vendor: 'Digium', model })).toBe(DeviceSupport.COMPLETE);
  });

  it('scores a Digium of unknown or missing model PROBABLE', () => {
    expect(associator.associate({ vendor: 'Digium', model: 'D80', version })).toBe(DeviceSupport.PROBABLE);
    expect(associator.associate({ vendor: 'Digium', version })).toBe(DeviceSupport.PROBABLE);
    expect(associator.associate({ vendor: 'Digium' })).toBe(DeviceSupport.PROBABLE);
  });

  it('scores another vendor IMPROBABLE and a device without vendor UNKNOWN', () => {
    expect(associator.associate({ vendor: 'Yealink', model: 'D40', version })).toBe(DeviceSupport.IMPROBABLE);
    expect(associator.associate({ vendor: 'digium', model: 'D40', version })).toBe(DeviceSupport.IMPROBABLE);
    expect(associator.associate({ model: 'D40', version })).toBe(DeviceSupport.UNKNOWN);
    expect(associator.associate({})).toBe(DeviceSupport.UNKNOWN);
  });
});

describe('choosing between the three Digium plugins', () => {
  const associators = {
    'digium-1.4.0.0': new DigiumPgAssociator('1.4.0.0.57389'),
    'digium-2.2.1.8': new DigiumPgAssociator('2.2.1.8'),
    'digium-2.8.1': new DigiumPgAssociator('2.8.1'),
  };
  const scores = (devInfo: DevInfo) =>
    Object.fromEntries(Object.entries(associators).map(([id, a]) => [id, a.associate(devInfo)]));

  it('gives EXACT only to the plugin of the phone firmware', () => {
    expect(scores({ vendor: 'Digium', model: 'D40', version: '1.4.0.0.57389' })).toEqual({
      'digium-1.4.0.0': 600,
      'digium-2.2.1.8': 500,
      'digium-2.8.1': 500,
    });
    expect(scores({ vendor: 'Digium', model: 'D65', version: '2.8.1' })).toEqual({
      'digium-1.4.0.0': 500,
      'digium-2.2.1.8': 500,
      'digium-2.8.1': 600,
    });
  });
});
