/**
 * Worker threads that configure devices for the background reconfigurer, so that the main thread keeps serving
 * phones while thousands of devices are rendered: each thread loads its own instance of a plugin from the plugin's
 * folder and runs `configure` (templates and file writes) for the devices it is sent.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Device, RawConfig } from '@provd/sdk';
import type { RenderPluginSpec, RenderReply, RenderRequest, RenderResult } from './render-protocol';

/** Options of {@link RenderThreads.create}. */
export interface RenderThreadsOptions {
  /** How many threads (0: none, configure in the main thread). @defaultValue the cores but one, 1 or 2 */
  threads?: number;
  /** Receives the lines the threads' plugins log and thread failures. */
  log?: (line: string) => void;
  /** The built render thread code. @defaultValue `render-worker.js` beside this module (the host's `dist/`) */
  workerFile?: URL;
  /**
   * The most a thread's heap may hold (MB): its old generation (V8 also collects early under a lower limit). A thread
   * that outgrows it stops, and its pending requests fail. @defaultValue 96
   */
  heapMb?: number;
  /**
   * The node options a thread starts with; those a thread cannot take (per-process ones such as `--trace-gc`) make
   * it start with none. @defaultValue `process.execArgv` without its resolution conditions
   */
  execArgv?: readonly string[];
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (results: RenderResult[]) => void; reject: (err: Error) => void }>;
}

/** The built render thread, beside this module in `dist/` (absent when the host runs from its TypeScript sources). */
const WORKER_FILE = new URL('./render-worker.js', import.meta.url);

/**
 * The young generation of a render thread, in MB: V8's default grows to ~48 MB while templates are rendered (measured:
 * ~25 MB more RSS per thread, at the same rate).
 */
const YOUNG_GENERATION_MB = 4;

/** `execArgv` without its resolution conditions (`--conditions x`, `--conditions=x`, `-C x`). */
function withoutConditions(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=')) out.push(arg);
  }
  return out;
}

/**
 * A small pool of render threads. Requests go to the thread with the fewest pending ones; a thread that dies fails
 * its pending requests (the caller's batch then stops and resumes later) and is replaced at the next request.
 */
export class RenderThreads {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly size: number,
    private readonly file: URL,
    private readonly log: (line: string) => void,
    private readonly heapMb: number,
    private readonly execArgv: readonly string[],
  ) {}

  /** A pool, or `undefined` when there is no render thread code (sources) or `threads` is 0. */
  static create(options: RenderThreadsOptions = {}): RenderThreads | undefined {
    // a core is left to the serving thread; more than two threads writing into one plugin folder only wait for each
    // other on the folder's lock (measured: two threads on two cores render slower than one)
    const size = options.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    const file = options.workerFile ?? WORKER_FILE;
    if (size <= 0 || !existsSync(fileURLToPath(file))) return undefined;
    return new RenderThreads(size, file, options.log ?? (() => {}), options.heapMb ?? 96, options.execArgv ?? withoutConditions(process.execArgv));
  }

  /** Configures `devices` (each with the index of its raw config in `raws`) with the plugin of `spec` in a thread. */
  configure(spec: RenderPluginSpec, raws: RawConfig[], devices: { device: Device; raw: number }[]): Promise<RenderResult[]> {
    return this.request((id) => ({ type: 'configure', id, spec, raws, devices }));
  }

  /** Closes the threads' instances of plugin `id` (uninstalled: nothing configures with it any more). */
  forget(id: string): void {
    for (const t of this.threads) t.worker.postMessage({ type: 'forget', plugin: id } satisfies RenderRequest);
  }

  private request(make: (id: number) => RenderRequest): Promise<RenderResult[]> {
    if (this.closed) return Promise.reject(new Error('the render threads are closed'));
    const thread = this.pick();
    const id = this.nextId++;
    return new Promise<RenderResult[]>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage(make(id));
    });
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

  /**
   * A worker with the parent's node options (e.g. a profiler's), or with none when a thread cannot take them
   * (per-process options such as `--trace-gc`: the thread would never start, and nothing could be rendered there).
   */
  private newWorker(): Worker {
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: this.heapMb };
    try {
      return new Worker(this.file, { execArgv: [...this.execArgv], resourceLimits });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
      return new Worker(this.file, { execArgv: [], resourceLimits });
    }
  }

  private spawn(): Thread {
    // built code: a `source` resolution condition of the parent (a test runner's) would point it at TypeScript
    const worker = this.newWorker();
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
