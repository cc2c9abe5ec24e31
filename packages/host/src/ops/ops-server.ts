import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenServer } from '../http/listen';
import type { HostMetrics } from './host-metrics';

/** What `GET /ready` reports. */
export interface Readiness {
  /** Plugin loading finished; the ids loaded and those that failed. */
  plugins: { loaded: boolean; ids: string[]; failed: { id: string; error: string }[] };
  /** Each server (http, tftp, api, https) and whether it is bound. */
  servers: Record<string, boolean>;
  /** A stop is under way. */
  stopping?: boolean;
}

/** Options of {@link OpsServer}. */
export interface OpsServerOptions {
  /** Address to listen on. @defaultValue "127.0.0.1" */
  host?: string;
  /** Port (0: any free one). @defaultValue 8668 */
  port?: number;
  /** The metrics `/metrics` serves. */
  metrics: HostMetrics;
  /** The current readiness. */
  readiness: () => Readiness;
}

/** Whether `r` means the host serves phones: plugins loaded and every server bound. */
export function isReady(r: Readiness): boolean {
  return r.plugins.loaded && !r.stopping && Object.values(r.servers).every(Boolean);
}

/** The endpoints {@link opsHandler} answers. */
export type OpsEndpoint = '/health' | '/ready' | '/metrics';

/**
 * A request handler for the health and metrics endpoints: `GET /health` (200 `{"status": "ok"}` once plugins are
 * loaded and every server is bound, 503 `{"status": "starting"}` before and `"stopping"` during a stop: a process
 * that answers at all is alive), `GET /ready` (the same status with the details: plugins loaded and failed, each
 * server) and `GET /metrics` (Prometheus text format). It returns whether it answered (`false` for other paths).
 */
export function opsHandler(
  options: Pick<OpsServerOptions, 'metrics' | 'readiness'>,
  endpoints: readonly OpsEndpoint[] = ['/health', '/ready', '/metrics'],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as OpsEndpoint;
    if (!endpoints.includes(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    const json = (status: number, body: unknown) => {
      const text = `${JSON.stringify(body)}\n`;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.metrics.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: Error) => json(500, { error: err.message }),
      );
      return true;
    }
    const readiness = options.readiness();
    const ready = isReady(readiness);
    const status = ready ? 'ok' : readiness.stopping ? 'stopping' : 'starting';
    json(ready ? 200 : 503, path === '/health' ? { status } : { status, ready, plugins: readiness.plugins, servers: readiness.servers });
    return true;
  };
}

/**
 * The health and metrics listener, apart from the phones' listeners and the API: {@link opsHandler}'s endpoints,
 * 404 for anything else. It binds first and closes last, so a supervisor sees the start-up and the stop.
 */
export class OpsServer {
  private readonly server: Server;

  /** Creates the listener; call {@link OpsServer.start}. */
  constructor(private readonly options: OpsServerOptions) {
    const handle = opsHandler(options);
    this.server = createServer((req, res) => {
      if (handle(req, res)) return;
      const text = '{"error":"not found: the paths are /health, /ready and /metrics"}\n';
      res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    });
  }

  /** The port listened on. */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port ?? 8668;
  }

  /** Starts listening. */
  start(): Promise<void> {
    return listenServer(this.server, this.options.port ?? 8668, this.options.host ?? '127.0.0.1');
  }

  /** Stops listening. */
  close(): Promise<void> {
    return closeServer(this.server);
  }
}
