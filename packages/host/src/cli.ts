import { commands, runCli } from './cli/index';

const code = await runCli(process.argv, commands, { stdout: process.stdout, stderr: process.stderr });
// Exit now: a command is over when runCli resolves (a stopped `provd serve` must not wait on a plugin's timer).
process.stdout.write('', () => process.exit(code));
