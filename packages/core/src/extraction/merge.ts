import type { DevInfo } from '@provd/sdk';

/** Merges the results of several extractors, in the order of the extractors, into one {@link DevInfo}. */
export type DevInfoMerger = (results: readonly DevInfo[]) => DevInfo;

/** The defined values of `info`, without a `__proto__` key (which would change the prototype of the merge). */
function entriesOf(info: DevInfo): [string, unknown][] {
  return Object.entries(info).filter(([key, value]) => value !== undefined && key !== '__proto__');
}

/**
 * Merges extractor results key by key, the later result winning (contract §3.3, `LastSeenUpdater`). A key whose
 * value is `undefined` does not overwrite an earlier value.
 *
 * @example
 * ```ts
 * mergeLastSeen([{ ip: '1.1.1.1', vendor: 'A' }, { ip: '2.2.2.2' }]); // { ip: '2.2.2.2', vendor: 'A' }
 * ```
 */
export const mergeLastSeen: DevInfoMerger = (results) => {
  const merged: Record<string, unknown> = {};
  for (const info of results) copyDefined(info, merged);
  return merged as DevInfo;
};

/**
 * Copies the defined values of `info` into `into` (every request goes through here: no intermediate arrays); tells
 * whether there was any.
 */
export function copyDefined(info: DevInfo, into: Record<string, unknown>): boolean {
  const from = info as Record<string, unknown>;
  let any = false;
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (value !== undefined && key !== '__proto__') {
      into[key] = value;
      any = true;
    }
  }
  return any;
}

/**
 * Merges extractor results by a vote per key (contract §3.3, `VotingUpdater`): each key takes the value most results
 * give it, keys voting independently; on a tie the value seen first wins, so the outcome depends only on the order of
 * the extractors. Values are compared with `===` (objects by identity).
 *
 * @example
 * ```ts
 * mergeByVote([{ vendor: 'A', model: 'm1' }, { vendor: 'B' }, { vendor: 'A' }]); // { vendor: 'A', model: 'm1' }
 * mergeByVote([{ vendor: 'B' }, { vendor: 'A' }]); // { vendor: 'B' }
 * ```
 */
export const mergeByVote: DevInfoMerger = (results) => {
  if (results.length === 1) return mergeLastSeen(results); // one result: every key has its only value
  const votes = new Map<string, Map<unknown, number>>();
  for (const info of results) {
    for (const [key, value] of entriesOf(info)) {
      const counts = votes.get(key) ?? new Map<unknown, number>();
      counts.set(value, (counts.get(value) ?? 0) + 1);
      votes.set(key, counts);
    }
  }
  const merged: Record<string, unknown> = {};
  for (const [key, counts] of votes) {
    let most = 0;
    for (const [value, count] of counts) {
      if (count > most) {
        most = count;
        merged[key] = value;
      }
    }
  }
  return merged as DevInfo;
};
