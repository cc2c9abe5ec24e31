/**
 * Runs tasks one after the other per key (tasks of different keys run at once), so two requests of one phone never
 * identify or configure it at the same time.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();
  private tasks = 0;

  /**
   * How many tasks (of every key) were handed to {@link KeyedLock.run} so far: when it has not changed across a
   * read and {@link KeyedLock.isBusy} is false, no task of the key ran or waited meanwhile, so the read is what a
   * task holding the lock would have read.
   */
  get started(): number {
    return this.tasks;
  }

  /** Whether a task of `key` is running or waiting. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Runs `task` once every earlier task of `key` has settled. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    this.tasks++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    const mine = previous.then(() => tail);
    this.tails.set(key, mine);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /**
   * Runs `task` once it holds the locks of every key of `keys` (each taken as with {@link KeyedLock.run}). Callers
   * holding several keys at once must hold disjoint sets, or one key at a time elsewhere, so that none waits for
   * another in a cycle.
   */
  async runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    // none of them held or awaited (a background batch's devices, mostly): all taken at once, with one tail
    if (!unique.some((key) => this.tails.has(key))) return this.runFree(unique, task);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const acquired = unique.map(
      (key) =>
        new Promise<void>((taken) => {
          void this.run(key, () => {
            taken();
            return gate;
          });
        }),
    );
    await Promise.all(acquired);
    try {
      return await task();
    } finally {
      open();
    }
  }

  /**
   * Runs `task` holding the free keys `keys` (none running or awaited): what {@link KeyedLock.run} per key would do,
   * without its promises per key (a CPU profile of a 10,000-device reconfigure: 0.16-0.18 s of the serving thread in
   * `runAll`, most of it those promises).
   */
  private async runFree<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    this.tasks += keys.length;
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    for (const key of keys) this.tails.set(key, tail);
    try {
      return await task();
    } finally {
      release();
      for (const key of keys) if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
