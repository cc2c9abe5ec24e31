import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';

/** Appends lines to a file without blocking the event loop. */
export interface LineAppender {
  /** Queues `line` (a newline is added); lines reach the file in the order given. */
  write(line: string): void;
  /** Flushes what is queued and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens `path` for appending lines (a security log a fail2ban jail watches, say): writes are queued and written in
 * order by the event loop, never with a synchronous call on the request path. A write error goes to `onError` once;
 * later lines are dropped.
 *
 * @example
 * ```ts
 * const security = appendLines('/var/log/provd-security.log', console.error);
 * security.write('New device created automatically from 10.0.0.5');
 * await security.close();
 * ```
 */
export function appendLines(path: string, onError: (message: string) => void): LineAppender {
  const stream = createWriteStream(resolve(path), { flags: 'a' });
  let failed = false;
  stream.on('error', (err) => {
    if (failed) return;
    failed = true;
    onError(`cannot append to ${path}: ${err.message}`);
  });
  return {
    write(line) {
      if (!failed) stream.write(`${line}\n`);
    },
    close: () => new Promise<void>((done) => (failed || stream.closed ? done() : stream.end(() => done()))),
  };
}
