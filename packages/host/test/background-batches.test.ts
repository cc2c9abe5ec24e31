// The background reconfigurer's batches on a real SQLite store: the files of a batch are made durable before the
// batch is recorded done, and a batch that cannot be made durable is not recorded (the job is tried again before it,
// after a wait, and resumes there at the next start).
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundReconfigurer, type ReconfigureTarget } from '../src/reconfigure/background-reconfigurer';
import { openStore } from '../src/store/open-store';
import type { Store } from '../src/store/store';

let dir: TestDir;
let store: Store;
beforeEach(async () => {
  dir = await testdir();
  store = await openStore({ engine: 'sqlite', dataDir: dir.path }, { dataDir: dir.path });
  const writes = Array.from({ length: 25 }, (_, i) => ({ op: 'put' as const, kind: 'devices' as const, doc: { id: `d${String(i).padStart(2, '0')}`, plugin: 'p', config: 'c' } }));
  await store.commit({ writes });
});
afterEach(async () => {
  await store.close();
  await dir.cleanup();
});

/** A target recording what happens in order; `failDurable` makes that many flushes fail. */
function recordingTarget(events: string[], failDurable = 0): ReconfigureTarget {
  return {
    reconfigure: async (id) => {
      events.push(`one ${id}`);
      return true;
    },
    reconfigureMany: async (ids) => {
      events.push(`many ${ids.join(',')}`);
    },
    makeDurable: async () => {
      if (failDurable-- > 0) {
        events.push('durable failed');
        throw new Error('the disk is gone');
      }
      events.push('durable');
    },
    deconfigure: async (old) => {
      events.push(`deconfigure ${old.id}`);
    },
  };
}

