import { describe, expect, it } from 'vitest';
import type { Device } from '@provd/sdk';
import { needsReconfigure, RECONFIGURE_KEYS } from '../index';

describe('needsReconfigure (contract §11.4)', () => {
  const device: Device = { id: '1', config: 'a', plugin: 'digium-2.8.1', ip: '10.0.0.1', options: { switchboard: true } };

  it('is false for the same device and for a change of a key that is not a reconfigure key', () => {
    expect(needsReconfigure(device, device)).toBe(false);
    expect(needsReconfigure({ ...device, foo: 'a' } as Device, { ...device, foo: 'b' } as Device)).toBe(false);
    expect(needsReconfigure(device, { ...device, ip: '10.0.0.2' })).toBe(false);
    expect(needsReconfigure(device, { ...device, description: 'x', configured: true })).toBe(false);
  });

  it('is true when a reconfigure key changes', () => {
    expect(needsReconfigure(device, { ...device, config: 'b' })).toBe(true);
    expect(needsReconfigure(device, { ...device, version: '2.8.1' })).toBe(true);
    expect(needsReconfigure(device, { ...device, mac: '00:0f:d3:05:48:48' })).toBe(true);
    expect(needsReconfigure(device, { ...device, options: { switchboard: false } })).toBe(true);
  });

  it('compares options deeply and an absent key as null', () => {
    expect(needsReconfigure(device, { ...device, options: { switchboard: true } })).toBe(false);
    expect(needsReconfigure({ id: '1' }, { id: '1', model: undefined })).toBe(false);
    expect(needsReconfigure({ id: '1' }, { id: '1', uuid: null } as unknown as Device)).toBe(false);
  });

  it('lists the reconfigure keys of the established host, without ip', () => {
    expect(RECONFIGURE_KEYS).toEqual(['plugin', 'config', 'mac', 'uuid', 'vendor', 'model', 'version', 'options']);
  });
});
