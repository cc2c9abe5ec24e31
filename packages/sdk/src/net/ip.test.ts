import { describe, expect, it } from 'vitest';
import { ipv4Address, isNormedIp, normIp } from './ip';

describe('normIp', () => {
  it.each(['255.255.255.255', '192.168.32.106', '0.0.0.0', '10.0.0.5', '127.0.0.1', '1.20.199.249'])(
    'keeps the dotted quad %j',
    (input) => {
      expect(normIp(input)).toBe(input);
    },
  );

  it.each(['1.2.3.256', '::1', '', ' 1.2.3.4', '4294967296'])('rejects %j, as the established host does', (input) => {
    expect(() => normIp(input)).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_IP' }));
  });

  // The established host's inet_aton accepts these (§11.1: 127.1 → 127.0.0.1, 010.0.0.1 → 8.0.0.1, ...).
  it.each(['127.1', '1', '0x7f.1', '010.0.0.1', '192.168.032.106', '1.2.3', '1.2.3.4 abc', '1.2.3.4\n', '4294967295'])(
    'rejects the inet_aton shorthand %j (stricter than the established host)',
    (input) => {
      expect(() => normIp(input)).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_IP' }));
    },
  );

  it('says what it expected, naming the value and key', () => {
    expect(() => normIp('127.1', { key: 'ip' })).toThrow(
      '"127.1" (key "ip") is not an IPv4 address: expected four decimal numbers 0-255',
    );
  });
});

describe('isNormedIp', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1', false],
    ['1.2.3.256', false],
    ['1.2.3.4.5', false],
    ['a.b.c.d', false],
  ])('%j → %s, as in the established host', (input, expected) => {
    expect(isNormedIp(input)).toBe(expected);
  });

  // The established host's int()-based check says true for all of these.
  it.each(['01.02.03.04', ' 1.2.3.4', '+1.2.3.4', '1_0.0.0.1', '-0.0.0.0', '1.2.3.-0'])(
    'is false for %j (stricter than the established host)',
    (input) => {
      expect(isNormedIp(input)).toBe(false);
    },
  );

  it('is false for a non-string', () => {
    expect(isNormedIp(null)).toBe(false);
  });
});

describe('ipv4Address', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5'],
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['::1', undefined],
    ['::ffff:10.0.0.256', undefined],
    ['fe80::1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(ipv4Address(input)).toBe(expected);
  });
});
