import { performance } from 'node:perf_hooks';
import { selectorMatcher } from '../store/selector-match';
import { eachLimit } from '../render/each-limit';
import type { DeviceRecord, ReconfigureJob, Store, StoreChange } from '../store/store';

/** How many device ids a job reads at once, and configures before it records its progress. */
const BATCH_SIZE = 1024;
/** How many devices one {@link ReconfigureTarget.reconfigureMany} call gets. */
const CHUNK_SIZE = 64;
/** How many chunks are given at once (the render thread has the next one queued while it works on one; the devices of both are locked). */
const CHUNKS_IN_FLIGHT = 2;
/**
 * How many chunks of a job of many devices are given at once: a chunk holds its slot (and its devices' locks) until
 * its changed `configured` flags are committed, so with two the render thread waited, idle, whenever a commit took
 * longer than rendering the other chunk (a PostgreSQL commit's WAL flush, a loaded disk).
 */
const BULK_CHUNKS_IN_FLIGHT = 4;
/**
 * One-device jobs (devices created or changed through the API, a burst of them from a provisioning script) are
 * collected until none has arrived for this long, in ms, then configured as one batch: the render threads get
 * chunks of many devices and the batch one filesystem flush, instead of a job at a time with an fsync per file, and
 * the rendering does not compete with the requests of the burst. A phone asking meanwhile is configured on demand
 * ({@link BackgroundReconfigurer.ensureFresh}).
 */
const DEVICE_JOBS_QUIET_MS = 50;
/** The longest a one-device job waits for the burst it belongs to to end, in ms. */
const DEVICE_JOBS_MAX_WAIT_MS = 1000;
/**
 * How often a job of many devices records its progress, in ms: the files of the batches configured since the last
 * record are flushed to the disk at once, then recorded done (a crash redoes the batches of about this long).
 */
const RECORD_EVERY_MS = 2000;
/** The wait before the first retry of a failed batch, in ms; doubled at each failure in a row. */
const RETRY_MS = 1000;
/** The longest wait between two retries of a failed batch, in ms. */
const RETRY_MAX_MS = 60_000;

/** What the reconfigurer needs from the provisioning app. */
export interface ReconfigureTarget {
  /**
   * Configures the stored device `id` again with its plugin and config (under the app's per-device lock) and stores
   * its new `configured` flag when `writeFlag` is set and the flag changed. Resolves to `undefined` when the device no
   * longer exists.
   */
  reconfigure(id: string, writeFlag: boolean): Promise<boolean | undefined>;
  /** Removes the files of a device as it was before a change (its plugin's `deconfigure`). */
  deconfigure(device: DeviceRecord): Promise<void>;
  /**
   * Configures the stored devices `ids` again as {@link ReconfigureTarget.reconfigure} does for each, as one batch
   * (their locks held together, read at once). Absent: the devices are configured one by one.
   */
  reconfigureMany?(ids: readonly string[], writeFlag: boolean): Promise<void>;
  /**
   * Configures `device` ahead of a job of many devices (a phone asked before its turn) the way that job's batches
   * configure theirs, its files made durable by the job's next {@link ReconfigureTarget.makeDurable}, not before the
   * answer. Resolves to `false`, having done nothing, where it cannot ({@link ReconfigureTarget.reconfigure} is used
   * then). Absent: `reconfigure` is always used.
   */
  reconfigureAhead?(device: DeviceRecord, writeFlag: boolean): Promise<boolean>;
  /** Makes the files written so far durable; called before a batch is recorded done. Absent: they already are. */
  makeDurable?(): Promise<void>;
}

/** Options of {@link BackgroundReconfigurer}. */
export interface BackgroundReconfigurerOptions {
  /** The store holding the jobs. */
  store: Store;
  /** Configures devices. */
  target: ReconfigureTarget;
  /** How many devices are configured at once. @defaultValue 32 */
  concurrency?: number;
  /** How many device ids are read (and how much progress is recorded) per batch. @defaultValue 1024 */
  batchSize?: number;
  /** How many devices {@link ReconfigureTarget.reconfigureMany} is given at once. @defaultValue 64 */
  chunkSize?: number;
  /**
   * One-device jobs are collected until none has arrived for this long (ms), at most
   * {@link BackgroundReconfigurerOptions.deviceJobsMaxWaitMs} or until a batch's worth is pending, then configured
   * as one batch (with {@link ReconfigureTarget.reconfigureMany}). @defaultValue 50
   */
  deviceJobsQuietMs?: number;
  /** The longest a one-device job is held back for the burst of changes it belongs to, in ms. @defaultValue 1000 */
  deviceJobsMaxWaitMs?: number;
  /**
   * A batch that fails (a full disk, a store that cannot commit) is tried again after this long, in ms, doubled at
   * each failure in a row up to {@link BackgroundReconfigurerOptions.retryMaxMs}. @defaultValue 1000
   */
  retryMs?: number;
  /** The longest wait between two tries of a failed batch, in ms. @defaultValue 60000 */
  retryMaxMs?: number;
  /**
   * How often a job of many devices makes its configured batches durable and records them done, in ms (a crash
   * resumes after the last record). @defaultValue 2000
   */
  recordEveryMs?: number;
  /** Receives progress lines. */
  log?: (line: string) => void;
}

