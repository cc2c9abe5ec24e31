import type { CliIo } from './command';

/**
 * A progress line on stderr, drawn only when stderr is a terminal (and at most every 100 ms); `done()` clears it.
 *
 * @example
 * ```ts
 * const progress = createProgress(io, 'rendering');
 * progress.update(10, 5000);
 * progress.done();
 * ```
 */
export function createProgress(io: CliIo, label: string): { update(done: number, total: number): void; done(): void } {
  if (!io.stderr.isTTY) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      drawn = true;
      io.stderr.write(`\r${label} ${done}/${total}`);
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
    },
  };
}
