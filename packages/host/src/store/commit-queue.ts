/**
 * Groups concurrent submissions into batches: every item submitted while a batch is being flushed (or in the same
 * turn of the event loop) goes into the next batch, which `flush` handles in one go (one database transaction).
 * `flush` returns one outcome per item: a value, or an `Error` that rejects that item alone.
 *
 * With a `depth` above 1, that many batches may be in flight at once: the next batch is handed to `flush` (after one
 * turn of the event loop, to gather the submissions of that turn) while the previous ones are still being written,
 * for an engine that runs them in order and overlaps one's statements with another's wait (the SQLite writer thread:
 * a batch's statements run while the previous batch waits for its fsync). Each item's promise settles with its own
 * batch.
 *
 * With {@link CommitQueueOptions.gatherMs}, a batch smaller than the recent ones waits (that long at most) for as many
 * items as they held: under a steady number of writers (8 clients each waiting for its commit), the items answered by
 * one batch come back one by one, and without the wait the first of them left alone in the next batch while the
 * others waited behind it (batches of 1 and 7 in turn with 8 writers: twice the commits, each costing the same).
 */
export class CommitQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running: Promise<void> | undefined;
  /** The sizes of the last batches (at most {@link RECENT} of them): a batch waits for as many items as the largest. */
  private readonly recent: number[] = [];
  /** Ends the gathering wait once enough items are pending. */
  private gathered: (() => void) | undefined;
  private target = 0;

  /**
   * @param flush handles one batch, returning one outcome per item, in order
   * @param depth how many batches may be in flight at once
   * @param options how batches are gathered
   */
  constructor(
    private readonly flush: (batch: T[]) => Promise<(R | Error)[]> | (R | Error)[],
    private readonly depth = 1,
    private readonly options: CommitQueueOptions = {},
  ) {}

  /** Queues `item`; resolves with its outcome once its batch is flushed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.gathered && this.pending.length >= this.target) this.gathered();
      if (!this.running) this.running = this.loop();
    });
  }

  /** Whether nothing is pending or being flushed (every submitted item's outcome is known). */
  get idle(): boolean {
    return this.running === undefined;
  }

  /** Resolves once every submitted item is flushed. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Waits until as many items are pending as the largest recent batch held, `gatherMs` at most. */
  private async gather(): Promise<void> {
    const gatherMs = this.options.gatherMs ?? 0;
    this.target = Math.max(0, ...this.recent);
    if (gatherMs <= 0 || this.pending.length >= this.target) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.gathered?.(), gatherMs);
      this.gathered = () => {
        clearTimeout(timer);
        this.gathered = undefined;
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    try {
      for (;;) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.pending.length === 0) {
          if (inFlight.size === 0) return;
          // a batch still in flight: the items submitted until it ends form the next one
          await Promise.race(inFlight);
          continue;
        }
        await this.gather();
        const batch = this.pending;
        this.pending = [];
        this.recent.push(batch.length);
        if (this.recent.length > RECENT) this.recent.shift();
        const done: Promise<void> = this.settle(batch).finally(() => inFlight.delete(done));
        inFlight.add(done);
        if (inFlight.size >= this.depth) await Promise.race(inFlight);
      }
    } finally {
      this.running = undefined;
    }
  }

  /** Flushes `batch` and settles each of its items with its outcome. */
  private async settle(batch: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]): Promise<void> {
    let outcomes: (R | Error)[];
    try {
      outcomes = await this.flush(batch.map((b) => b.item));
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => {
      const o = outcomes[i];
      if (o instanceof Error) b.reject(o);
      else b.resolve(o as R);
    });
  }
}

/** How many batches' sizes a {@link CommitQueue} remembers to gather the next one. */
const RECENT = 4;

/** Options of a {@link CommitQueue}. */
export interface CommitQueueOptions {
  /**
   * How long (ms) a batch with fewer items than the largest of the last few batches waits for more before it is
   * flushed: ended as soon as that many are pending. 0: a batch is what one turn of the event loop gathered.
   * @defaultValue 0
   */
  gatherMs?: number;
}
