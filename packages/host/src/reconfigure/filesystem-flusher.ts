import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The most a filesystem flush may take before it counts as failed, in ms. */
export const FLUSH_TIMEOUT_MS = 120_000;

/**
 * The helper: one `sync -f` per folder read on stdin (a line each), answered with one line each, `ok` or `failed`
 * and what `sync` said.
 */
const HELPER_SCRIPT = `while IFS= read -r d; do
  if out=$(sync -f -- "$d" 2>&1); then echo ok; else echo "failed $(printf '%s' "$out" | tr '\\n' ' ')"; fi
done`;

/** Whether the helper (its process and pipes) keeps the event loop running: while a flush waits on it. */
function hold(helper: Helper, on: boolean): void {
  const { child } = helper;
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) {
    if (on) handle.ref?.();
    else handle.unref?.();
  }
}

interface Helper {
  child: ChildProcessWithoutNullStreams;
  /** The answers awaited, in the order their folders were sent. */
  waiting: ((answer: string | Error) => void)[];
}

/**
 * Flushes filesystems (`sync -f`, i.e. syncfs of each folder's filesystem) through one small helper shell, started at
 * the first flush and kept: a flush is a line to it, so the host process itself is not forked for every batch. A fork
 * of a process of a few hundred MB copies its page tables with its memory map locked, and the serving thread's page
 * faults wait meanwhile (on a loaded machine, for as long as the forking thread waits for a CPU).
 *
 * @example
 * ```ts
 * const flusher = new FilesystemFlusher();
 * const err = await flusher.flush([plugin.tftpbootDir]); // undefined once the files written there are on disk
 * flusher.close();
 * ```
 */
export class FilesystemFlusher {
  private helper: Helper | undefined;
  private closed = false;

  /** Flushes the filesystems of `folders`; resolves to the error, if any (the helper is started again next time). */
  async flush(folders: readonly string[]): Promise<Error | undefined> {
    if (this.closed) return new Error('the filesystem flusher is closed');
    const odd = folders.find((f) => f.includes('\n'));
    if (odd !== undefined) return new Error(`cannot flush a folder whose name holds a line break: ${JSON.stringify(odd)}`);
    if (folders.length === 0) return undefined;
    const helper = this.running();
    const answers = folders.map(
      (folder) =>
        new Promise<string | Error>((resolve) => {
          helper.waiting.push(resolve);
          helper.child.stdin.write(`${folder}\n`);
        }),
    );
    hold(helper, true);
    const timer = setTimeout(() => this.stop(helper, new Error(`sync -f took more than ${FLUSH_TIMEOUT_MS / 1000} s`)), FLUSH_TIMEOUT_MS);
    try {
      for (const [i, answer] of (await Promise.all(answers)).entries()) {
        if (answer instanceof Error) return answer;
        if (answer !== 'ok') return new Error(`sync -f ${folders[i]}: ${answer.replace(/^failed ?/, '').trim() || 'failed'}`);
      }
      return undefined;
    } finally {
      clearTimeout(timer);
      if (helper.waiting.length === 0) hold(helper, false);
    }
  }

  /** Stops the helper (a pending flush fails). */
  close(): void {
    this.closed = true;
    if (this.helper) this.stop(this.helper, new Error('the filesystem flusher is closed'));
  }

  private running(): Helper {
    if (this.helper) return this.helper;
    const child = spawn('sh', ['-c', HELPER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const helper: Helper = { child, waiting: [] };
    this.helper = helper;
    createInterface({ input: child.stdout }).on('line', (line) => helper.waiting.shift()?.(line));
    child.stderr.resume();
    child.on('error', (err) => this.stop(helper, new Error(`the flush helper (sh) failed: ${err.message}`)));
    child.on('exit', (code, signal) => this.stop(helper, new Error(`the flush helper (sh) exited (${signal ?? code})`)));
    child.stdin.on('error', () => {}); // the helper's exit says why
    // idle, it keeps nothing running (nor does it outlive the host: its stdin ends with it)
    hold(helper, false);
    return helper;
  }

  private stop(helper: Helper, err: Error): void {
    if (this.helper === helper) this.helper = undefined;
    for (const answer of helper.waiting.splice(0)) answer(err);
    if (helper.child.exitCode === null && helper.child.signalCode === null) helper.child.kill('SIGKILL');
  }
}
