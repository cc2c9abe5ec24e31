/**
 * A loopback HTTP server for the FetchFw tests: serves bytes by path, with ranges, redirects, errors and transfers cut
 * short on demand, and counts what it was asked.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface Route {
  body?: Buffer;
  status?: number;
  redirect?: string;
  /** Cut the connection after this many bytes, the first `cutTimes` times (default: always). */
  cutAt?: number;
  cutTimes?: number;
  /** Ignore Range headers. */
  noRange?: boolean;
  /** Send no Content-Length. */
  noLength?: boolean;
}

export interface TestServer {
  url(path: string): string;
  requests: Array<{ path: string; range?: string }>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const cuts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const route = routes[path];
    if (!route) return res.writeHead(404).end('not found');
    if (route.redirect) return res.writeHead(302, { location: route.redirect }).end();
    if (route.status) return res.writeHead(route.status).end('error');
    const body = route.body ?? Buffer.alloc(0);
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !route.noRange) start = Number(m[1]);
    const headers: Record<string, string | number> = route.noRange ? {} : { 'accept-ranges': 'bytes' };
    if (!route.noLength) headers['content-length'] = body.length - start;
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    const done = cuts.get(path) ?? 0;
    if (route.cutAt !== undefined && done < (route.cutTimes ?? Infinity) && start < route.cutAt) {
      cuts.set(path, done + 1);
      // A clean half-close after the bytes (not a reset, which may drop them), as a server stopping mid-transfer.
      res.write(body.subarray(start, route.cutAt), () => res.socket?.end());
      return;
    }
    res.end(body.subarray(start));
  });
  const port = await listen(server);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A minimal forward proxy for `http://` URLs (absolute-URI requests); records the URLs it forwarded. */
export async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const tunnels = new Set<Socket>();
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    tunnels.add(socket);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const t of tunnels) t.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, seen, close };
}
