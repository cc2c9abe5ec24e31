import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot, untilUdpBound } from '@provd/test-utils';
import { expect } from 'vitest';
import { serveCommand } from '../src/cli/commands/serve';
import { runCli } from '../src/cli/run-cli';
import { run } from './serve-helpers';

/** A plain static file server of `root` on a free loopback port: a plugin repository as a web server holds it. */
export async function staticServer(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const file = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\.\.+/g, ''));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': info.size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Builds the Digium plugins into `out` with the build tool, as `pnpm build-plugins digium` does. */
export async function buildDigiumRepo(out: string): Promise<void> {
  const built = await run('node', [join(repoRoot, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', out], { cwd: repoRoot, timeoutMs: 240_000 });
  expect(built.code, built.stderr).toBe(0);
}

/** A `provd serve` run in this process (with `--json`), until {@link ServeRun.stop}. */
export interface ServeRun {
  /** The ports it listens on. */
  ports: { http: number; tftp: number; api: number };
  /** What it wrote on stderr so far. */
  stderr: string[];
  /** Sends SIGTERM and resolves to its exit status. */
  stop(): Promise<number>;
}

/** Starts `provd serve <args> --json` and resolves once it listens. */
export async function startServe(args: readonly string[]): Promise<ServeRun> {
  const stderr: string[] = [];
  let stdout = '';
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const io = {
    stdout: { write: (t: string) => ((stdout += t), ready(), true) },
    stderr: { write: (t: string) => (stderr.push(t), true), isTTY: false },
  };
  // the health and metrics listener on a free port too: tests run side by side
  const serving = runCli(['node', 'provd', 'serve', '--ops-port', '0', ...args, '--json'], [serveCommand], io);
  await Promise.race([started, serving.then((code) => Promise.reject(new Error(`serve exited ${code}: ${stderr.join('')}`)))]);
  return {
    ports: JSON.parse(stdout),
    stderr,
    stop: async () => {
      process.emit('SIGTERM');
      return serving;
    },
  };
}

/** Starts sipp as a UAS answering one NOTIFY on loopback `port` (messages logged to `log`); resolves once it listens, with its exit status to come. */
export async function startSippUas(cwd: string, port: number, log: string, timeout = '20s'): Promise<{ exit: Promise<number | null> }> {
  const sipp = spawn(
    'sipp',
    ['-sf', join(import.meta.dirname, 'fixtures', 'sipp', 'notify-uas.xml'), '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin',
      '-trace_msg', '-message_file', log, '-timeout', timeout],
    { cwd, stdio: 'ignore' },
  );
  const exit = new Promise<number | null>((resolve) => sipp.on('exit', (code) => resolve(code)));
  await untilUdpBound(port);
  return { exit };
}
