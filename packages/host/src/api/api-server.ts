import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createProvdError, isProvdError } from '@provd/sdk';
import type { ProvisioningApp } from '../app/provisioning-app';
import { hostError } from '../errors';
import { closeServer, listenServer } from '../http/listen';
import type { AccessControl, Caller } from './access';
import { macLock, type ApiServices } from './api-services';
import { errorStatus } from './error-status';
import { checkAccept, checkBrowserSafety, checkJsonContentType, hostName, PROVD_MIME } from './http-guard';
import { readJsonBody } from './json-body';
import { openApiDocument } from './openapi';
import { OperationMonitors } from './operations';
import type { HostParameters } from './parameters';
import { matchRoute, requiredAcl, type Route } from './router';
import { configRoutes } from './routes-configs';
import { deviceRoutes } from './routes-devices';
import { generalRoutes } from './routes-general';
import { pluginRoutes } from './routes-plugins';

/** The path prefix of the API (the established API's version). */
export const API_PREFIX = '/0.2';

/** Options of {@link ApiServer}. */
export interface ApiServerOptions {
  /** The application the API manages. */
  app: ProvisioningApp;
  /** Tokens, ACLs and tenants. */
  access: AccessControl;
  /** The `/0.2/configure` parameters. */
  parameters: HostParameters;
  /** Address to listen on. @defaultValue "127.0.0.1" */
  host?: string;
  /** TCP port (0 picks a free one). @defaultValue 8666 */
  port?: number;
  /** Host names (besides IP addresses, `localhost` and this machine's name) the API answers to. */
  allowedHosts?: readonly string[];
  /** The host version shown in the OpenAPI document. @defaultValue "0.0.0" */
  version?: string;
  /** Receives a line for each request that failed inside the host. */
  log?: (line: string) => void;
  /**
   * Answers what the host serves on the API port outside the REST API, without a token (`GET /health`,
   * `GET /metrics`), before any API route; returns whether it answered.
   */
  health?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * The host's REST API: the established provd REST API 0.2 (`api.yml` of wazo-provd) under `/0.2`, every endpoint
 * behind `X-Auth-Token` and the ACL `api.yml` names, tenants through `Wazo-Tenant`. Errors answer
 * `{"message", "error": {"code", "message", ...}}` with a stable `PROVD_*` code (see docs/errors.md).
 */
export class ApiServer {
  private readonly server: Server;
  /** Every route, with paths as `api.yml` writes them (without the `/0.2` prefix). */
  readonly routes: readonly Route[];
  private readonly services: ApiServices;
  private readonly allowedNames: Set<string>;

  /** Creates the server; call {@link ApiServer.start} to listen. */
  constructor(private readonly options: ApiServerOptions) {
    const log = options.log ?? (() => {});
    this.services = {
      app: options.app,
      access: options.access,
      parameters: options.parameters,
      monitors: new OperationMonitors(),
      deviceWrites: macLock(),
      version: options.version ?? '0.0.0',
      log,
    };
    const routes: Route[] = [];
    routes.push(
      ...generalRoutes(this.services, () => openApiDocument(this.services.version, routes)),
      ...deviceRoutes(this.services),
      ...configRoutes(this.services),
      ...pluginRoutes(this.services),
    );
    this.routes = routes;
    this.allowedNames = new Set(['localhost', hostname().toLowerCase(), ...(options.allowedHosts ?? []).map((h) => hostName(h))]);
    if (options.host && !['0.0.0.0', '::'].includes(options.host)) this.allowedNames.add(hostName(options.host));
    this.server = createServer({ maxHeaderSize: 16_384, requestTimeout: 120_000 }, (req, res) => {
      if (!options.health?.(req, res)) void this.handle(req, res);
    });
  }

  /** The port the server listens on (after {@link ApiServer.start}). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port ?? 8666;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    await listenServer(this.server, this.options.port ?? 8666, this.options.host ?? '127.0.0.1');
  }

  /** Stops listening and closes connections. */
  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      checkBrowserSafety(req, this.allowedNames);
      const url = new URL(req.url ?? '/', 'http://api.invalid');
      if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
        throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `no such endpoint: ${req.method} ${url.pathname} (the API lives under ${API_PREFIX}/, see GET ${API_PREFIX}/openapi.json)` }), { status: 404 });
      }
      let segments: string[];
      try {
        segments = url.pathname.slice(API_PREFIX.length).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
      } catch {
        throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'invalid percent-encoding in the path' });
      }
      const found = matchRoute(this.routes, req.method ?? 'GET', segments);
      if (!found) throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `no such endpoint: ${req.method} ${url.pathname} (see GET ${API_PREFIX}/openapi.json)` }), { status: 404 });
      if ('allowed' in found) {
        headers = { Allow: found.allowed.join(', ') };
        throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `method ${req.method} is not allowed on ${url.pathname}` }), { status: 405 });
      }
      const tenantHeader = req.headers['wazo-tenant'];
      const caller: Caller = this.services.access.authenticate(
        req.headers['x-auth-token'] as string | undefined,
        Array.isArray(tenantHeader) ? tenantHeader[0] : tenantHeader,
        req.socket.remoteAddress,
      );
      this.services.access.authorize(caller, requiredAcl(found.route, found.params, caller.tenant));
      checkAccept(req);
      const reply = await found.route.handle({
        req,
        params: found.params,
        query: url.searchParams,
        caller,
        body: async () => {
          checkJsonContentType(req);
          return readJsonBody(req);
        },
      });
      status = reply.status;
      body = reply.body;
      headers = { ...headers, ...reply.headers };
    } catch (err) {
      status = errorStatus(err);
      if (!isProvdError(err)) this.options.log?.(`api: ${req.method} ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      const provd = isProvdError(err) ? err : createProvdError('PROVD_INTERNAL', { what: err instanceof Error ? err.message : String(err) });
      body = { message: provd.message, error: provd.toJSON() };
    }
    req.resume();
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { ...headers, 'Content-Type': PROVD_MIME, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(text);
  }
}
