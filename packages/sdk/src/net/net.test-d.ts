import { describe, expectTypeOf, it } from 'vitest';
import { clientIpFromForwardedFor, formatMac, isNormedIp, isNormedMac, isNormedUuid, normIp, normMac, normUuid } from '../index';

describe('net helpers API', () => {
  it('returns strings and narrows unknown values', () => {
    expectTypeOf(normMac('000fd3054848')).toEqualTypeOf<string>();
    expectTypeOf(normIp('10.0.0.1', { key: 'ip', device: 'd' })).toEqualTypeOf<string>();
    expectTypeOf(normUuid).returns.toEqualTypeOf<string>();
    expectTypeOf(clientIpFromForwardedFor(undefined, 1)).toEqualTypeOf<string>();
    expectTypeOf(isNormedMac).guards.toEqualTypeOf<string>();
    expectTypeOf(isNormedIp).guards.toEqualTypeOf<string>();
    expectTypeOf(isNormedUuid).guards.toEqualTypeOf<string>();
  });

  it('types the options of formatMac', () => {
    expectTypeOf(formatMac('00:0f:d3:05:48:48', { separator: '', uppercase: false })).toEqualTypeOf<string>();
    // @ts-expect-error: the separator is a string
    formatMac('00:0f:d3:05:48:48', { separator: 0 });
    // @ts-expect-error: unknown option
    formatMac('00:0f:d3:05:48:48', { upper: true });
  });
});
