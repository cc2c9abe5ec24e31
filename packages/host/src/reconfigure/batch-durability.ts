import { execFile } from 'node:child_process';
import type { RenderThreads } from './render-threads';

/** The most a filesystem flush may take before it counts as failed, in ms. */
export const FLUSH_TIMEOUT_MS = 120_000;

/** Runs `sync -f folders...` (syncfs of each folder's filesystem) in a child process; resolves to its error, if any. */
export function syncFilesystems(folders: readonly string[]): Promise<Error | undefined> {
  return new Promise((resolve) => execFile('sync', ['-f', ...folders], { timeout: FLUSH_TIMEOUT_MS }, (err) => resolve(err ?? undefined)));
}

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

  /** Flushes through `threads` (off the main thread: a spawn copies the process's page tables) when given. */
  constructor(private readonly threads?: RenderThreads) {}

  /** Whether writes under `folder` may skip their fsyncs (tells whether `sync -f` works, tried once). */
  async deferred(folder: string): Promise<boolean> {
    this.probe ??= syncFilesystems([folder]).then((err) => err === undefined);
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
    const err = this.threads ? await this.threads.syncFilesystems(folders) : await syncFilesystems(folders);
    if (err) {
      for (const folder of folders) this.dirty.add(folder);
      throw new Error(`could not flush the files written under ${folders.join(', ')} to the disk (sync -f): ${err.message}`);
    }
  }
}
