import { describe, expect, it } from 'vitest';
import type { DevInfo } from '@provd/sdk';
import { mergeByVote, mergeLastSeen } from './merge';

/** Test vectors use arbitrary keys (k1, k2), as the contract does. */
const infos = (...list: Record<string, unknown>[]): DevInfo[] => list as DevInfo[];

describe('mergeLastSeen (contract §11.2)', () => {
  it('lets a later value win', () => {
    expect(mergeLastSeen(infos({ k1: 'v1' }, { k1: 'v2' }))).toEqual({ k1: 'v2' });
  });

  it('keeps keys from every result', () => {
    expect(mergeLastSeen(infos({ k1: 'v1' }, { k2: 'v2' }))).toEqual({ k1: 'v1', k2: 'v2' });
    expect(mergeLastSeen([{ ip: '1.1.1.1', vendor: 'A' }, { ip: '2.2.2.2' }])).toEqual({ ip: '2.2.2.2', vendor: 'A' });
  });

  it('does not let an undefined value erase an earlier one', () => {
    expect(mergeLastSeen([{ vendor: 'A' }, { vendor: undefined, model: 'm' }])).toEqual({ vendor: 'A', model: 'm' });
  });

  it('ignores a __proto__ key', () => {
    const merged = mergeLastSeen([JSON.parse('{"__proto__": {"polluted": true}, "vendor": "A"}') as DevInfo]);
    expect(merged).toEqual({ vendor: 'A' });
    expect((merged as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mergeByVote (contract §11.2)', () => {
  it('keeps a single result', () => {
    expect(mergeByVote(infos({ k1: 'v1' }))).toEqual({ k1: 'v1' });
  });

  it('takes the value with the most votes, whatever its position', () => {
    expect(mergeByVote(infos({ k1: 'v1' }, { k1: 'v1' }, { k1: 'v2' }))).toEqual({ k1: 'v1' });
    expect(mergeByVote(infos({ k1: 'v2' }, { k1: 'v1' }, { k1: 'v1' }))).toEqual({ k1: 'v1' });
  });

  it('lets keys vote independently', () => {
    expect(mergeByVote([{ vendor: 'A', model: 'm1' }, { vendor: 'B' }, { vendor: 'A' }])).toEqual({
      vendor: 'A',
      model: 'm1',
    });
  });

  it('gives a tie to the value seen first', () => {
    expect(mergeByVote([{ vendor: 'B' }, { vendor: 'A' }])).toEqual({ vendor: 'B' });
    expect(mergeByVote([{ vendor: 'A' }, { vendor: 'B' }, { vendor: 'B' }, { vendor: 'A' }])).toEqual({ vendor: 'A' });
  });

  it('does not count undefined values', () => {
    expect(mergeByVote([{ vendor: undefined }, { vendor: undefined }, { vendor: 'A' }])).toEqual({ vendor: 'A' });
  });

  it('returns an empty object for no results', () => {
    expect(mergeByVote([])).toEqual({});
    expect(mergeLastSeen([])).toEqual({});
  });
});
