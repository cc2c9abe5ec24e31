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

/** Connections a server serves besides the ones Node's HTTP server tracks (the fast path's). */
export interface OtherConnections {
  /** Closes every connection now. */
  closeAll(): void;
  /** Closes the connections with no request being answered. */
  closeIdle(): void;
}

/**
 * Stops `server` from accepting connections and closes it: idle connections at once, connections with a request in
 * flight when their response ends or after `drainMs` (default 0: at once), whichever comes first. `others` are
 * closed alike.
 */
export function closeServer(server: Server, drainMs = 0, others?: OtherConnections): Promise<void> {
  return new Promise<void>((resolve) => {
    const closeAll = () => (server.closeAllConnections(), others?.closeAll());
    const closeIdle = () => (server.closeIdleConnections(), others?.closeIdle());
    const timer = setTimeout(closeAll, drainMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    if (drainMs <= 0) closeAll();
    else {
      closeIdle();
      // a keep-alive connection whose response ended becomes idle: close it then rather than at the deadline
      const sweep = setInterval(closeIdle, 50);
      server.once('close', () => clearInterval(sweep));
      sweep.unref();
    }
  });
}