/** The progress of one job on this host, as `GET /status`-style callers show it. */
export interface JobStatus {
  /** The job id. */
  id: number;
  /** Why it runs. */
  reason: string;
  /** Devices done so far on this host. */
  done: number;
  /** Devices it covers (counted when this host started it). */
  total: number;
  /** Devices per second so far. */
  rate: number;
  /** When it was recorded. */
  created: string;
  /** Why its last batch failed, while it waits to try again (absent when it is working). */
  error?: string;
  /** When it tries again (ISO 8601), with {@link JobStatus.error}. */
  retryAt?: string;
}

interface ActiveJob {
  job: ReconfigureJob;
  /** The device of a one-device job (selector `{id: "..."}`). */
  device?: string;
  matches: (doc: unknown) => boolean;
  /** The last id (in id order) whose batch is done and recorded. */
  cursor: string | undefined;
  /**
   * The last id of the batches configured so far (at or after `cursor`): their files are current, made durable and
   * recorded while the next batch is configured.
   */
  rendered?: string;
  /** The batch being worked on ends at this id (devices up to it are being handled by the worker). */
  done: number;
  total: number;
  /** Devices configured ahead of the worker (a phone asked first). */
  ahead: Set<string>;
  /** When this host started it (`performance.now()`): when it was recorded here, for a one-device job. */
  started: number;
  /** A job of one device that the app configures itself right after its change. */
  inline: boolean;
  /** The devices done as last recorded (a failed batch counts from here again when it is tried again). */
  recordedDone: number;
  /** Why its last batch failed and when (epoch ms) it is tried again, while it waits. */
  failure?: { error: string; retryAt: number };
}

/**
 * Runs recorded reconfigurations in the background (jobs of the store, recorded with the change that needs them):
 * walks the devices of each job in id order, in batches, configuring many at once, and records its progress per
 * batch so that a restart resumes where it stopped. {@link BackgroundReconfigurer.ensureFresh} lets the serving path
 * configure a device first when a phone asks before its turn, so no phone gets a file the acknowledged change made
 * stale. Jobs recorded by other hosts (a shared PostgreSQL store) are picked up from the change feed, so each host
 * keeps its own files up to date.
 */
export class BackgroundReconfigurer {
  private readonly active = new Map<number, ActiveJob>();
  /** The pending jobs of one device (selector `{id}`), by device id: checked in O(1) on every request. */
  private readonly byDevice = new Map<string, Set<ActiveJob>>();
  /** The pending jobs of many devices (any other selector). */
  private readonly bulkJobs = new Set<ActiveJob>();
  private readonly finishedBuffer: { job: number; done: number; total: number }[] = [];
  private running: Promise<void> | undefined;
  private wake = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;
  private stopped = false;
  /** Ends the wait for a burst of one-device jobs, or before a retry, early (on stop). */
  private wakeUp: (() => void) | undefined;
  /** Failed batches in a row (the retry wait doubles with each). */
  private failures = 0;

  constructor(private readonly options: BackgroundReconfigurerOptions) {}

