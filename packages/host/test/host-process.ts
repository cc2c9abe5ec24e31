/** Runs the real `provd` executable (packages/host/bin/provd.js) as a child process, as a supervisor would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `provd` executable an operator puts on PATH. */
export const PROVD_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'provd.js');

/** A running `provd` child process. */
export interface HostProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  out: { stdout: string; stderr: string };
  /** Resolves to the exit code (or the signal's name) once the process ended. */
  exited: Promise<number | string>;
}

/** Starts `[prefix...] node provd.js <args>` with `env` added to the environment. */
export function startProvd(args: readonly string[], options: { env?: Record<string, string>; prefix?: readonly string[] } = {}): HostProcess {
  const command = [...(options.prefix ?? []), process.execPath, PROVD_BIN, ...args];
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out.stdout += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (out.stderr += t));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, out, exited };
}

/** Waits until `test()` holds (polling), or throws after `ms` with `what` and the process output. */
export async function until(what: string, test: () => boolean | Promise<boolean>, ms = 20_000, proc?: HostProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${proc ? `\nstdout: ${proc.out.stdout}\nstderr: ${proc.out.stderr}` : ''}`);
}

/** Starts `provd serve --json ...` and resolves once it printed its ports. */
export async function serveProvd(args: readonly string[], options: { env?: Record<string, string>; prefix?: readonly string[] } = {}): Promise<HostProcess & { ports: Record<string, number> }> {
  const proc = startProvd(['serve', '--json', '--ops-port', '0', ...args], options);
  let ended: number | string | undefined;
  void proc.exited.then((code) => (ended = code));
  await until('the ports on stdout', () => proc.out.stdout.includes('\n') || ended !== undefined, 30_000, proc);
  if (ended !== undefined) throw new Error(`provd serve exited with ${ended}: ${proc.out.stderr}`);
  return { ...proc, ports: JSON.parse(proc.out.stdout.split('\n')[0]!) as Record<string, number> };
}
