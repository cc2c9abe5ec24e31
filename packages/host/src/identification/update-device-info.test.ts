import type { Device, DevInfo } from '@provd/sdk';
import { describe, expect, it } from 'vitest';
import { requestFilename, requestPath } from './request-filename';
import { changesDeviceInfo, updateDeviceInfo } from './update-device-info';

const device = (): Device => ({ id: 'd1', mac: '00:0f:d3:05:48:48', ip: '10.0.0.5', vendor: 'Digium', model: 'D40', version: '1.4.0' });

describe('changesDeviceInfo', () => {
  const cases: [string, DevInfo, boolean][] = [
    ['the same information', { mac: '00:0f:d3:05:48:48', ip: '10.0.0.5', vendor: 'Digium' }, false],
    ['a new IP', { ip: '10.0.0.6' }, true],
    ['a new version', { version: '1.5.0' }, true],
    ['a serial number the device lacks', { sn: 'SN1' }, true],
    ['another vendor (kept: only added when missing)', { vendor: 'Acme' }, false],
    ['an empty value', { version: '' }, false],
    ['an X_ key the device lacks', { X_extra: { a: 1 } } as DevInfo, true],
    ['a non-standard key without X_', { other: 'x' } as DevInfo, false],
  ];
  for (const [what, info, changes] of cases) {
    it(`tells what updateDeviceInfo would do, changing nothing: ${what}`, () => {
      const frozen = Object.freeze(device());
      expect(changesDeviceInfo(frozen, info)).toBe(changes);
      expect(frozen).toEqual(device());
      const updated = device();
      expect(updateDeviceInfo(updated, info)).toBe(changes);
      if (changes) expect(updated).not.toEqual(device());
      else expect(updated).toEqual(device());
    });
  }
});

describe('requestPath and requestFilename', () => {
  it('drop every leading slash and decode the HTTP path', () => {
    const request = { path: '//Digium/%30%30%30fd3054848.cfg', headers: {}, clientIp: '10.0.0.5' };
    expect(requestPath(request, 'http')).toBe('Digium/000fd3054848.cfg');
    expect(requestFilename(request, 'http')).toBe('000fd3054848.cfg');
    expect(requestPath({ path: '/', headers: {}, clientIp: '10.0.0.5' }, 'http')).toBeUndefined();
    expect(requestPath({ filename: 'a/b.cfg', address: { ip: '10.0.0.5', port: 69 }, options: {} } as never, 'tftp')).toBe('a/b.cfg');
  });
});
