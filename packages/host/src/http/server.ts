import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest } from '@provd/sdk';
import { unmapIpv4 } from './client-ip';
import { MAX_URL_LENGTH, parseRequestPath } from './request-path';
import { sendCached, sendFile } from './send-file';
import { ServedFileCache } from './served-file-cache';
import { closeServer, listenServer } from './listen';

/** A provisioning request as the router sees it. */
export interface ProvisioningHttpRequest extends HttpRequest {
  /** The percent-decoded path segments, relative to the provisioning root (URL key already removed). */
  segments: string[];
  /** The tenant of the URL key the request used, in URL-key mode. */
  tenantUuid?: string;
}

/** Where a request goes: a folder to serve the file from, or a status to answer with. */
export type HttpRoute = { root: string } | { status: number; message: string };

/** Options of {@link ProvisioningHttpServer}. */
export interface ProvisioningHttpServerOptions {
  /** Decides where each request goes (identification happens there). */
  route: (request: ProvisioningHttpRequest) => Promise<HttpRoute>;
  /** Address to listen on. @defaultValue "127.0.0.1" */
  host?: string;
  /** TCP port (0 picks a free one). @defaultValue 8667 */
  port?: number;
  /** Tells the client IP of a request (reverse-proxy rules); the socket address when absent. */
  clientIp?: (req: IncomingMessage) => string | undefined;
  /** URL-key mode: maps the first path segment to a tenant, or `undefined` for an unknown key (404). */
  urlKeyTenant?: (key: string) => string | undefined;
  /** Receives a line for each request that failed inside the host. */
  log?: (line: string) => void;
  /** The served files (shared with the TFTP server); the server makes its own, closed with it, when absent. */
  files?: ServedFileCache;
}

function plain(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * The provisioning HTTP server: GET and HEAD only, no directory listing, content types by extension, 404 for unknown
 * files, traversal (plain, encoded or absolute) refused, bounded request size, and an optional URL key per tenant.
 * Files come from a {@link ServedFileCache} (small files from memory, kept current by watching their folders) with
 * `ETag`, `Last-Modified` and conditional requests answered 304.
 */
export class ProvisioningHttpServer {
  private readonly options: ProvisioningHttpServerOptions;
  private readonly server: Server;
  private readonly files: ServedFileCache;
  private readonly ownFiles: boolean;

  /** Creates a server; call {@link ProvisioningHttpServer.start} to listen. */
  constructor(options: ProvisioningHttpServerOptions) {
    this.options = options;
    this.ownFiles = options.files === undefined;
    this.files = options.files ?? new ServedFileCache();
    this.server = createServer({ maxHeaderSize: 8192, requestTimeout: 30_000, headersTimeout: 15_000 }, (req, res) => {
      this.handle(req, res).catch((err: Error) => {
        this.options.log?.(`http: ${req.method} ${req.url}: ${err.message}`);
        plain(res, 500, 'internal processing error');
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** The port the server listens on (after {@link ProvisioningHttpServer.start}). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port ?? 8667;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    await listenServer(this.server, this.options.port ?? 8667, this.options.host ?? '127.0.0.1');
  }

  /** Stops listening and closes idle connections. */
  async close(): Promise<void> {
    await closeServer(this.server);
    if (this.ownFiles) this.files.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '';
    if (target.length > MAX_URL_LENGTH) return plain(res, 414, 'request URI too long');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(res, 405, `method "${req.method}" not allowed: provisioning files are read with GET or HEAD`, { Allow: 'GET, HEAD' });
    }
    const parsed = parseRequestPath(target);
    if (!parsed) return plain(res, 404, 'not found');
    let { path, segments } = parsed;
    let tenantUuid: string | undefined;
    if (this.options.urlKeyTenant) {
      const key = segments[0];
      tenantUuid = key === undefined ? undefined : this.options.urlKeyTenant(key);
      if (tenantUuid === undefined) return plain(res, 404, 'not found');
      segments = segments.slice(1);
      path = path.slice(path.indexOf('/', 1) < 0 ? path.length : path.indexOf('/', 1)) || '/';
    }
    const clientIp = this.options.clientIp ? this.options.clientIp(req) : req.socket.remoteAddress && unmapIpv4(req.socket.remoteAddress);
    if (!clientIp) return plain(res, 400, 'cannot tell the client address');
    const headers: Record<string, string | undefined> = {};
    const raw = req.headers;
    for (const name in raw) {
      const value = raw[name];
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: ProvisioningHttpRequest = { path, segments, headers, clientIp, method: req.method };
    if (tenantUuid !== undefined) request.tenantUuid = tenantUuid;
    const route = await this.options.route(request);
    if ('status' in route) return plain(res, route.status, route.message);
    const found = await this.files.lookup(route.root, segments.join('/'));
    if (!found.ok) return plain(res, 404, 'not found');
    if ('cached' in found) sendCached(req, res, found.cached);
    else await sendFile(req, res, found.streamed);
  }
}
