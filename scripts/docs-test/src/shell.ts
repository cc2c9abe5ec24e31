import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The result of one shell block. */
export interface ShellResult {
  /** The exit status (`null` when a signal ended it). */
  status: number | null;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/**
 * The lines put before every shell block: strict mode, `pnpm` as a function that runs what the root scripts
 * `build-plugins`, `provd-build` and `provd` run once the workspace is built (the test run builds it first), so that a block does
 * not rebuild every package, and `provd` as the host's executable the README puts on PATH. Any other `pnpm` command
 * fails, so a page cannot show one the test does not run.
 */
export function shellPrelude(workspace: string): string {
  const build = JSON.stringify(join(workspace, 'packages', 'build', 'dist', 'cli.js'));
  const host = JSON.stringify(join(workspace, 'packages', 'host', 'dist', 'cli.js'));
  const bin = JSON.stringify(join(workspace, 'packages', 'host', 'bin', 'provd.js'));
  return [
    'set -euo pipefail',
    'pnpm() {',
    '  case "${1-}" in',
    `    build-plugins) shift; node ${build} build "$@" ;;`,
    `    provd-build) shift; node ${build} "$@" ;;`,
    `    provd) shift; node ${host} "$@" ;;`,
    '    *) echo "docs-test: pnpm ${1-} is not supported" >&2; return 127 ;;',
    '  esac',
    '}',
    `provd() { ${bin} "$@"; }`,
    '',
  ].join('\n');
}

/** Runs a shell block with bash in `cwd` (with the `pnpm` of `workspace`) and collects its output. */
export function runShell(script: string, cwd: string, workspace: string): Promise<ShellResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', ['-c', shellPrelude(workspace) + script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
  });
}

/** A shell block running in the background (e.g. a host), stopped at the end of its page. */
export interface BackgroundShell {
  /** The first line it printed on stdout. */
  firstLine: string;
  /** Stops it (SIGTERM to its process group) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a shell block in the background and resolves once it printed a first line on stdout; rejects when it exits
 * before that or prints nothing within `timeoutMs`.
 */
export function startBackgroundShell(script: string, cwd: string, workspace: string, timeoutMs = 60_000): Promise<BackgroundShell> {
  return new Promise((resolveStart, reject) => {
    const child: ChildProcess = spawn('bash', ['-c', shellPrelude(workspace) + script], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await exited;
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the background block printed no line within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (!started && end >= 0) {
        started = true;
        clearTimeout(timer);
        resolveStart({ firstLine: stdout.slice(0, end), stop });
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the background block exited (status ${status}) before printing a line; stderr: ${stderr}`));
    });
  });
}
