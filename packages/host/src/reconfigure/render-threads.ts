/**
 * Worker threads that configure devices for the background reconfigurer, so that the main thread keeps serving
 * phones while thousands of devices are rendered: each thread loads its own instance of a plugin from the plugin's
 * folder and runs `configure` (templates and file writes) for the devices it is sent.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Device, RawConfig } from '@provd/sdk';
import type { RenderPluginSpec, RenderReply, RenderRequest, RenderResult } from './render-protocol';

/** Options of {@link RenderThreads.create}. */
export interface RenderThreadsOptions {
  /** How many threads (0: none, configure in the main thread). @defaultValue the cores but one, 1 to 4 */
  threads?: number;
  /** Receives the lines the threads' plugins log and thread failures. */
  log?: (line: string) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (results: RenderResult[]) => void; reject: (err: Error) => void }>;
}

/** The built render thread, beside this module in `dist/` (absent when the host runs from its TypeScript sources). */
const WORKER_FILE = new URL('./render-worker.js', import.meta.url);

/** Runs `sync -f folder` (syncfs: every written file of the folder's filesystem reaches the disk); resolves to whether it worked. */
function syncFilesystem(folder: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sync', ['-f', folder], { timeout: 120_000 }, (err) => resolve(!err)));
}

/**
 * A small pool of render threads. Requests go to the thread with the fewest pending ones; a thread that dies fails
 * its pending requests (the caller's batch then stops and resumes later) and is replaced at the next request.
 *
 * Durability: the threads write without an fsync per file; {@link RenderThreads.makeDurable} then flushes the
 * filesystem of every tftpboot folder written since the last call once (`sync -f`, i.e. syncfs), before the caller
 * records the batch as done. Where that is not available, the threads fsync every file as the main thread does.
 */
export class RenderThreads {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closed = false;
  private readonly dirty = new Set<string>();
  private syncfs: Promise<boolean> | undefined;

  private constructor(
    private readonly size: number,
    private readonly log: (line: string) => void,
  ) {}

  /** A pool, or `undefined` when there is no render thread code (sources) or `threads` is 0. */
  static create(options: RenderThreadsOptions = {}): RenderThreads | undefined {
    const size = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    if (size <= 0 || !existsSync(fileURLToPath(WORKER_FILE))) return undefined;
    return new RenderThreads(size, options.log ?? (() => {}));
  }

  /**
   * How the threads write: `none` (no fsync per file; {@link RenderThreads.makeDurable} flushes each batch) when
   * `sync -f` works on `folder`, else `fsync`. Tried once.
   */
  async durabilityFor(folder: string, wanted: 'fsync' | 'none'): Promise<'fsync' | 'none'> {
    if (wanted === 'none') return 'none';
    this.syncfs ??= syncFilesystem(folder);
    return (await this.syncfs) ? 'none' : 'fsync';
  }

  /** Configures `devices` (each with the index of its raw config in `raws`) with the plugin of `spec` in a thread. */
  configure(spec: RenderPluginSpec, raws: RawConfig[], devices: { device: Device; raw: number }[], tftpbootDir: string): Promise<RenderResult[]> {
    if (this.closed) return Promise.reject(new Error('the render threads are closed'));
    if (spec.writeDurability === 'none') this.dirty.add(tftpbootDir);
    const thread = this.pick();
    const id = this.nextId++;
    return new Promise<RenderResult[]>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ type: 'configure', id, spec, raws, devices } satisfies RenderRequest);
    });
  }

  /** Flushes what the threads wrote since the last call to the disk (see the class). */
  async makeDurable(): Promise<void> {
    const folders = [...this.dirty];
    this.dirty.clear();
    const failed: string[] = [];
    await Promise.all(folders.map(async (folder) => (await syncFilesystem(folder)) || failed.push(folder)));
    if (failed.length > 0) throw new Error(`could not flush the files written under ${failed.join(', ')} to the disk (sync -f failed)`);
  }

  /** Closes each thread's instance of plugin `plugin` loaded with `key` or before. */
  unload(plugin: string, key: number): void {
    for (const t of this.threads) t.worker.postMessage({ type: 'unload', plugin, key } satisfies RenderRequest);
  }

  /** Stops every thread (pending requests fail). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
  }

  private pick(): Thread {
    let best: Thread | undefined;
    for (const t of this.threads) if (!best || t.pending.size < best.pending.size) best = t;
    if (best && (best.pending.size === 0 || this.threads.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Thread {
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: RenderReply) => {
      if (reply.type === 'log') return this.log(reply.line);
      const job = thread.pending.get(reply.id);
      if (!job) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if (reply.type === 'configured') job.resolve(reply.results);
      else job.reject(new Error(`render thread: ${reply.reason}`));
    });
    const fail = (err: Error) => {
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      if (!this.closed) this.log(`reconfigure: a render thread stopped: ${err.message}`);
      for (const job of thread.pending.values()) job.reject(new Error(`the render thread stopped: ${err.message}`));
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}
