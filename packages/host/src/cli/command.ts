import type { CAC } from 'cac';

/** Where a command writes: the process streams, or buffers in tests. */
export interface CliIo {
  /** Results: `--json` documents and listings. */
  stdout: { write(text: string): unknown };
  /** Errors and progress; progress only when `isTTY` is true. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * One `provd` sub-command: it declares its name, arguments and options on the cac instance and its action, an async
 * function that writes through `io` and throws a `ProvdError` on a user error (the runner prints it and exits 1;
 * `PROVD_CLI_USAGE` exits 2).
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   register(cli, io) {
 *     cli.command('hello <name>', 'Greets').option('--json', 'Print JSON').action(async (name: string) => {
 *       io.stdout.write(`hello ${name}\n`);
 *     });
 *   },
 * };
 * ```
 */
export interface CliCommand {
  /** Declares the command on `cli`. */
  register(cli: CAC, io: CliIo): void;
}

/**
 * Writes exactly one JSON document (and a newline) on stdout, as every `--json` output does.
 *
 * @example
 * ```ts
 * writeJson(io, { devices: 1, files: ['Digium/000fd3054848.cfg'], seconds: 0.02 });
 * ```
 */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}
