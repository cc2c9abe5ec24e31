/**
 * Groups concurrent submissions into batches: every item submitted while a batch is being flushed (or in the same
 * turn of the event loop) goes into the next batch, which `flush` handles in one go (one database transaction).
 * `flush` returns one outcome per item: a value, or an `Error` that rejects that item alone.
 */
export class CommitQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  /** @param flush handles one batch, returning one outcome per item, in order */
  constructor(private readonly flush: (batch: T[]) => Promise<(R | Error)[]> | (R | Error)[]) {}

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
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        let outcomes: (R | Error)[];
        try {
          outcomes = await this.flush(batch.map((b) => b.item));
        } catch (err) {
          for (const b of batch) b.reject(err);
          continue;
        }
        batch.forEach((b, i) => {
          const o = outcomes[i];
          if (o instanceof Error) b.reject(o);
          else b.resolve(o as R);
        });
      }
    } finally {
      this.running = undefined;
    }
  }
}
