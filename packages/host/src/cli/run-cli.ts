import { cac } from 'cac';
import { createProvdError, isProvdError, type ProvdError } from '@provd/sdk';
import { VERSION } from '../index';
import type { CliCommand, CliIo } from './command';
import { keepStrings } from './keep-strings';
import { hostError } from '../errors';

/** Exit status of a successful command. */
export const EXIT_OK = 0;
/** Exit status of a user error (bad input, refused operation). */
export const EXIT_USER_ERROR = 1;
/** Exit status of bad usage (unknown command or option, missing argument). */
export const EXIT_USAGE = 2;

/** Turns anything thrown by a command into the `ProvdError` the runner prints. */
function toProvdError(err: unknown): ProvdError {
  if (isProvdError(err)) return err;
  if (err instanceof Error && err.name === 'CACError') return hostError('PROVD_CLI_USAGE', { problem: err.message });
  const what = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return createProvdError('PROVD_INTERNAL', { what }, { cause: err });
}

/** Prints `err` as the one line `provd: <CODE>: <message>` and returns the exit status it calls for. */
export function reportCliError(io: CliIo, err: unknown): number {
  const error = toProvdError(err);
  io.stderr.write(`provd: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return error.code === 'PROVD_CLI_USAGE' || error.code === 'PROVD_CLI_UNKNOWN_COMMAND' ? EXIT_USAGE : EXIT_USER_ERROR;
}

/**
 * Runs the `provd` command line over `argv` (as in `process.argv`: node, script, then the arguments) with the
 * given commands, and resolves to the exit status: 0 ok, 1 user error, 2 bad usage.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv, commands, { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runCli(argv: readonly string[], commands: readonly CliCommand[], io: CliIo): Promise<number> {
  const cli = cac('provd');
  for (const command of commands) command.register(cli, io);
  cli.help();
  cli.version(VERSION);
  try {
    const parsed = cli.parse([...argv], { run: false });
    if (parsed.options.help || parsed.options.version) return EXIT_OK;
    if (!cli.matchedCommand) {
      const name = parsed.args[0];
      if (name === undefined) {
        cli.outputHelp();
        return EXIT_USAGE;
      }
      throw hostError('PROVD_CLI_UNKNOWN_COMMAND', { command: name });
    }
    keepStrings(cli);
    await cli.runMatchedCommand();
    return EXIT_OK;
  } catch (err) {
    return reportCliError(io, err);
  }
}
