import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessControl, ApiServer, HostParameters, type AccessOptions, type ParameterEffects } from '../src/api/index';
import { ProvisioningApp, type ProvisioningAppOptions } from '../src/app/index';
import type { StoreLocation } from '../src/store/store';
import { run } from './serve-helpers';
import { MemoryPluginHost } from './serve-test-plugins';

/** A response of the REST API as curl received it. */
export interface ApiAnswer {
  status: number;
  json: any;
  headers: Record<string, string>;
}

/** Options of {@link apiCall}. */
export interface ApiCallOptions {
  token?: string;
  tenant?: string;
  body?: unknown;
  /** Default: the established client's `application/vnd.proformatique.provd+json` when there is a body. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Calls the REST API on loopback with curl (a real HTTP client), returning status, JSON body and headers. */
export async function apiCall(port: number, method: string, path: string, options: ApiCallOptions = {}): Promise<ApiAnswer> {
  const args = ['-sS', '-X', method, '-D', '-', `http://127.0.0.1:${port}${path}`];
  if (options.token !== undefined) args.push('-H', `X-Auth-Token: ${options.token}`);
  if (options.tenant !== undefined) args.push('-H', `Wazo-Tenant: ${options.tenant}`);
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (options.body !== undefined) {
    args.push('-H', `Content-Type: ${options.contentType ?? 'application/vnd.proformatique.provd+json'}`);
    args.push('--data-binary', typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  }
  const r = await run('curl', args);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  const [head = '', ...rest] = r.stdout.split('\r\n\r\n');
  const text = rest.join('\r\n\r\n');
  const lines = head.split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status, json: text.trim() ? JSON.parse(text) : undefined, headers };
}

/** An {@link ApiServer} over a {@link ProvisioningApp} with in-memory plugins, on a free loopback port. */
export interface TestApi {
  app: ProvisioningApp;
  api: ApiServer;
  parameters: HostParameters;
  close(): Promise<void>;
}

/** Starts the API over `plugins` (id → factory) in `dir`, with the tokens and tenants of `access`, on `store` (default: SQLite in `dir`). */
export async function startTestApi(
  dir: string,
  plugins: ConstructorParameters<typeof MemoryPluginHost>[1],
  access: Omit<AccessOptions, 'defaultTopTenant'>,
  effects: ParameterEffects = {},
  store?: StoreLocation,
): Promise<TestApi> {
  const host = new MemoryPluginHost(join(dir, 'plugins'), plugins);
  await mkdir(join(dir, 'data'), { recursive: true });
  const options: ProvisioningAppOptions = { dataDir: join(dir, 'data'), store, plugins: host, baseRawConfig: { http_base_url: 'http://127.0.0.1:8667' } };
  const app = await ProvisioningApp.open(options);
  const parameters = await HostParameters.open(app.store, { effects, legacyFile: join(dir, 'data', 'api-parameters.json') });
  const control = new AccessControl({ ...access, defaultTopTenant: parameters.topTenant });
  options.defaultTenant = control.tenants.top;
  await app.start();
  const api = new ApiServer({ app, access: control, parameters, port: 0, version: '9.9.9' });
  await api.start();
  return {
    app,
    api,
    parameters,
    close: async () => {
      await api.close();
      await parameters.close();
      await app.close();
    },
  };
}

/** Polls the operation at `location` until it succeeds or fails; resolves to its final status string. */
export async function waitOperation(port: number, token: string, location: string): Promise<string> {
  for (let i = 0; i < 2400; i++) {
    const { json } = await apiCall(port, 'GET', location, { token });
    if (/^(\w+\|)?(success|fail)/.test(json.status)) return json.status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`operation ${location} did not finish`);
}
