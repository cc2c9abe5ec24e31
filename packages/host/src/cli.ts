import { commands, runCli } from './cli/index';

process.exitCode = await runCli(process.argv, commands, { stdout: process.stdout, stderr: process.stderr });
