import { describe, expect, it } from 'vitest';
import type { ProvdError } from '@provd/sdk';
import type { DevInfo } from '@provd/sdk';
import type { HttpRequest } from '@provd/sdk';
import { composeExtractors } from './compose';
import type { DeviceInfoExtractor } from '@provd/sdk';
import { mergeByVote, mergeLastSeen } from './merge';

const request: HttpRequest = { path: '/x.cfg', headers: {}, clientIp: '10.0.0.1' };

/** An extractor that resolves to `result`. */
const resolving = (result: unknown): DeviceInfoExtractor<'http'> => ({ extract: async () => result as DevInfo });
/** An extractor whose result the test releases by hand. */
function controlled(): { extractor: DeviceInfoExtractor<'http'>; resolve: (info: DevInfo) => void; started: boolean } {
  let release: (info: DevInfo) => void = () => undefined;
  const handle = {
    started: false,
    resolve: (info: DevInfo) => release(info),
    extractor: {
      extract: () => {
        handle.started = true;
        return new Promise<DevInfo>((resolve) => {
          release = resolve;
        });
      },
    } as DeviceInfoExtractor<'http'>,
  };
  return handle;
}
const rejecting: DeviceInfoExtractor<'http'> = { extract: () => Promise.reject(new Error('rejected')) };
const throwing: DeviceInfoExtractor<'http'> = {
  extract: () => {
    throw new Error('thrown synchronously');
  },
};

describe('composeExtractors (contract §3.3)', () => {
  it('votes over results, ignoring nothing-found and failed extractors (contract §11.2)', async () => {
    const errors: [string, number][] = [];
    const composed = composeExtractors(
      [
        resolving({ vendor: 'A', model: 'm1' }),
        resolving({ vendor: 'B' }),
        resolving({ vendor: 'A' }),
        resolving(undefined),
        rejecting,
      ],
      mergeByVote,
      { onError: (error, index) => errors.push([error.code, index]) },
    );
    expect(await composed.extract(request, 'http')).toEqual({ vendor: 'A', model: 'm1' });
    expect(errors).toEqual([['PROVD_EXTRACTOR_FAILED', 4]]);
  });

  it('counts an extractor that throws synchronously as nothing found (fix of §3.3)', async () => {
    const errors: ProvdError[] = [];
    const composed = composeExtractors([throwing, resolving({ vendor: 'A' })], mergeByVote, {
      onError: (error) => errors.push(error),
    });
    expect(await composed.extract(request, 'http')).toEqual({ vendor: 'A' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('the http device-info extractor failed: Error: thrown synchronously');
    expect((errors[0]?.cause as Error).message).toBe('thrown synchronously');
  });

  it('merges in list order, not completion order', async () => {
    for (const [merge, expected] of [
      [mergeByVote, { vendor: 'B', ip: '2.2.2.2' }],
      [mergeLastSeen, { vendor: 'A', ip: '1.1.1.1' }],
    ] as const) {
      const first = controlled();
      const second = controlled();
      const extraction = composeExtractors([first.extractor, second.extractor], merge).extract(request, 'http');
      second.resolve({ vendor: 'A', ip: '1.1.1.1' });
      await Promise.resolve();
      first.resolve({ vendor: 'B', ip: '2.2.2.2' });
      expect(await extraction).toEqual(expected);
    }
  });

  it('starts every extractor before any of them finishes', async () => {
    const all = [controlled(), controlled(), controlled()];
    const extraction = composeExtractors(
      all.map((c) => c.extractor),
      mergeLastSeen,
    ).extract(request, 'http');
    await Promise.resolve();
    expect(all.map((c) => c.started)).toEqual([true, true, true]);
    for (const [i, c] of all.entries()) c.resolve({ [`X_${i}`]: i } as DevInfo);
    expect(await extraction).toEqual({ X_0: 0, X_1: 1, X_2: 2 });
  });

  it('reports and ignores results that are not objects', async () => {
    const errors: string[] = [];
    const composed = composeExtractors(
      [resolving('Acme'), resolving(['vendor']), resolving(42), resolving({ vendor: 'A' })],
      mergeLastSeen,
      { onError: (error) => errors.push(error.message) },
    );
    expect(await composed.extract(request, 'http')).toEqual({ vendor: 'A' });
    expect(errors).toEqual([
      expect.stringContaining('it resolved to string "Acme", not an object'),
      expect.stringContaining('it resolved to an array, not an object'),
      expect.stringContaining('it resolved to number "42", not an object'),
    ]);
  });

  it('resolves to undefined when nothing was found (null and {} count as nothing)', async () => {
    const composed = composeExtractors([resolving(null), resolving({}), rejecting], mergeByVote);
    expect(await composed.extract(request, 'http')).toBeUndefined();
    expect(await composeExtractors([], mergeByVote).extract(request, 'http')).toBeUndefined();
  });

  it('passes the request and its type to every extractor', async () => {
    const seen: unknown[] = [];
    const recording: DeviceInfoExtractor<'http'> = {
      extract: async (req, type) => {
        seen.push([req, type]);
        return undefined;
      },
    };
    await composeExtractors([recording, recording], mergeByVote).extract(request, 'http');
    expect(seen).toEqual([
      [request, 'http'],
      [request, 'http'],
    ]);
  });
});
