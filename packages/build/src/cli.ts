import { runCli } from './cli/index';

process.exitCode = await runCli(process.argv);
