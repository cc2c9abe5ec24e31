import { FilesystemFlusher } from './filesystem-flusher';

/**
 * Durability of background batches: the files of a batch are written without an fsync each (`withoutFsync`, or a
 * render thread writing with durability `none`), then the filesystem of every folder written is flushed once
 * (`sync -f`, i.e. syncfs) before the batch is recorded done. A crash before that record resumes before the batch,
 * so every file it may have lost is written again; the acknowledged change itself is in the store's journal.
 * Where `sync -f` does not work, files are fsynced one by one as before ({@link BatchDurability.deferred} is false).
 */
export class BatchDurability {
  private readonly dirty = new Set<string>();
  private probe: Promise<boolean> | undefined;

  /** Flushes through `flusher` (a helper process: the host is not forked for each flush). */
  constructor(private readonly flusher = new FilesystemFlusher()) {}

  /** Whether writes under `folder` may skip their fsyncs (tells whether `sync -f` works, tried once). */
  async deferred(folder: string): Promise<boolean> {
    this.probe ??= this.flusher.flush([folder]).then((err) => err === undefined);
    return this.probe;
  }

  /** Records that files were written under `folder` without their fsyncs. */
  track(folder: string): void {
    this.dirty.add(folder);
  }

  /** Flushes every folder tracked since the last call; throws when that fails (the batch must not be recorded done). */
  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const folders = [...this.dirty];
    this.dirty.clear();
    const err = await this.flusher.flush(folders);
    if (err) {
      for (const folder of folders) this.dirty.add(folder);
      throw new Error(`could not flush the files written under ${folders.join(', ')} to the disk (sync -f): ${err.message}`);
    }
  }

  /** Stops the flush helper (a later flush fails). */
  close(): void {
    this.flusher.close();
  }
}
