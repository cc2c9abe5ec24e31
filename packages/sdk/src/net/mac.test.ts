import { describe, expect, it } from 'vitest';
import { isProvdError } from '../errors/provd-error';
import { formatMac, isNormedMac, normMac } from './mac';

describe('normMac (contract §11.1)', () => {
  it.each([
    ['0011223344aa', '00:11:22:33:44:aa'],
    ['0011223344AA', '00:11:22:33:44:aa'],
    ['00-11-22-33-44-AA', '00:11:22:33:44:aa'],
    ['00:11:22:33:44:aa', '00:11:22:33:44:aa'],
    ['00:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5e'],
    ['00-1a-2b-3c-4d-5e', '00:1a:2b:3c:4d:5e'],
    ['00:1A:2B:3C:4D:5E', '00:1a:2b:3c:4d:5e'],
    ['00:1A:2B:3C:4d:5e', '00:1a:2b:3c:4d:5e'],
    ['001a2b3c4d5e', '00:1a:2b:3c:4d:5e'],
    ['001A2B3C4D5E', '00:1a:2b:3c:4d:5e'],
    ['00:A:2B:C:d:5e', '00:0a:2b:0c:0d:5e'],
    ['0:1:2:3:4:5', '00:01:02:03:04:05'],
    ['0-1-2-3-4-5', '00:01:02:03:04:05'],
    ['a:b:c:d:e:f', '0a:0b:0c:0d:0e:0f'],
    ['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normMac(input)).toBe(expected);
  });

  it.each([
    '00:11-22:33:44:55',
    '00112233445',
    '0011223344556',
    '00.11.22.33.44.55',
    '0011:2233:4455',
    '001122334455 ',
    ' 001122334455',
    '0:1:2:3:4:5:6',
    '00:11:22:33:44:gg',
    '000:11:22:33:44:55',
    '00::11:22:33:44',
    '',
  ])('rejects %j with PROVD_INVALID_MAC', (input) => {
    expect(() => normMac(input)).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_MAC' }));
  });

  it('rejects a trailing newline, which the established host accepts (stricter)', () => {
    expect(() => normMac('00:11:22:33:44:55\n')).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_MAC' }));
  });

  it('rejects a value that is not a string at run time', () => {
    expect(() => normMac(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_MAC' }));
  });

  it('names the value, the key and the device in the error', () => {
    let caught: unknown;
    try {
      normMac('zz', { key: 'mac', device: 'dev1' });
    } catch (err) {
      caught = err;
    }
    expect(isProvdError(caught, 'PROVD_INVALID_MAC')).toBe(true);
    expect(caught).toMatchObject({ key: 'mac', device: 'dev1' });
    expect((caught as Error).message).toMatch(/^"zz" \(key "mac" of device "dev1"\) is not a MAC address/);
  });
});

describe('formatMac', () => {
  it.each([
    ['00:11:22:33:44:aa', { separator: '' }, '0011223344aa'],
    ['00:11:22:33:44:aa', { separator: '-', uppercase: true }, '00-11-22-33-44-AA'],
    ['0011223344aa', { separator: '.', uppercase: false }, '00.11.22.33.44.aa'],
    ['00-0F-D3-05-48-48', {}, '00:0f:d3:05:48:48'],
    ['00:0f:d3:05:48:48', { separator: '' }, '000fd3054848'],
    ['0:f:d3:5:48:48', { uppercase: true }, '00:0F:D3:05:48:48'],
  ])('formats %j with %j as %j', (input, options, expected) => {
    expect(formatMac(input, options)).toBe(expected);
  });

  it('rejects what normMac rejects', () => {
    expect(() => formatMac('00:11:22:33:44', { separator: '' })).toThrow(
      expect.objectContaining({ code: 'PROVD_INVALID_MAC' }),
    );
  });
});

describe('isNormedMac', () => {
  it.each([
    ['00:11:22:33:44:aa', true],
    ['00:11:22:33:44:AA', false],
    ['00-11-22-33-44-aa', false],
    ['0011223344aa', false],
    ['00:11:22:33:44:aa\n', false],
    ['0:1:2:3:4:5', false],
  ])('%j → %s', (input, expected) => {
    expect(isNormedMac(input)).toBe(expected);
  });

  it('is false for a non-string', () => {
    expect(isNormedMac(undefined)).toBe(false);
    expect(isNormedMac(1)).toBe(false);
  });
});
