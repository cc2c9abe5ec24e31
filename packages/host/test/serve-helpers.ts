import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

/** Runs a command and returns its exit code, stdout and stderr (never rejects). */
export async function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : undefined,
      timeout: options.timeoutMs ?? 30_000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A raw UDP client that queues the datagrams it receives, for protocol tests. */
export class UdpClient {
  private readonly queue: { msg: Buffer; port: number }[] = [];
  private waiters: (() => void)[] = [];
  readonly socket: Socket;

  constructor() {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      this.queue.push({ msg, port: rinfo.port });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async bind(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
  }

  send(msg: Uint8Array, port: number): void {
    this.socket.send(msg, port, '127.0.0.1');
  }

  /** The next datagram received (waits up to `ms`, then rejects). */
  async next(ms = 10_000): Promise<{ msg: Buffer; port: number }> {
    const deadline = Date.now() + ms;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no datagram received');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.shift()!;
  }

  close(): void {
    this.socket.close();
  }
}

/** Sets the environment variable `name` to `value` for the rest of this test file (restored when it ends). */
export function setEnvForFile(name: string, value: string): void {
  const before = process.env[name];
  process.env[name] = value;
  afterAll(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}
