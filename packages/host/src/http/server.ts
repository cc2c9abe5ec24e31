import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
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

/** Who identification found behind a request (for the access log). */
export interface RouteIdentity {
  /** The device id. */
  device?: string;
  /** The plugin serving it. */
  plugin?: string;
}

/** Where a request goes: a folder to serve the file from, or a status to answer with; with who asked. */
export type HttpRoute = ({ root: string } | { status: number; message: string }) & RouteIdentity;

/** One answered request, as the access log and the metrics see it. */
export interface HttpRequestDone extends RouteIdentity {
  /** The client IP (after the reverse-proxy rules). */
  client: string;
  /** The method. */
  method: string;
  /** The request target as received. */
  file: string;
  /** The status sent. */
  status: number;
  /** The body bytes handed to the connection (0 for HEAD and 304); fewer than the file when the client went away. */
  bytes: number;
  /** Time from the request to the last byte, in ms. */
  ms: number;
  /** The response did not complete (the client closed the connection first). */
  aborted?: boolean;
  /** The verified client certificate's subject CN, on HTTPS with client certificates. */
  clientCert?: string;
}

/** TLS settings of an HTTPS provisioning server. */
export interface HttpsListenerOptions {
  /** Certificate, key and (for client certificates) CA. */
  context: SecureContextOptions;
  /** Client certificates: not asked for, verified when presented, or required. @defaultValue "off" */
  clientCert?: 'off' | 'request' | 'require';
}

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
  /** Called once per request when its response ended (access log, metrics). */
  onResponse?: (done: HttpRequestDone) => void;
  /** Serve HTTPS with these TLS settings instead of HTTP. */
  https?: HttpsListenerOptions;
}

/** The node:tls options of a client certificate mode. */
function clientCertOptions(mode: HttpsListenerOptions['clientCert']): { requestCert: boolean; rejectUnauthorized: boolean } {
  return { requestCert: mode === 'request' || mode === 'require', rejectUnauthorized: mode === 'require' };
}

/** What the report of one request gathers while it is answered: who asked, and the body bytes sent. */
interface Answer extends RouteIdentity {
  /** The client IP, once told. */
  client?: string;
  /** The body bytes handed to the connection. */
  bytes: number;
}

function plain(res: ServerResponse, answer: Answer, status: number, message: string, headers: Record<string, string> = {}): void {
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
  if (res.req.method === 'HEAD') res.end();
  else {
    answer.bytes = Buffer.byteLength(body);
    res.end(body);
  }
}

/**
 * The provisioning HTTP server: GET and HEAD only, no directory listing, content types by extension, 404 for unknown
 * files, traversal (plain, encoded or absolute) refused, bounded request size, and an optional URL key per tenant.
 * Files come from a {@link ServedFileCache} (small files from memory, kept current by watching their folders) with
 * `ETag`, `Last-Modified` and conditional requests answered 304.
 */
export class ProvisioningHttpServer {
  private readonly options: ProvisioningHttpServerOptions;
  private readonly server: Server | HttpsServer;
  private readonly files: ServedFileCache;
  /** How many responses are watched for `onResponse` and not reported yet. */
  private unreported = 0;
  /** Resolves {@link ProvisioningHttpServer.close}'s wait once the last watched response is reported. */
  private reportedAll: (() => void) | undefined;
  private readonly ownFiles: boolean;

