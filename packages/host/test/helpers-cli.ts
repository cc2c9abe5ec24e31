/** Runs the `provd` command line in-process with captured output, for the host's CLI tests. */
import { commands, runCli } from '../src/cli/index';

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `provd <args>` in this process. */
export async function provd(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  };
  const code = await runCli(['node', 'provd', ...args], commands, io);
  return { code, stdout, stderr };
}

/** Parses the one JSON document a `--json` run printed. */
export function jsonOf(run: CliRun): unknown {
  expectOneLine(run.stdout);
  return JSON.parse(run.stdout);
}

function expectOneLine(text: string): void {
  if (!text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) throw new Error(`expected one JSON line on stdout, got ${JSON.stringify(text)}`);
}
