import { sizeThreadPool } from './cli/threadpool';
import { commands, runCli } from './cli/index';

sizeThreadPool();
process.exitCode = await runCli(process.argv, commands, { stdout: process.stdout, stderr: process.stderr });
