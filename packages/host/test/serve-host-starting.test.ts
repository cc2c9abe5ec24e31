import { Socket } from 'node:dgram';
import { createServer } from 'node:net';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../src/app/serve-host';

// A request that reaches the HTTP server while the host is still starting (TFTP binding, plugins loading) gets
// "503 starting, try again", never a 500 from a closure that reads the application before it exists.

let dir: TestDir | undefined;
let host: RunningHost | undefined;
const realBind = Socket.prototype.bind;
afterEach(async () => {
  Socket.prototype.bind = realBind;
  await host?.close();
  await dir?.cleanup();
  host = undefined;
  dir = undefined;
});

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fetches `url` until the server accepts the connection; resolves to the first answer. */
async function firstAnswer(url: string): Promise<{ status: number; body: string }> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url);
      return { status: res.status, body: await res.text() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`${url} never answered`);
}

describe('provd serve while starting', () => {
  it('answers an HTTP request that arrives while TFTP binds with 503, then serves normally', async () => {
    dir = await testdir({});
    // Hold every UDP bind (the TFTP server's) until the test has had its answer: the HTTP server is up meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    Socket.prototype.bind = function (this: Socket, ...args: unknown[]) {
      void gate.then(() => (realBind as (...a: unknown[]) => Socket).apply(this, args));
      return this;
    } as typeof Socket.prototype.bind;
    const httpPort = await freeTcpPort();
    const starting = startHost({ pluginsDir: dir.join('plugins'), dataDir: dir.join('data'), httpPort, tftpPort: 0, apiPort: 0, sync: 'none', log: () => undefined });
    const early = await firstAnswer(`http://127.0.0.1:${httpPort}/000fd3054848.cfg`);
    release();
    host = await starting;
    expect(early.status).toBe(503);
    expect(early.body).toContain('starting');
    expect((await fetch(`http://127.0.0.1:${httpPort}/000fd3054848.cfg`)).status).toBe(404);
  });
});