  private get store(): Store {
    return this.options.store;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Loads the jobs left unfinished by this host (e.g. by a crash), follows the change feed, and starts working. */
  async start(): Promise<void> {
    this.stopWatching = this.store.watch((change) => this.onChange(change));
    const progress = new Map((await this.store.jobProgress()).filter((p) => p.host === this.store.hostId).map((p) => [p.job, p]));
    for (const job of await this.store.jobs()) {
      const mine = progress.get(job.id);
      if (mine?.finished) continue;
      this.track(job, false, mine?.cursor, mine?.done ?? 0);
    }
    if (this.active.size > 0) this.log(`reconfigure: resuming ${this.active.size} unfinished job(s)`);
    this.kick();
  }

  /** Stops working (the jobs stay recorded and resume at the next start) and flushes finished jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatching?.();
    this.wakeUp?.();
    await this.running;
    await this.flushFinished();
  }

  /**
   * Registers jobs this host just recorded (call before acknowledging the change, so the serving path already knows
   * the devices are stale). `inline`: a job of one device that the caller configures itself and then reports with
   * {@link BackgroundReconfigurer.finishInline}.
   */
  add(jobs: readonly ReconfigureJob[], inline = false): void {
    for (const job of jobs) this.track(job, inline, undefined, 0);
    if (!inline && jobs.length > 0) this.kick();
  }

  /** Reports an inline job done (recorded with the next batch of finished jobs). */
  finishInline(jobs: readonly ReconfigureJob[]): void {
    for (const job of jobs) {
      const a = this.active.get(job.id);
      if (!a) continue;
      this.untrack(a);
      this.finishedBuffer.push({ job: job.id, done: 1, total: 1 });
    }
    this.scheduleFlush();
  }

  /** Whether a pending job covers `device` and has not reached it yet on this host. */
  isStale(device: DeviceRecord): boolean {
    return this.active.size > 0 && this.covering(device).length > 0;
  }

  /**
   * Configures `device` now if a pending job covers it and has not reached it (a phone asked before its turn);
   * resolves once its files are current. Serving calls this before answering.
   */
  async ensureFresh(device: DeviceRecord): Promise<void> {
    if (this.active.size === 0) return;
    const covering = this.covering(device);
    if (covering.length === 0) return;
    // Ahead of jobs of many devices, it is configured as their batches are (a render thread, no fsync per file): the
    // record that passes it comes after a flush of what was written before it. A job of one device is recorded finished
    // without one, so its device is configured as the serving thread writes any file, fsynced (on the thread pool),
    // and so is a device wherever the render threads do not configure its plugin: writing without fsync on this
    // thread (the SDK's withoutFsync, an AsyncLocalStorage) turned on Node 20's promise hooks for the whole process
    // from the first such phone on, 4-5% of the serving thread's time on every request after it.
    const { target } = this.options;
    const writeFlag = covering.some((a) => a.job.origin === this.store.hostId);
    const ahead = covering.every((a) => a.device === undefined) && (await target.reconfigureAhead?.(device, writeFlag));
    if (!ahead) await target.reconfigure(device.id, writeFlag);
    const finished: ActiveJob[] = [];
    for (const a of covering) {
      if (a.device === undefined) a.ahead.add(device.id);
      else if (this.active.has(a.job.id)) finished.push(a);
    }
    for (const a of finished) {
      this.untrack(a);
      this.finishedBuffer.push({ job: a.job.id, done: 1, total: 1 });
    }
    if (finished.length > 0) this.scheduleFlush();
  }

  /** The progress of every job of this host. */
  status(): JobStatus[] {
    return [...this.active.values()]
      .filter((a) => !a.inline)
      .map((a) => {
        const seconds = (performance.now() - a.started) / 1000;
        const status: JobStatus = { id: a.job.id, reason: a.job.reason, done: a.done, total: a.total, rate: seconds > 0 ? Math.round(a.done / seconds) : 0, created: a.job.created };
        if (a.failure) Object.assign(status, { error: a.failure.error, retryAt: new Date(a.failure.retryAt).toISOString() });
        return status;
      });
  }

  /** Resolves once no job is pending on this host (for tests and `provd` commands that wait). */
  async idle(): Promise<void> {
    while (this.running || [...this.active.values()].some((a) => !a.inline)) {
      if (!this.running) this.kick();
      await (this.running ?? new Promise((r) => setTimeout(r, 10)));
    }
    await this.flushFinished();
  }

  private track(job: ReconfigureJob, inline: boolean, cursor: string | undefined, done: number): void {
    if (this.active.has(job.id)) return;
    const keys = Object.keys(job.selector);
    const device = keys.length === 1 && typeof job.selector.id === 'string' ? job.selector.id : undefined;
    const a: ActiveJob = { job, device, matches: selectorMatcher(job.selector), cursor, done, total: 0, ahead: new Set(), started: performance.now(), inline, recordedDone: done };
    this.active.set(job.id, a);
    if (device === undefined) this.bulkJobs.add(a);
    else {
      let set = this.byDevice.get(device);
      if (!set) this.byDevice.set(device, (set = new Set()));
      set.add(a);
    }
  }

  private untrack(a: ActiveJob): void {
    this.active.delete(a.job.id);
    this.bulkJobs.delete(a);
    if (a.device === undefined) return;
    const set = this.byDevice.get(a.device);
    set?.delete(a);
    if (set?.size === 0) this.byDevice.delete(a.device);
  }

  /** The pending jobs covering `device` that have not reached it on this host. */
  private covering(device: DeviceRecord): ActiveJob[] {
    const out: ActiveJob[] = [];
    for (const a of this.byDevice.get(device.id) ?? []) if (!a.inline && a.cursor === undefined) out.push(a);
    for (const a of this.bulk()) {
      const reached = a.rendered ?? a.cursor;
      if ((reached === undefined || device.id > reached) && !a.ahead.has(device.id) && a.matches(device)) out.push(a);
    }
    return out;
  }

  /** The pending jobs of many devices. */
  private *bulk(): Iterable<ActiveJob> {
    for (const a of this.bulkJobs) if (!a.inline) yield a;
  }

  private onChange(change: StoreChange): void {
    if (change.origin === this.store.hostId || change.jobs.length === 0 || this.stopped) return;
    // Another host recorded jobs: this host must configure its own files too.
    void this.store.jobs().then(
      (jobs) => {
        const wanted = new Set(change.jobs);
        for (const job of jobs) if (wanted.has(job.id)) this.track(job, false, undefined, 0);
        this.kick();
      },
      (err: Error) => this.log(`reconfigure: could not read the jobs of another host: ${err.message}`),
    );
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wake = true;
      return;
    }
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.wake && !this.stopped) {
        this.wake = false;
        this.kick();
      }
    });
  }

  private async work(): Promise<void> {
    const batchSize = this.options.batchSize ?? BATCH_SIZE;
    for (;;) {
      if (this.stopped) return;
      const pending = [...this.active.values()].filter((a) => !a.inline).sort((x, y) => x.job.id - y.job.id);
      const devices = pending.filter((a) => a.device !== undefined).slice(0, batchSize);
      const next = pending.find((a) => a.device === undefined);
      if (devices.length === 0 && !next) return;
      // a burst of one-device jobs is collected until it pauses (a while at most), then done at once; not while a
      // job of many devices waits behind them (a plugin install, a config change: done in the order recorded)
      const wait = devices.length > 0 && devices.length < batchSize && !next ? this.deviceJobsWait(devices) : 0;
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      const failed = devices.length > 0 ? devices : [next!];
      try {
        if (devices.length > 0) await this.runDeviceJobs(devices);
        else await this.runJob(next!);
        this.failures = 0;
      } catch (err) {
        // A full disk, a store that cannot commit: nothing of the failed batch was recorded, so it is tried again (as
        // at the next start), after a wait that doubles with each failure in a row. Phones are configured on demand
        // meanwhile; the job's status shows the error.
        if (this.stopped) return;
        this.failures++;
        const first = this.options.retryMs ?? RETRY_MS;
        const delay = Math.min(this.options.retryMaxMs ?? RETRY_MAX_MS, first * 2 ** Math.min(this.failures - 1, 30));
        const failure = { error: (err as Error).message, retryAt: Date.now() + delay };
        for (const a of failed) if (this.active.has(a.job.id)) a.failure = failure;
        const what = devices.length > 0 ? `${devices.length} device job(s)` : `job ${next!.job.id} (${next!.job.reason})`;
        this.log(`reconfigure: ${what} stopped: ${failure.error}; trying again in ${(delay / 1000).toFixed(1)} s (failure ${this.failures} in a row)`);
        await this.sleep(delay);
        for (const a of failed) a.failure = undefined;
      }
    }
  }

  /** Waits `ms`, or until {@link BackgroundReconfigurer.stop}. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(() => ((this.wakeUp = undefined), resolve()), ms);
      this.wakeUp = () => (clearTimeout(timer), (this.wakeUp = undefined), resolve());
    });
  }

  /** How long to wait still before the one-device jobs `jobs` are configured (0: now), in ms. */
  private deviceJobsWait(jobs: readonly ActiveJob[]): number {
    if (!this.options.target.reconfigureMany) return 0;
    let oldest = Infinity;
    let newest = -Infinity;
    for (const a of jobs) {
      oldest = Math.min(oldest, a.started);
      newest = Math.max(newest, a.started);
    }
    const until = Math.min(newest + (this.options.deviceJobsQuietMs ?? DEVICE_JOBS_QUIET_MS), oldest + (this.options.deviceJobsMaxWaitMs ?? DEVICE_JOBS_MAX_WAIT_MS));
    return Math.max(0, Math.ceil(until - performance.now()));
  }

  /**
   * Jobs of one device each, many at once, recorded finished in one transaction. With
   * {@link ReconfigureTarget.reconfigureMany}: the old files of changed devices removed first, then the devices
   * configured as one batch (in chunks, by whether their flag is written here) and made durable once; else
   * configured one by one, a few at once.
   */
  private async runDeviceJobs(jobs: ActiveJob[]): Promise<void> {
    const { target } = this.options;
    if (target.reconfigureMany) await this.configureDevices(jobs, target.reconfigureMany.bind(target));
    else {
      const concurrency = this.options.concurrency ?? 32;
      let index = 0;
      const worker = async (): Promise<void> => {
        while (index < jobs.length) {
          const a = jobs[index++]!;
          if (!this.active.has(a.job.id)) continue;
          if (a.job.deconfigure) for (const old of a.job.deconfigure) await target.deconfigure(old);
          await target.reconfigure(a.device!, a.job.origin === this.store.hostId);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
    }
    const done = jobs.filter((a) => this.active.has(a.job.id));
    for (const a of done) this.untrack(a);
    if (done.length > 0) await this.store.commit({ finished: done.map((a) => ({ job: a.job.id, done: 1, total: 1 })) });
  }

  /** The devices of the one-device jobs `jobs` configured as one batch through `many`, then made durable. */
  private async configureDevices(jobs: readonly ActiveJob[], many: NonNullable<ReconfigureTarget['reconfigureMany']>): Promise<void> {
    const { target } = this.options;
    const live = jobs.filter((a) => this.active.has(a.job.id));
    for (const a of live) if (a.job.deconfigure) for (const old of a.job.deconfigure) await target.deconfigure(old);
    // a device changed twice has two jobs: configured once (as it is now), its flag written if either job asks
    const writeFlags = new Map<string, boolean>();
    for (const a of live) writeFlags.set(a.device!, (writeFlags.get(a.device!) ?? false) || a.job.origin === this.store.hostId);
    const size = this.options.chunkSize ?? CHUNK_SIZE;
    const chunks: { ids: string[]; writeFlag: boolean }[] = [];
    for (const writeFlag of [true, false]) {
      const ids = [...writeFlags].filter(([, w]) => w === writeFlag).map(([id]) => id);
      for (let i = 0; i < ids.length; i += size) chunks.push({ ids: ids.slice(i, i + size), writeFlag });
    }
    await eachLimit(chunks, CHUNKS_IN_FLIGHT, (chunk) => many(chunk.ids, chunk.writeFlag));
    // the files must be on disk before the jobs are recorded finished: a crash before that configures them again
    await target.makeDurable?.();
  }

  private async runJob(a: ActiveJob): Promise<void> {
    const { store } = this;
    const { target } = this.options;
    const batchSize = this.options.batchSize ?? BATCH_SIZE;
    const writeFlag = a.job.origin === store.hostId;
    a.started = performance.now();
    const startDone = a.done;
    a.total = Math.max(a.done, await store.devices.count(a.job.selector));
    this.log(`reconfigure: job ${a.job.id} (${a.job.reason}): ${a.total} device(s)${a.done > 0 ? `, resuming after ${a.done}` : ''}`);
    if (a.cursor === undefined && a.job.deconfigure) {
      for (const old of a.job.deconfigure) await target.deconfigure(old);
    }
    let lastLog = performance.now();
    // The files of the batches configured must be on disk before they are recorded done (a crash then resumes after
    // them): the flush and the record run while the next batches are configured, and are recorded in order. They are
    // recorded every `recordEveryMs` (and at the end), not after every batch: each flush also writes back the folder
    // blocks the batch's new files changed, the same blocks again at every flush (in a folder of 200,000 files, most
    // of its blocks for 1,024 devices), where one flush every few batches writes them once for all of them.
    const recordEvery = this.options.recordEveryMs ?? RECORD_EVERY_MS;
    let recording: Promise<void> | undefined;
    let unrecorded: string[] = [];
    let lastRecord = performance.now();
    const record = async (ids: readonly string[], done: number, previous: Promise<void> | undefined, durable: Promise<void> | undefined): Promise<void> => {
      await previous;
      await durable;
      a.cursor = ids[ids.length - 1];
      for (const id of ids) a.ahead.delete(id);
      await store.commit({ progress: [{ job: a.job.id, host: store.hostId, cursor: a.cursor, done, total: Math.max(a.total, done), finished: false }] });
      a.recordedDone = done;
    };
    /** Starts the flush and record of the batches configured since the last one; resolves to the record before it. */
    const startRecord = (): Promise<void> | undefined => {
      const previous = recording;
      if (unrecorded.length === 0) return previous;
      const ids = unrecorded;
      unrecorded = [];
      lastRecord = performance.now();
      const durable = target.makeDurable?.();
      // each awaited in turn below: a failure must not count as unhandled meanwhile
      durable?.catch(() => {});
      recording = record(ids, a.done, previous, durable);
      recording.catch(() => {});
      return previous;
    };
    // batches configured but not recorded by an earlier run of this job (stopped by a failure) are configured again
    a.rendered = undefined;
    try {
      for (;;) {
        if (this.stopped) {
          startRecord();
          await recording;
          return;
        }
        const ids = await store.devices.idsAfter(a.job.selector, a.rendered ?? a.cursor, batchSize);
        if (ids.length === 0) break;
        await this.configureBatch(a, ids, writeFlag);
        a.rendered = ids[ids.length - 1];
        for (const id of ids) unrecorded.push(id);
        if (performance.now() - lastLog > 2000) {
          lastLog = performance.now();
          const rate = Math.round((a.done - startDone) / ((lastLog - a.started) / 1000));
          this.log(`reconfigure: job ${a.job.id}: ${a.done}/${Math.max(a.total, a.done)} devices (${rate}/s)`);
        }
        // at most one record in flight; a failed flush stops the job here
        if (performance.now() - lastRecord >= recordEvery) await startRecord();
      }
      startRecord();
      await recording;
    } catch (err) {
      // the record in flight settles (it may still land) before the job is tried again from what is recorded
      await recording?.catch(() => {});
      a.rendered = undefined;
      a.done = a.recordedDone;
      throw err;
    }
    const seconds = (performance.now() - a.started) / 1000;
    await store.commit({ finished: [{ job: a.job.id, done: a.done, total: Math.max(a.total, a.done) }] });
    this.untrack(a);
    this.log(`reconfigure: job ${a.job.id} (${a.job.reason}) done: ${a.done} device(s) in ${seconds.toFixed(1)} s (${seconds > 0 ? Math.round((a.done - startDone) / seconds) : a.done - startDone}/s)`);
  }

  /**
   * Configures the devices `ids` of job `a` (those a phone has not had configured first), counting them done as
   * they finish: in chunks given to {@link ReconfigureTarget.reconfigureMany} a few at once when the target has it,
   * else one device at a time per worker.
   */
  private async configureBatch(a: ActiveJob, ids: readonly string[], writeFlag: boolean): Promise<void> {
    const { target } = this.options;
    const concurrency = this.options.concurrency ?? 32;
    const todo = ids.filter((id) => !a.ahead.has(id));
    a.done += ids.length - todo.length;
    if (target.reconfigureMany) {
      const size = this.options.chunkSize ?? CHUNK_SIZE;
      const chunks: string[][] = [];
      for (let i = 0; i < todo.length; i += size) chunks.push(todo.slice(i, i + size));
      await eachLimit(chunks, Math.max(BULK_CHUNKS_IN_FLIGHT, Math.ceil(concurrency / size)), async (chunk) => {
        await target.reconfigureMany!(chunk.filter((id) => !a.ahead.has(id)), writeFlag);
        a.done += chunk.length;
      });
      return;
    }
    await eachLimit(todo, concurrency, async (id) => {
      if (!a.ahead.has(id)) await target.reconfigure(id, writeFlag);
      a.done++;
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushFinished();
    }, 50);
    this.flushTimer.unref();
  }

  private async flushFinished(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.finishedBuffer.length === 0) return;
    const finished = this.finishedBuffer.splice(0);
    try {
      await this.store.commit({ finished });
    } catch (err) {
      // Not recorded: the jobs run again at the next start (configuring a device twice is harmless).
      this.log(`reconfigure: could not record ${finished.length} finished job(s): ${(err as Error).message}`);
    }
  }
}