  /** Creates a server; call {@link ProvisioningHttpServer.start} to listen. */
  constructor(options: ProvisioningHttpServerOptions) {
    this.options = options;
    this.ownFiles = options.files === undefined;
    this.files = options.files ?? new ServedFileCache();
    const settings = { maxHeaderSize: 8192, requestTimeout: 30_000, headersTimeout: 15_000 };
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const answer: Answer = { bytes: 0 };
      if (this.options.onResponse) this.watch(req, res, answer);
      this.handle(req, res, answer).catch((err: Error) => {
        this.options.log?.(`http: ${req.method} ${req.url}: ${err.message}`);
        plain(res, answer, 500, 'internal processing error');
      });
    };
    this.server = options.https
      ? createHttpsServer({ ...settings, ...options.https.context, ...clientCertOptions(options.https.clientCert) }, listener)
      : createServer(settings, listener);
    this.server.keepAliveTimeout = 5_000;
  }

  /** Replaces the certificate and key of an HTTPS server (new connections use them). */
  setSecureContext(context: SecureContextOptions): void {
    if (!this.options.https) return;
    (this.server as HttpsServer).setSecureContext({ ...context, ...clientCertOptions(this.options.https.clientCert) });
  }

  /**
   * Reports `res` to `onResponse` once it ended, finished or not (`close` follows `finish`, or the connection's
   * end). The body bytes are the ones the answering code handed to the connection (nothing is wrapped).
   */
  private watch(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    const started = performance.now();
    this.unreported++;
    // emitted once, after finish or when the connection ends first
    res.on('close', () => {
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' && socket.authorized ? socket.getPeerCertificate() : undefined;
      const done: HttpRequestDone = {
        client: answer.client ?? this.options.clientIp?.(req) ?? unmapIpv4(req.socket.remoteAddress ?? ''),
        method: req.method ?? '',
        file: req.url ?? '',
        status: res.statusCode,
        bytes: req.method === 'HEAD' ? 0 : answer.bytes,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (answer.device !== undefined) done.device = answer.device;
      if (answer.plugin !== undefined) done.plugin = answer.plugin;
      if (!res.writableFinished) done.aborted = true;
      const cn = peer?.subject?.CN;
      if (cn) done.clientCert = Array.isArray(cn) ? cn.join(',') : cn;
      try {
        this.options.onResponse?.(done);
      } finally {
        if (--this.unreported === 0) {
          const waiting = this.reportedAll;
          this.reportedAll = undefined;
          waiting?.();
        }
      }
    });
  }

  /** The port the server listens on (after {@link ProvisioningHttpServer.start}). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port ?? 8667;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    await listenServer(this.server, this.options.port ?? 8667, this.options.host ?? '127.0.0.1');
  }

  /** Stops listening; requests in flight get up to `drainMs` (default 0) to finish before their connection closes. */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    await closeServer(this.server, options.drainMs);
    // the last requests' onResponse calls happen before close resolves
    if (this.unreported > 0) {
      await new Promise<void>((resolve) => {
        const earlier = this.reportedAll;
        this.reportedAll = () => (earlier?.(), resolve());
      });
    }
    if (this.ownFiles) this.files.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
    const target = req.url ?? '';
    if (target.length > MAX_URL_LENGTH) return plain(res, answer, 414, 'request URI too long');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(res, answer, 405, `method "${req.method}" not allowed: provisioning files are read with GET or HEAD`, { Allow: 'GET, HEAD' });
    }
    const parsed = parseRequestPath(target);
    if (!parsed) return plain(res, answer, 404, 'not found');
    let { path, segments } = parsed;
    let tenantUuid: string | undefined;
    if (this.options.urlKeyTenant) {
      const key = segments[0];
      tenantUuid = key === undefined ? undefined : this.options.urlKeyTenant(key);
      if (tenantUuid === undefined) return plain(res, answer, 404, 'not found');
      segments = segments.slice(1);
      path = path.slice(path.indexOf('/', 1) < 0 ? path.length : path.indexOf('/', 1)) || '/';
    }
    const clientIp = this.options.clientIp ? this.options.clientIp(req) : req.socket.remoteAddress && unmapIpv4(req.socket.remoteAddress);
    if (!clientIp) return plain(res, answer, 400, 'cannot tell the client address');
    answer.client = clientIp;
    const headers: Record<string, string | undefined> = {};
    const raw = req.headers;
    for (const name in raw) {
      const value = raw[name];
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: ProvisioningHttpRequest = { path, segments, headers, clientIp, method: req.method };
    if (tenantUuid !== undefined) request.tenantUuid = tenantUuid;
    const route = await this.options.route(request);
    if (route.device !== undefined) answer.device = route.device;
    if (route.plugin !== undefined) answer.plugin = route.plugin;
    if ('status' in route) return plain(res, answer, route.status, route.message);
    const name = segments.join('/');
    const held = this.files.held(route.root, name);
    if (held) {
      answer.bytes = sendCached(req, res, held);
      return;
    }
    const found = await this.files.lookup(route.root, name);
    if (!found.ok) return plain(res, answer, 404, 'not found');
    if ('cached' in found) answer.bytes = sendCached(req, res, found.cached);
    else await sendFile(req, res, found.streamed, (bytes) => (answer.bytes += bytes));
  }
}