describe('background batches', () => {
  it('make each batch durable (with recordEveryMs 0) before its progress is recorded (the next batch configured meanwhile), in chunks, and finish the job', async () => {
    const events: string[] = [];
    const reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), batchSize: 10, chunkSize: 4, recordEveryMs: 0 });
    await reconfigurer.start();
    const { jobs } = await store.commit({ jobs: [{ reason: 'config "c" changed', selector: { config: 'c' } }] });
    const stop = store.watch(() => events.push('commit'));
    reconfigurer.add(jobs);
    await reconfigurer.idle();
    stop();
    // batches of 10 ids in chunks of at most 4, each batch followed by its flush
    expect(events.filter((e) => e !== 'commit')).toEqual([
      'many d00,d01,d02,d03',
      'many d04,d05,d06,d07',
      'many d08,d09',
      'durable',
      'many d10,d11,d12,d13',
      'many d14,d15,d16,d17',
      'many d18,d19',
      'durable',
      'many d20,d21,d22,d23',
      'many d24',
      'durable',
    ]);
    // one progress record per batch, after its flush, and before the batch after the next one starts (at most one
    // batch configured ahead of its record), then the finish
    const at = (e: string) => events.indexOf(e);
    const commits = events.flatMap((e, i) => (e === 'commit' ? [i] : []));
    const flushes = events.flatMap((e, i) => (e === 'durable' ? [i] : []));
    expect(commits).toHaveLength(4);
    expect(commits[0]).toBeGreaterThan(flushes[0]!);
    expect(commits[0]).toBeLessThan(at('many d20,d21,d22,d23'));
    expect(commits[1]).toBeGreaterThan(flushes[1]!);
    expect(commits[2]).toBeGreaterThan(flushes[2]!);
    // finished by every host sharing the store: forgotten
    expect(await store.jobs()).toEqual([]);
    await reconfigurer.stop();
  });

  it('make the batches configured within recordEveryMs durable and record them together, and at stop', async () => {
    const events: string[] = [];
    const target = recordingTarget(events);
    const many = target.reconfigureMany!;
    let reconfigurer: BackgroundReconfigurer | undefined;
    let stopping: Promise<void> | undefined;
    // the host stops while the third batch's first chunk is configured
    target.reconfigureMany = async (ids, writeFlag) => {
      await many(ids, writeFlag);
      if (ids[0] === 'd20') stopping = reconfigurer!.stop();
    };
    reconfigurer = new BackgroundReconfigurer({ store, target, batchSize: 10, chunkSize: 10, recordEveryMs: 60_000 });
    await reconfigurer.start();
    const { jobs } = await store.commit({ jobs: [{ reason: 'config "c" changed', selector: { config: 'c' } }] });
    const stopWatching = store.watch(() => events.push('commit'));
    reconfigurer.add(jobs);
    for (let i = 0; i < 200 && !stopping; i++) await new Promise((r) => setTimeout(r, 10));
    await stopping;
    stopWatching();
    // three batches configured, then one flush and one record for all of them (the stop's): none between the batches
    expect(events).toEqual(['many d00,d01,d02,d03,d04,d05,d06,d07,d08,d09', 'many d10,d11,d12,d13,d14,d15,d16,d17,d18,d19', 'many d20,d21,d22,d23,d24', 'durable', 'commit']);
    const [progress] = (await store.jobProgress(jobs[0]!.id)).filter((p) => p.host === store.hostId);
    expect(progress).toMatchObject({ cursor: 'd24', done: 25, finished: false });

    // the next start finds every device recorded: no device configured again, one record of the finish
    events.length = 0;
    reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), batchSize: 10, chunkSize: 10, recordEveryMs: 60_000 });
    await reconfigurer.start();
    await reconfigurer.idle();
    await reconfigurer.stop();
    expect(events).toEqual([]);
    expect(await store.jobs()).toEqual([]);
  });

  it('configure a device a phone asks for before its turn as the batches do, made durable by the next flush; one-device jobs as before', async () => {
    const events: string[] = [];
    const target = recordingTarget(events);
    const many = target.reconfigureMany!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const first = new Promise<void>((r) => (started = r));
    target.reconfigureMany = async (ids, writeFlag) => {
      if (ids[0] === 'd00') {
        started();
        await gate;
      }
      await many(ids, writeFlag);
    };
    let canAhead = true;
    target.reconfigureAhead = async (device) => {
      if (!canAhead) return false;
      events.push(`ahead ${device.id}`);
      return true;
    };
    const reconfigurer = new BackgroundReconfigurer({ store, target, batchSize: 10, chunkSize: 10, recordEveryMs: 0, deviceJobsQuietMs: 60_000, deviceJobsMaxWaitMs: 60_000 });
    await reconfigurer.start();
    const { jobs } = await store.commit({ jobs: [{ reason: 'config "c" changed', selector: { config: 'c' } }] });
    const stopWatching = store.watch(() => events.push('commit'));
    reconfigurer.add(jobs);
    await first;
    // d15 asks while the first batch is configured: ahead, as the batches do; d16 too where that cannot be done
    await reconfigurer.ensureFresh({ id: 'd15', plugin: 'p', config: 'c' });
    canAhead = false;
    await reconfigurer.ensureFresh({ id: 'd16', plugin: 'p', config: 'c' });
    expect(events).toEqual(['ahead d15', 'one d16']);
    release();
    await reconfigurer.idle();
    stopWatching();
    // neither is configured again by its batch, which is recorded after its flush
    expect(events.filter((e) => e !== 'commit')).toEqual([
      'ahead d15',
      'one d16',
      'many d00,d01,d02,d03,d04,d05,d06,d07,d08,d09',
      'durable',
      'many d10,d11,d12,d13,d14,d17,d18,d19',
      'durable',
      'many d20,d21,d22,d23,d24',
      'durable',
    ]);
    const second = events.indexOf('many d10,d11,d12,d13,d14,d17,d18,d19');
    expect(events.indexOf('commit', second)).toBeGreaterThan(events.indexOf('durable', second));

    // a job of one device is recorded finished without a flush: its device is configured as before, never ahead
    canAhead = true;
    events.length = 0;
    const { jobs: one } = await store.commit({ jobs: [{ reason: 'device "d03" changed', selector: { id: 'd03' } }] });
    reconfigurer.add(one);
    await reconfigurer.ensureFresh({ id: 'd03', plugin: 'p', config: 'c' });
    expect(events.filter((e) => e !== 'commit')).toEqual(['one d03']);
    await reconfigurer.stop();
  });

  it('record nothing of a batch whose files cannot be made durable; the next start resumes before it', async () => {
    const events: string[] = [];
    const logs: string[] = [];
    // a retry far off: the job waits for it, and stop ends the wait
    let reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events, 1), batchSize: 10, chunkSize: 10, recordEveryMs: 0, retryMs: 60_000, log: (l) => logs.push(l) });
    await reconfigurer.start();
    const { jobs } = await store.commit({ jobs: [{ reason: 'config "c" changed', selector: { config: 'c' } }] });
    reconfigurer.add(jobs);
    for (let i = 0; i < 200 && !logs.some((l) => l.includes('stopped')); i++) await new Promise((r) => setTimeout(r, 10));
    const [waiting] = reconfigurer.status();
    expect(waiting).toMatchObject({ id: jobs[0]!.id, done: 0, error: 'the disk is gone' });
    expect(Date.parse(waiting!.retryAt!) - Date.now()).toBeGreaterThan(50_000);
    const stopping = performance.now();
    await reconfigurer.stop();
    expect(performance.now() - stopping).toBeLessThan(2000);
    // the next batch was configured while the first one's flush failed; the job stops before recording either
    expect(events.slice(0, 2)).toEqual(['many d00,d01,d02,d03,d04,d05,d06,d07,d08,d09', 'durable failed']);
    expect(events.slice(2)).toEqual(['many d10,d11,d12,d13,d14,d15,d16,d17,d18,d19', 'durable']);
    expect(logs.some((l) => /job \d+ \(config "c" changed\) stopped: the disk is gone; trying again in 60\.0 s \(failure 1 in a row\)/.test(l))).toBe(true);
    expect((await store.jobProgress(jobs[0]!.id)).filter((p) => p.host === store.hostId && p.cursor !== undefined)).toEqual([]);

    events.length = 0;
    reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), batchSize: 10, chunkSize: 10, recordEveryMs: 0 });
    await reconfigurer.start();
    await reconfigurer.idle();
    await reconfigurer.stop();
    expect(events[0]).toBe('many d00,d01,d02,d03,d04,d05,d06,d07,d08,d09');
    expect(events.filter((e) => e === 'durable')).toHaveLength(3);
    expect(await store.jobs()).toEqual([]);
  });

  it('try a failed batch again, waiting longer after each failure in a row, and finish the job without a restart', async () => {
    const events: string[] = [];
    const logs: string[] = [];
    // the first two batches are made durable and recorded; the last one's flush fails three times in a row
    const target = recordingTarget(events);
    const outcomes = [true, true, false, false, false];
    target.makeDurable = async () => {
      if (outcomes.shift() === false) {
        events.push('durable failed');
        throw new Error('No space left on device');
      }
      events.push('durable');
    };
    const reconfigurer = new BackgroundReconfigurer({ store, target, batchSize: 10, chunkSize: 10, recordEveryMs: 0, retryMs: 200, retryMaxMs: 500, log: (l) => logs.push(l) });
    await reconfigurer.start();
    const { jobs } = await store.commit({ jobs: [{ reason: 'config "c" changed', selector: { config: 'c' } }] });
    reconfigurer.add(jobs);
    await reconfigurer.idle();
    const retries = logs.filter((l) => l.includes('trying again'));
    // doubled after each failure in a row, up to the longest wait
    expect(retries.map((l) => /stopped: No space left on device; trying again in ([\d.]+) s \(failure (\d) in a row\)/.exec(l)?.slice(1))).toEqual([
      ['0.2', '1'],
      ['0.4', '2'],
      ['0.5', '3'],
    ]);
    // tried again from what was recorded: the recorded batches once, the failed one four times
    expect(events.filter((e) => e.startsWith('many'))).toEqual([
      'many d00,d01,d02,d03,d04,d05,d06,d07,d08,d09',
      'many d10,d11,d12,d13,d14,d15,d16,d17,d18,d19',
      ...Array.from({ length: 4 }, () => 'many d20,d21,d22,d23,d24'),
    ]);
    expect(events.filter((e) => e === 'durable')).toHaveLength(3);
    // finished and forgotten, its count not inflated by the batch done four times
    expect(logs.find((l) => / done: /.test(l))).toMatch(/done: 25 device\(s\)/);
    expect(reconfigurer.status()).toEqual([]);
    expect(await store.jobs()).toEqual([]);
    await reconfigurer.stop();
  });

  it('try a burst of one-device jobs again when its batch fails, and record them finished once it succeeds', async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events, 2), deviceJobsQuietMs: 200, retryMs: 20, log: (l) => logs.push(l) });
    await reconfigurer.start();
    // one burst: the second job comes well within the quiet time (a 10 ms one split it in two on a loaded CI machine)
    for (const id of ['d00', 'd01']) reconfigurer.add((await store.commit({ jobs: [{ reason: `device "${id}" changed`, selector: { id } }] })).jobs);
    await reconfigurer.idle();
    expect(events).toEqual(['many d00,d01', 'durable failed', 'many d00,d01', 'durable failed', 'many d00,d01', 'durable']);
    expect(logs.filter((l) => /2 device job\(s\) stopped: the disk is gone; trying again/.test(l))).toHaveLength(2);
    expect(await store.jobs()).toEqual([]);
    await reconfigurer.stop();
  });

  it('configure the one-device jobs of a burst as one batch once it pauses: old files first, one flush, one record', async () => {
    const events: string[] = [];
    const reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), chunkSize: 4, deviceJobsQuietMs: 200 });
    await reconfigurer.start();
    const started = performance.now();
    // a burst: six changes 10 ms apart, d03 changed twice, d04 moved away from an old identity
    const ids = ['d00', 'd01', 'd02', 'd03', 'd03', 'd04'];
    const recorded: number[] = [];
    for (const id of ids) {
      const deconfigure = id === 'd04' ? [{ id: 'd04', mac: '00:11:22:33:44:55', plugin: 'p' }] : undefined;
      const { jobs } = await store.commit({ jobs: [{ reason: `device "${id}" changed`, selector: { id }, ...(deconfigure ? { deconfigure } : {}) }] });
      reconfigurer.add(jobs);
      recorded.push(...jobs.map((j) => j.id));
      expect(events).toEqual([]); // nothing done while the burst goes on
      await new Promise((r) => setTimeout(r, 10));
    }
    const finished: number[] = [];
    const stop = store.watch(() => finished.push(events.length));
    await reconfigurer.idle();
    stop();
    expect(performance.now() - started).toBeGreaterThanOrEqual(50 + 200);
    expect(events).toEqual(['deconfigure d04', 'many d00,d01,d02,d03', 'many d04', 'durable']);
    // recorded finished in one commit, after the flush
    expect(finished).toEqual([4]);
    expect(await store.jobs()).toEqual([]);
    expect(recorded).toHaveLength(6);
    await reconfigurer.stop();
  });

  it('hold a one-device job back no longer than the longest wait while a burst goes on, and not past stop', async () => {
    const events: string[] = [];
    const reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), deviceJobsQuietMs: 1000, deviceJobsMaxWaitMs: 60 });
    await reconfigurer.start();
    const started = performance.now();
    reconfigurer.add((await store.commit({ jobs: [{ reason: 'device "d00" changed', selector: { id: 'd00' } }] })).jobs);
    await reconfigurer.idle();
    const took = performance.now() - started;
    expect(events).toEqual(['many d00', 'durable']);
    expect(took).toBeGreaterThanOrEqual(55);
    expect(took).toBeLessThan(900);

    await reconfigurer.stop();
    // stopping ends the wait at once; the job stays recorded for the next start
    const waiting = new BackgroundReconfigurer({ store, target: recordingTarget(events), deviceJobsQuietMs: 5000, deviceJobsMaxWaitMs: 5000 });
    await waiting.start();
    waiting.add((await store.commit({ jobs: [{ reason: 'device "d01" changed', selector: { id: 'd01' } }] })).jobs);
    await new Promise((r) => setTimeout(r, 20));
    const stopping = performance.now();
    await waiting.stop();
    expect(performance.now() - stopping).toBeLessThan(2000);
    expect(events).toEqual(['many d00', 'durable']);
    expect((await store.jobs()).map((j) => j.selector)).toEqual([{ id: 'd01' }]);
  });

  it('hold no one-device job back while a job of many devices waits behind it', async () => {
    const events: string[] = [];
    const reconfigurer = new BackgroundReconfigurer({ store, target: recordingTarget(events), batchSize: 100, deviceJobsQuietMs: 5000, deviceJobsMaxWaitMs: 5000 });
    await reconfigurer.start();
    const started = performance.now();
    reconfigurer.add((await store.commit({ jobs: [{ reason: 'device "d00" changed', selector: { id: 'd00' } }, { reason: 'plugin "p" installed', selector: { plugin: 'p' } }] })).jobs);
    await reconfigurer.idle();
    expect(performance.now() - started).toBeLessThan(4000);
    expect(events.slice(0, 2)).toEqual(['many d00', 'durable']);
    expect(events[2]).toMatch(/^many d00,d01,/);
    await reconfigurer.stop();
  });
});
