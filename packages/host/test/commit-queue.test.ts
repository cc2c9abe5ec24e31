import { describe, expect, it } from 'vitest';
import { CommitQueue } from '../src/store/commit-queue';

/** A flush that records its batches and finishes each when the test says so. */
function recorder() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const flush = (batch: number[]) => {
    batches.push(batch);
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<(number | Error)[]>((resolve) => finish.push(() => (inFlight--, resolve(batch.map((x) => (x < 0 ? new Error(`bad ${x}`) : x * 10))))));
  };
  return { batches, finish, flush, most: () => most };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('CommitQueue', () => {
  it('groups the items of one turn, and those submitted while a batch is flushed into the next one', async () => {
    const r = recorder();
    const queue = new CommitQueue(r.flush);
    const first = [1, 2, 3].map((x) => queue.submit(x));
    await turn();
    expect(r.batches).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((x) => queue.submit(x));
    await turn();
    // one batch at a time: 4 and 5 wait for the first one
    expect(r.batches).toHaveLength(1);
    r.finish[0]!();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await expect.poll(() => r.batches).toEqual([[1, 2, 3], [4, 5]]);
    r.finish[1]!();
    expect(await Promise.all(second)).toEqual([40, 50]);
    await queue.drain();
    expect(r.most()).toBe(1);
  });

  it('keeps up to `depth` batches in flight, each item settling with its own batch, alone when it fails', async () => {
    const r = recorder();
    const queue = new CommitQueue(r.flush, 2);
    const a = queue.submit(1);
    await turn();
    const b = [queue.submit(2), queue.submit(-3)];
    await turn();
    await turn();
    // the second batch went while the first was in flight; the third waits for one of them
    expect(r.batches).toEqual([[1], [2, -3]]);
    const c = queue.submit(4);
    await turn();
    await turn();
    expect(r.batches).toHaveLength(2);
    r.finish[1]!();
    await expect(b[0]).resolves.toBe(20);
    await expect(b[1]).rejects.toThrow('bad -3');
    await expect.poll(() => r.batches).toEqual([[1], [2, -3], [4]]);
    r.finish[0]!();
    r.finish[2]!();
    expect(await Promise.all([a, c])).toEqual([10, 40]);
    await queue.drain();
    expect(r.most()).toBe(2);
  });

  it('with gatherMs, waits for as many items as the recent batches held, flushing at once when they are pending', async () => {
    const r = recorder();
    const queue = new CommitQueue(r.flush, 1, { gatherMs: 60_000 });
    const first = [1, 2, 3].map((x) => queue.submit(x));
    await turn();
    expect(r.batches).toEqual([[1, 2, 3]]);
    r.finish[0]!();
    await Promise.all(first);
    // the three writers come back one by one: the first does not go alone
    const second = [queue.submit(4)];
    await turn();
    await turn();
    expect(r.batches).toHaveLength(1);
    second.push(queue.submit(5));
    await turn();
    expect(r.batches).toHaveLength(1);
    second.push(queue.submit(6));
    await expect.poll(() => r.batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    r.finish[1]!();
    expect(await Promise.all(second)).toEqual([40, 50, 60]);
    await queue.drain();
  });

  it('with gatherMs, flushes a smaller batch once that time has passed', async () => {
    const r = recorder();
    const queue = new CommitQueue(r.flush, 1, { gatherMs: 5 });
    const first = [1, 2].map((x) => queue.submit(x));
    await expect.poll(() => r.batches).toEqual([[1, 2]]);
    r.finish[0]!();
    await Promise.all(first);
    const alone = queue.submit(3);
    await expect.poll(() => r.batches).toEqual([[1, 2], [3]]);
    r.finish[1]!();
    expect(await alone).toBe(30);
    await queue.drain();
  });
});
