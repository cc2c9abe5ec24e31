import type { Server } from 'node:http';

/** Starts `server` on `port` and `host`; rejects with the listen error (port in use, no right to bind). */
export function listenServer(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Stops `server` from accepting connections and closes it: idle connections at once, connections with a request in
 * flight when their response ends or after `drainMs` (default 0: at once), whichever comes first.
 */
export function closeServer(server: Server, drainMs = 0): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    if (drainMs <= 0) server.closeAllConnections();
    else {
      server.closeIdleConnections();
      // a keep-alive connection whose response ended becomes idle: close it then rather than at the deadline
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.once('close', () => clearInterval(sweep));
      sweep.unref();
    }
  });
}
