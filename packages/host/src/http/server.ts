import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { HttpRequest } from '@provd/sdk';
import { unmapIpv4, type ClientAddressSource } from './client-ip';
import { FastConnection, plainReply, type Answer, type FastConnectionHost, type FastRequest, type HttpDecision } from './fast-connection';
import { MAX_URL_LENGTH, parseRequestPath } from './request-path';
import { KEEP_ALIVE_TIMEOUT_MS } from './response-head';
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
export type HttpRoute = (
  | {
      root: string;
      /**
       * Set when the file was written for this request (a pending change brought to its device first): the copy held
       * in memory is checked against the disk first, as the folder watch's notice of the change may still be on its
       * way.
       */
      fresh?: boolean;
    }
  | { status: number; message: string }
) &
  RouteIdentity;

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
  clientIp?: (req: ClientAddressSource) => string | undefined;
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
  /**
   * Plain HTTP: read simple `GET`/`HEAD` requests on the server's own fast path, handing anything else to Node's
   * HTTP server (see the HTTP page of the docs). Off: Node's HTTP server reads every request. @defaultValue true
   */
  fastPath?: boolean;
  /** How long a request head may take, from its first byte (or the connection), before a 408. @defaultValue 15000 */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept. @defaultValue 5000 */
  keepAliveTimeoutMs?: number;
}

/** The node:tls options of a client certificate mode. */
function clientCertOptions(mode: HttpsListenerOptions['clientCert']): { requestCert: boolean; rejectUnauthorized: boolean } {
  return { requestCert: mode === 'request' || mode === 'require', rejectUnauthorized: mode === 'require' };
}

