import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProvdError, isProvdError, type Device } from '@provd/sdk';
import type { ProvisioningApp } from '../app/provisioning-app';
import { parseDhcpInfo } from '../identification/dhcp-info';
import { errorStatus } from './error-status';
import { readJsonBody, unwrap } from './json-body';
import { openApiDocument } from './openapi';
import { closeServer, listenServer } from '../http/listen';
import { hostError } from '../errors';

/** Options of {@link ApiServer}. */
export interface ApiServerOptions {
  /** The application the API manages. */
  app: ProvisioningApp;
  /** Address to listen on. @defaultValue "127.0.0.1" */
  host?: string;
  /** TCP port (0 picks a free one). @defaultValue 8666 */
  port?: number;
  /** The host version shown in the OpenAPI document. @defaultValue "0.0.0" */
  version?: string;
  /** Receives a line for each request that failed inside the host. */
  log?: (line: string) => void;
}

type Handler = (ctx: { req: IncomingMessage; params: string[]; query: URLSearchParams }) => Promise<[number, unknown?]>;

/**
 * The host's JSON API (loopback by default): devices, configs, plugins and DHCP information, described by the
 * OpenAPI document at `GET /openapi.json`. Errors answer `{"error": {"code", "message", ...}}`.
 */
export class ApiServer {
  private readonly server: Server;
  private readonly routes: [string, RegExp, Handler][];

