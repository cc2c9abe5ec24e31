import type { CliCommand } from './command';
import { firmwareCommand } from './commands/firmware';
import { identifyCommand } from './commands/identify';
import { importCommand } from './commands/import';
import { installCommand } from './commands/install';
import { listCommand } from './commands/list';
import { renderCommand } from './commands/render';
import { serveCommand } from './commands/serve';
import { uninstallCommand } from './commands/uninstall';

export type { CliCommand, CliIo } from './command';
export { writeJson } from './command';
export { EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, reportCliError, runCli } from './run-cli';

/** Every `provd` command, one line each. */
export const commands: readonly CliCommand[] = [
  renderCommand,
  identifyCommand,
  installCommand,
  uninstallCommand,
  listCommand,
  firmwareCommand,
  serveCommand,
  importCommand,
];