function plain(res: ServerResponse, answer: Answer, status: number, message: string, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const reply = plainReply(status, message, headers);
  res.writeHead(status, reply.headers);
  if (res.req.method === 'HEAD') res.end();
  else {
    answer.bytes = reply.body.length;
    res.end(reply.body);
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
  /** The connections on the fast path (plain HTTP). */
  private readonly fast = new Set<FastConnection>();
  /** Applies the fast path's timeouts while it has connections. */
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private readonly headersTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly fastHost: FastConnectionHost | undefined;

  /** Creates a server; call {@link ProvisioningHttpServer.start} to listen. */
  constructor(options: ProvisioningHttpServerOptions) {
    this.options = options;
    this.ownFiles = options.files === undefined;
    this.files = options.files ?? new ServedFileCache();
    this.headersTimeoutMs = options.headersTimeoutMs ?? 15_000;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
    const settings = {
      maxHeaderSize: 8192,
      requestTimeout: Math.max(30_000, this.headersTimeoutMs),
      headersTimeout: this.headersTimeoutMs,
      connectionsCheckingInterval: this.checkEveryMs,
    };
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
    this.server.keepAliveTimeout = this.keepAliveTimeoutMs;
    if (!options.https && options.fastPath !== false) this.fastHost = this.useFastPath(this.server);
  }

  /** Whether plain GET and HEAD requests are read by the fast path (plain HTTP with `fastPath` not `false`). */
  get fastPath(): boolean {
    return this.fastHost !== undefined;
  }

  /** How often timeouts are checked: often enough for the shortest of them to be kept within a fifth of it. */
  private get checkEveryMs(): number {
    return Math.min(1_000, Math.max(50, Math.min(this.headersTimeoutMs, this.keepAliveTimeoutMs) / 5));
  }

  /**
   * Puts the fast path in front of Node's HTTP server: each accepted connection is read by a {@link FastConnection},
   * which hands it (and the bytes it read) to Node's own connection handling for any request it does not serve.
   */
  private useFastPath(server: Server): FastConnectionHost {
    const [nodeConnection] = server.listeners('connection') as ((socket: Socket) => void)[];
    if (!nodeConnection) throw new Error('node:http server without its connection listener');
    server.removeListener('connection', nodeConnection);
    const host: FastConnectionHost = {
      closing: false,
      decide: (req, done) => this.decideFast(req, done),
      handover: (socket, unread) => {
        if (unread && unread.length > 0) socket.unshift(unread);
        nodeConnection.call(server, socket);
        socket.resume();
      },
      gone: (connection) => {
        this.fast.delete(connection);
      },
    };
    if (this.options.onResponse) host.report = (req, status, aborted) => this.reportFast(req, status, aborted);
    server.on('connection', (socket: Socket) => {
      this.fast.add(new FastConnection(socket, host));
      this.sweeper ??= setInterval(() => this.sweep(), this.checkEveryMs).unref();
    });
    return host;
  }

  /** Applies the fast path's timeouts; stops checking when it has no connection left. */
  private sweep(): void {
    if (this.fast.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = Date.now();
    for (const connection of this.fast) connection.sweep(now, this.headersTimeoutMs, this.keepAliveTimeoutMs);
  }

  /**
   * Decides a request of the fast path and hands the decision to `done` (a failure inside the host is a 500), with
   * no promise of its own: the route's, and the file look-up's when the file is not held.
   */
  private decideFast(req: FastRequest, done: (decision: HttpDecision) => void): void {
    if (this.options.onResponse) this.unreported++;
    const failed = (err: unknown): void => {
      this.options.log?.(`http: ${req.method} ${req.target}: ${(err as Error).message}`);
      done(FAILED);
    };
    // `done` is never called before this returns: the connection is still reading the request's head then
    try {
      const routed = this.beforeRoute(req.method, req.target, req, req.headers, req.answer);
      if (!('request' in routed)) return queueMicrotask(() => done(routed));
      this.options.route(routed.request).then((route) => {
        let decision: HttpDecision | Promise<HttpDecision>;
        try {
          decision = this.afterRoute(route, routed.request.segments, req.answer);
        } catch (err) {
          return failed(err);
        }
        if ('then' in decision) decision.then(done, failed);
        else done(decision);
      }, failed);
    } catch (err) {
      queueMicrotask(() => failed(err));
    }
  }

  /** Reports a request of the fast path to `onResponse`. */
  private reportFast(req: FastRequest, status: number, aborted: boolean): void {
    const answer = req.answer;
    const done: HttpRequestDone = {
      client: answer.client ?? this.options.clientIp?.(req) ?? unmapIpv4(req.socket.remoteAddress ?? ''),
      method: req.method,
      file: req.target,
      status,
      bytes: req.method === 'HEAD' ? 0 : answer.bytes,
      ms: Math.round((performance.now() - req.started) * 10) / 10,
    };
    if (answer.device !== undefined) done.device = answer.device;
    if (answer.plugin !== undefined) done.plugin = answer.plugin;
    if (aborted) done.aborted = true;
    this.reported(done);
  }

  /** Hands `done` to `onResponse`; the last one reported lets a waiting close go on. */
  private reported(done: HttpRequestDone): void {
    try {
      this.options.onResponse?.(done);
    } finally {
      if (--this.unreported === 0) {
        const waiting = this.reportedAll;
        this.reportedAll = undefined;
        waiting?.();
      }
    }
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
      this.reported(done);
    });
  }

  /** How many connections the fast path reads now (plain HTTP; a connection handed to Node's server is not one). */
  get fastConnections(): number {
    return this.fast.size;
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
    if (this.fastHost) this.fastHost.closing = true;
    const fast = this.fast;
    await closeServer(this.server, options.drainMs, {
      closeAll: () => {
        for (const connection of fast) connection.destroy();
      },
      closeIdle: () => {
        for (const connection of fast) if (connection.idle) connection.destroy();
      },
    });
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    // the last requests' onResponse calls happen before close resolves
    if (this.unreported > 0) {
      await new Promise<void>((resolve) => {
        const earlier = this.reportedAll;
        this.reportedAll = () => (earlier?.(), resolve());
      });
    }
    if (this.ownFiles) this.files.close();
  }

  /** Answers a request read by Node's HTTP server. */
  private async handle(req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
    const headers: Record<string, string | undefined> = {};
    const raw = req.headers;
    for (const name in raw) {
      const value = raw[name];
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const decision = await this.decide(req.method ?? '', req.url ?? '', req, headers, answer);
    if ('status' in decision) return plain(res, answer, decision.status, decision.message, decision.headers);
    if ('cached' in decision) answer.bytes = sendCached(req, res, decision.cached);
    else await sendFile(req, res, decision.streamed, (bytes) => (answer.bytes += bytes));
  }

  /**
   * What a request is answered with (the same for both paths): the checks of method, target and URL key, the client
   * IP, the route (identification), then the file from the cache. Fills `answer` with who asked.
   */
  private async decide(method: string, target: string, source: ClientAddressSource, headers: Record<string, string | undefined>, answer: Answer): Promise<HttpDecision> {
    const routed = this.beforeRoute(method, target, source, headers, answer);
    if (!('request' in routed)) return routed;
    return this.afterRoute(await this.options.route(routed.request), routed.request.segments, answer);
  }

  /** The checks before the route: a decision already (an error answer), or the request to route. */
  private beforeRoute(method: string, target: string, source: ClientAddressSource, headers: Record<string, string | undefined>, answer: Answer): HttpDecision | { request: ProvisioningHttpRequest } {
    if (target.length > MAX_URL_LENGTH) return { status: 414, message: 'request URI too long' };
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, message: `method "${method}" not allowed: provisioning files are read with GET or HEAD`, headers: { Allow: 'GET, HEAD' } };
    }
    const parsed = parseRequestPath(target);
    if (!parsed) return NOT_FOUND;
    let { path, segments } = parsed;
    let tenantUuid: string | undefined;
    if (this.options.urlKeyTenant) {
      const key = segments[0];
      tenantUuid = key === undefined ? undefined : this.options.urlKeyTenant(key);
      if (tenantUuid === undefined) return NOT_FOUND;
      segments = segments.slice(1);
      path = path.slice(path.indexOf('/', 1) < 0 ? path.length : path.indexOf('/', 1)) || '/';
    }
    const clientIp = this.options.clientIp ? this.options.clientIp(source) : source.socket.remoteAddress && unmapIpv4(source.socket.remoteAddress);
    if (!clientIp) return { status: 400, message: 'cannot tell the client address' };
    answer.client = clientIp;
    const request: ProvisioningHttpRequest = { path, segments, headers, clientIp, method };
    if (tenantUuid !== undefined) request.tenantUuid = tenantUuid;
    return { request };
  }

  /** The decision once routed: the route's status, or the file (held: at once; else looked up). */
  private afterRoute(route: HttpRoute, segments: string[], answer: Answer): HttpDecision | Promise<HttpDecision> {
    if (route.device !== undefined) answer.device = route.device;
    if (route.plugin !== undefined) answer.plugin = route.plugin;
    if ('status' in route) return { status: route.status, message: route.message };
    const name = segments.join('/');
    const held = route.fresh ? undefined : this.files.held(route.root, name);
    if (held) return { cached: held };
    return this.files.lookup(route.root, name, route.fresh === true).then((found) => (!found.ok ? NOT_FOUND : 'cached' in found ? { cached: found.cached } : { streamed: found.streamed }));
  }
}

const NOT_FOUND: HttpDecision = { status: 404, message: 'not found' };
const FAILED: HttpDecision = { status: 500, message: 'internal processing error' };
