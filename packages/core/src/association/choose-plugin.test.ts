import { describe, expect, it } from 'vitest';
import { choosePlugin } from './choose-plugin';
import { DeviceSupport } from '@provd/sdk';

describe('choosePlugin (contract §3.7, §11.3)', () => {
  it('chooses the highest score', () => {
    expect(choosePlugin({ a: 600, b: 500 })).toBe('a');
    expect(choosePlugin({ b: 500, a: 600 })).toBe('a');
  });

  it('breaks a tie in favour of the id that sorts last', () => {
    expect(choosePlugin({ 'xivo-yealink-v70': 500, 'xivo-yealink-v80': 500, c: 100 })).toBe('xivo-yealink-v80');
    expect(choosePlugin({ 'xivo-yealink-v80': 500, 'xivo-yealink-v70': 500 })).toBe('xivo-yealink-v80');
  });

  it('compares ids by plain code units, like the established ReverseAlphabeticConflictSolver', () => {
    expect(choosePlugin({ 'wazo-b': 300, 'wazo-a': 300, 'xivo-a': 300, Z: 300 })).toBe('xivo-a');
  });

  it('chooses nothing below PROBABLE', () => {
    expect(choosePlugin({ a: 200, b: DeviceSupport.UNKNOWN })).toBeUndefined();
    expect(choosePlugin({})).toBeUndefined();
  });

  it('includes the minimum', () => {
    expect(choosePlugin({ a: 300 })).toBe('a');
    expect(choosePlugin({ a: 299 })).toBeUndefined();
  });

  it('accepts a custom minimum', () => {
    expect(choosePlugin({ a: 400 }, { minimum: DeviceSupport.COMPLETE })).toBeUndefined();
    expect(choosePlugin({ a: 500, b: 400 }, { minimum: DeviceSupport.COMPLETE })).toBe('a');
    expect(choosePlugin({ a: 100 }, { minimum: 0 })).toBe('a');
  });

  it('accepts a Map', () => {
    expect(
      choosePlugin(
        new Map([
          ['b', 500],
          ['a', 600],
        ]),
      ),
    ).toBe('a');
  });

  it('ignores scores that are not finite numbers', () => {
    const scores = { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: '900', d: 300 } as unknown as Record<string, number>;
    expect(choosePlugin(scores)).toBe('d');
  });
});
