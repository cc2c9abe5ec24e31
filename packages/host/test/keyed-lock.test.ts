import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../src/app/keyed-lock';

/** A promise and the function settling it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending promise reaction run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('KeyedLock', () => {
  it('holds every key of runAll: a task of one of them waits for it, then runs; other keys run meanwhile', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const gate = deferred();
    const all = lock.runAll(['a', 'b', 'a'], async () => {
      order.push('all');
      await gate.promise;
      order.push('all done');
      return 7;
    });
    expect(lock.isBusy('a') && lock.isBusy('b')).toBe(true);
    const onA = lock.run('a', async () => void order.push('a'));
    const onC = lock.run('c', async () => void order.push('c'));
    await settle();
    expect(order).toEqual(['all', 'c']);
    gate.resolve();
    expect(await all).toBe(7);
    await onA;
    await onC;
    expect(order).toEqual(['all', 'c', 'all done', 'a']);
    expect(lock.isBusy('a') || lock.isBusy('b') || lock.isBusy('c')).toBe(false);
  });

  it('waits in runAll for a key already held, and gives the keys up when its task fails', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const gate = deferred();
    const held = lock.run('b', async () => {
      await gate.promise;
      order.push('b');
    });
    const all = lock.runAll(['a', 'b'], async () => {
      order.push('all');
      throw new Error('refused');
    });
    await settle();
    expect(order).toEqual([]);
    gate.resolve();
    await held;
    await expect(all).rejects.toThrow('refused');
    expect(order).toEqual(['b', 'all']);
    const again = await lock.runAll(['a', 'b'], async () => 'again');
    expect(again).toBe('again');
    expect(lock.isBusy('a') || lock.isBusy('b')).toBe(false);
  });

  it('counts the tasks handed to it, one per key of runAll', async () => {
    const lock = new KeyedLock();
    await lock.runAll(['a', 'b', 'b'], async () => {});
    await lock.run('a', async () => {});
    expect(lock.started).toBe(3);
  });
});
