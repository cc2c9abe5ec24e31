import { cac } from 'cac';
import { VERSION } from '../version';
import { registerBuild } from './commands/build';
import { registerBundle } from './commands/bundle';
import { registerCheck } from './commands/check';
import { registerDev } from './commands/dev';
import { registerKeygen } from './commands/keygen';
import { registerPromote } from './commands/promote';
import { registerReindex } from './commands/reindex';
import { EXIT_USAGE, EXIT_USER_ERROR, printError } from './output';

/**
 * Runs the `provd-build` command line on `argv` (as `process.argv`) and resolves to the exit status.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const cli = cac('provd-build');
  let exit = 0;
  const setExit = (code: number): void => {
    exit = code;
  };
  registerBuild(cli, setExit);
  registerCheck(cli, setExit);
  registerReindex(cli, setExit);
  registerPromote(cli, setExit);
  registerBundle(cli, setExit);
  registerKeygen(cli, setExit);
  registerDev(cli, setExit);
  cli.help();
  cli.version(VERSION);
  try {
    const parsed = cli.parse([...argv], { run: false });
    if (parsed.options.help || parsed.options.version) return 0;
    if (!cli.matchedCommand) {
      const name = cli.args[0];
      process.stderr.write(`provd: ${name === undefined ? 'missing command' : `unknown command ${JSON.stringify(name)}`}; run "provd-build --help"\n`);
      return EXIT_USAGE;
    }
    await cli.runMatchedCommand();
    return exit;
  } catch (err) {
    if (err instanceof Error && err.name === 'CACError') {
      process.stderr.write(`provd: ${err.message}; run "provd-build --help"\n`);
      return EXIT_USAGE;
    }
    printError(err);
    return EXIT_USER_ERROR;
  }
}
