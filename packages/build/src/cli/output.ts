import { createProvdError, isProvdError } from '@provd/sdk';
import type { BuildReporter } from '../build/types';

/** Exit status of a successful command. */
export const EXIT_OK = 0;
/** Exit status of a user error (bad input). */
export const EXIT_USER_ERROR = 1;
/** Exit status of bad usage (unknown option, missing argument). */
export const EXIT_USAGE = 2;

/** Prints one error as the one line `provd: <CODE>: <message>` on stderr (anything else as `PROVD_INTERNAL`). */
export function printError(err: unknown): void {
  const error = isProvdError(err) ? err : createProvdError('PROVD_INTERNAL', { what: err instanceof Error ? err.message : String(err) }, { cause: err });
  process.stderr.write(`provd: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
}

/** A reporter printing progress on one self-erasing line when stderr is a terminal, and warnings always. */
export function terminalReporter(): BuildReporter & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const clear = (): void => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    progress(message) {
      if (!tty) return;
      clear();
      const columns = process.stderr.columns ?? 0;
      process.stderr.write(columns > 20 ? message.slice(0, columns - 1) : message);
      shown = true;
    },
    warn(message) {
      clear();
      process.stderr.write(`provd: warning: ${message}\n`);
    },
    done: clear,
  };
}

/** Prints one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
