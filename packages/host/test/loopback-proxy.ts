import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A forwarding HTTP proxy on loopback that records every request it receives. */
export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>` (the `http_proxy` form). */
  url: string;
  /** `127.0.0.1:<port>` (the `https_proxy` form). */
  hostPort: string;
  /** Every request received, as `METHOD target` (`GET http://host/path`, `CONNECT host:port`), in order. */
  seen: string[];
  /** The `Proxy-Authorization` headers received, in order (absent ones left out). */
  authorizations: string[];
  close(): Promise<void>;
}

const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';

/**
 * Starts a real forwarding proxy: absolute-URI requests (`GET http://...`) are forwarded and `CONNECT` opens a
 * tunnel, both only to loopback targets (the tests have no other network); any other target gets 404 (`CONNECT`:
 * 502), still recorded, so a test sees that a download for the outside world was sent through the proxy.
 */
export async function startLoopbackProxy(): Promise<LoopbackProxy> {
  const seen: string[] = [];
  const authorizations: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization']);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      return void res.writeHead(400).end('absolute URI expected');
    }
    // 404, not a 5xx the downloaders would retry: the test network has nothing outside loopback
    if (target.protocol !== 'http:' || !isLoopback(target.hostname)) return void res.writeHead(404).end(`${target.host} is outside the test network`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = request({ host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(err.message));
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization']);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    if (!isLoopback(host)) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    seen,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
