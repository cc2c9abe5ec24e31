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
 */
export class CommitQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  /**
   * @param flush handles one batch, returning one outcome per item, in order
   * @param depth how many batches may be in flight at once
   */
  constructor(
    private readonly flush: (batch: T[]) => Promise<(R | Error)[]> | (R | Error)[],
    private readonly depth = 1,
  ) {}

  /** Queues `item`; resolves with its outcome once its batch is flushed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) this.running = this.loop();
    });
  }

  /** Resolves once every submitted item is flushed. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
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
        const batch = this.pending;
        this.pending = [];
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