  /** Creates the server; call {@link ApiServer.start} to listen. */
  constructor(private readonly options: ApiServerOptions) {
    const app = options.app;
    const seg = '([^/]+)';
    const device = async (id: string) => {
      const d = await app.devices.get(id);
      if (!d) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
      return d;
    };
    const config = async (id: string) => {
      const c = await app.configs.get(id);
      if (!c) throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: id });
      return c;
    };
    const sameId = (body: unknown, id: string) => {
      const doc = body as Record<string, unknown>;
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'the body must be a JSON object' });
      if (doc.id !== undefined && doc.id !== id) throw hostError('PROVD_HOST_BAD_REQUEST', { reason: `the body's "id" ("${String(doc.id)}") differs from the URL's ("${id}")` });
      return { ...doc, id };
    };
    this.routes = [
      ['GET', /^\/openapi\.json$/, async () => [200, openApiDocument(options.version ?? '0.0.0')]],
      ['GET', /^\/devices$/, async ({ query }) => {
        const filters = ['mac', 'ip', 'plugin', 'config'].flatMap((k) => (query.has(k) ? [[k, query.get(k)] as const] : []));
        const { items: devices } = await app.devices.find(Object.fromEntries(filters));
        return [200, { devices }];
      }],
      ['POST', /^\/devices$/, async ({ req }) => [201, { device: await app.insertDevice(unwrap(await readJsonBody(req), 'device')) }]],
      ['GET', new RegExp(`^/devices/${seg}$`), async ({ params }) => [200, { device: await device(params[0]!) }]],
      ['PUT', new RegExp(`^/devices/${seg}$`), async ({ req, params }) => {
        const body = sameId(unwrap(await readJsonBody(req), 'device'), params[0]!);
        return [200, { device: await app.updateDevice(body as Device) }];
      }],
      ['DELETE', new RegExp(`^/devices/${seg}$`), async ({ params }) => {
        await app.deleteDevice(params[0]!);
        return [204];
      }],
      ['POST', new RegExp(`^/devices/${seg}/reconfigure$`), async ({ params }) => [200, { device: await app.reconfigureDevice(params[0]!) }]],
      ['POST', new RegExp(`^/devices/${seg}/synchronize$`), async ({ params }) => {
        await app.synchronizeDevice(params[0]!);
        return [204];
      }],
      ['GET', /^\/configs$/, async () => [200, { configs: (await app.configs.find()).items }]],
      ['POST', /^\/configs$/, async ({ req }) => [201, { config: await app.insertConfig(unwrap(await readJsonBody(req), 'config')) }]],
      ['GET', new RegExp(`^/configs/${seg}$`), async ({ params }) => [200, { config: await config(params[0]!) }]],
      ['GET', new RegExp(`^/configs/${seg}/raw$`), async ({ params }) => {
        await config(params[0]!);
        return [200, { raw_config: await app.flattenedRawConfig(params[0]!) }];
      }],
      ['PUT', new RegExp(`^/configs/${seg}$`), async ({ req, params }) => {
        await config(params[0]!);
        const body = sameId(unwrap(await readJsonBody(req), 'config'), params[0]!);
        return [200, { config: await app.updateConfig(body) }];
      }],
      ['DELETE', new RegExp(`^/configs/${seg}$`), async ({ params }) => {
        await app.deleteConfig(params[0]!);
        return [204];
      }],
      ['GET', /^\/reconfigure$/, async () => [200, { jobs: app.reconfigureStatus() }]],
      ['GET', /^\/plugins$/, async () => {
        const installed = await app.plugins.installed();
        const loaded = app.plugins.loaded();
        const plugins = Object.fromEntries(
          Object.keys(installed).sort().map((id) => [id, { version: installed[id]!.version, description: installed[id]!.description, loaded: loaded.has(id) }]),
        );
        return [200, { plugins }];
      }],
      ['GET', /^\/plugins\/installable$/, async () => [200, { plugins: await app.plugins.installable() }]],
      ['POST', new RegExp(`^/plugins/${seg}/install$`), async ({ params }) => {
        await app.installPlugin(params[0]!);
        const info = (await app.plugins.installed())[params[0]!];
        return [200, { plugin: { id: params[0], version: info?.version, description: info?.description, loaded: app.plugins.loaded().has(params[0]!) } }];
      }],
      ['DELETE', new RegExp(`^/plugins/${seg}$`), async ({ params }) => {
        if (!(params[0]! in (await app.plugins.installed()))) throw Object.assign(hostError('PROVD_HOST_PLUGIN_NOT_LOADED', { plugin: params[0]! }), { status: 404 });
        await app.uninstallPlugin(params[0]!);
        return [204];
      }],
      ['POST', /^\/dhcp$/, async ({ req }) => {
        const info = parseDhcpInfo(await readJsonBody(req));
        if ('errors' in info) throw hostError('PROVD_HOST_BAD_REQUEST', { reason: info.errors.join('; ') });
        if (info.op === 'commit') await app.dhcpCommit(info.request);
        return [204];
      }],
    ];
    this.server = createServer({ maxHeaderSize: 16_384, requestTimeout: 120_000 }, (req, res) => void this.handle(req, res));
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
    try {
      const url = new URL(req.url ?? '/', 'http://api.invalid');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const matching = this.routes.filter(([, pattern]) => pattern.test(path));
      const route = matching.find(([method]) => method === req.method);
      if (!route) {
        req.resume();
        if (matching.length > 0) {
          res.setHeader('Allow', [...new Set(matching.map(([m]) => m))].join(', '));
          throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `method ${req.method} is not allowed on ${path}` }), { status: 405 });
        }
        throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `no such endpoint: ${req.method} ${path} (see GET /openapi.json)` }), { status: 404 });
      }
      let params: string[];
      try {
        params = (route[1].exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
      } catch {
        throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'invalid percent-encoding in the path' });
      }
      [status, body] = await route[2]({ req, params, query: url.searchParams });
    } catch (err) {
      status = errorStatus(err);
      if (!isProvdError(err)) this.options.log?.(`api: ${req.method} ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      const provd = isProvdError(err) ? err : createProvdError('PROVD_INTERNAL', { what: err instanceof Error ? err.message : String(err) });
      body = { error: provd.toJSON() };
      req.resume();
    }
    if (status === 204 || body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = `${JSON.stringify(body, null, 2)}\n`;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(text);
  }
}
