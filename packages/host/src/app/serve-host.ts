import type { StoreLocation } from '../store/store';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { type PluginLogger, type ProxyConfig, type RawConfig } from '@provd/sdk';
import { baseRawConfig } from '@provd/core';
import { hostError } from '../errors';
import { AccessControl, readTokensFile } from '../api/access';
import { ApiServer } from '../api/api-server';
import { appendLines } from '../files/line-appender';
import { adoptTenantless } from '../api/api-services';
import { HostParameters } from '../api/parameters';
import { clientIpResolver } from '../http/client-ip';
import { ProvisioningHttpServer, type HttpRequestDone, type HttpRoute } from '../http/server';
import type { HostLogger } from '../log/index';
import { HostMetrics, opsHandler, OpsServer, type Readiness } from '../ops/index';
import { PluginManager } from '../plugins/plugin-manager';
import { AmiSyncService, type AmiSyncOptions } from '../sync/ami-sync-service';
import { UdpSipSyncService } from '../sync/udp-sync-service';
import { TftpServer, type TftpTransferDone } from '../tftp/server';
import { ProvisioningApp } from './provisioning-app';
import type { ProvisioningAppOptions } from './app-options';

/** Options of {@link startHost} (what `provd serve` takes). */
export interface ServeHostOptions {
  /** The folder of installed plugins. */
  pluginsDir: string;
  /** The folder of devices and configs. */
  dataDir: string;
  /** Where devices and configs are stored. @defaultValue the SQLite file of `dataDir` */
  store?: StoreLocation;
  /** The plugin repository (folder or `http(s)://` URL) plugins are installed from. */
  repo?: string;
  /** Ed25519 public keys; when given, the repository's `plugins.db` must be signed by one of them. */
  trustedKeys?: readonly KeyObject[];
  /** Address of the HTTP and TFTP servers. @defaultValue "127.0.0.1" */
  host?: string;
  /** Provisioning HTTP port (0: any free port). @defaultValue 8667 */
  httpPort?: number;
  /** TFTP port (0: any free port). @defaultValue 69 */
  tftpPort?: number;
  /** Address of the JSON API. @defaultValue "127.0.0.1" */
  apiHost?: string;
  /** JSON API port (0: any free port). @defaultValue 8666 */
  apiPort?: number;
  /** The URL phones reach the HTTP server at. @defaultValue `http://<host>:<http port>` (`http://127.0.0.1:<http port>` for a wildcard host) */
  advertisedUrl?: string;
  /** A JSON file with the base raw config every config inherits. */
  baseRawConfigFile?: string;
  /** The base raw config every config inherits (already read; wins over `baseRawConfigFile`). */
  baseRawConfig?: RawConfig;
  /** An HTTPS listener for phones, on `host`: its port, its TLS material (read again by `reload`) and client certificates. */
  https?: { port: number; tls: () => Promise<SecureContextOptions>; clientCert?: 'off' | 'request' | 'require' };
  /** The health and metrics listener (`/health`, `/ready`, `/metrics`); none when absent. */
  ops?: { host?: string; port?: number };
  /** One log line per phone request (HTTP, HTTPS, TFTP). @defaultValue true when `logger` is given */
  accessLog?: boolean;
  /**
   * Plain GET and HEAD requests on the HTTP listener are read and answered by provd's own HTTP/1.1 code, every other
   * request is handed to Node's HTTP server; `false` hands every request to Node's (HTTPS always uses Node's).
   * @defaultValue true
   */
  httpFastPath?: boolean;
  /** The structured logs; when given, `log` and `securityLog` are taken from it. */
  logger?: HostLogger;
  /** The number of reverse proxies in front of the HTTP server (X-Forwarded-For). @defaultValue 0 */
  trustedProxies?: number;
  /** Create a device for every unknown requester. @defaultValue true */
  autoCreate?: boolean;
  /** `sip-udp` (NOTIFY straight to the phone), `asterisk-ami` (PJSIPNotify through Asterisk) or `none`. @defaultValue "sip-udp" */
  sync?: 'sip-udp' | 'asterisk-ami' | 'none';
  /** The Asterisk manager interface, for `sync: 'asterisk-ami'`. */
  ami?: AmiSyncOptions;
  /** The SIP port of the phones. @defaultValue 5060 */
  sipPort?: number;
  /**
   * Provisioning keys to set at start (`tenant uuid → key`, kept with the `provisioning_key` parameters); giving any
   * turns URL-key mode on. Keys set later through the API take effect at once.
   */
  urlKeys?: Readonly<Record<string, string>>;
  /** URL-key mode (phones fetch `/<key>/...`, the key naming their tenant) even without `urlKeys`. @defaultValue false */
  urlKeyMode?: boolean;
  /** The API tokens file (see docs/rest-api.md, "Tokens"). */
  apiTokensFile?: string;
  /** A token holding every ACL in the top tenant (`PROVD_API_TOKEN`). */
  apiToken?: string;
  /** Requests to the API from loopback without a token get every ACL (for development). @defaultValue false */
  apiInsecureLoopback?: boolean;
  /** Host names the API answers to besides IP addresses, `localhost` and the machine's name. */
  apiAllowedHosts?: readonly string[];
  /** The file security lines are appended to (a fail2ban jail can watch it). @defaultValue the log (stderr) */
  securityLog?: string;
  /**
   * How many sensitive files (holding credentials) devices the host does not know may request per client IP and
   * minute; past it they get 429 (HTTP) or an access violation (TFTP). `0` turns the limit off. @defaultValue 10
   */
  sensitiveLimit?: number;
  /** Phones sit behind NAT: several devices may share an IP, none takes it from the others. @defaultValue false */
  nat?: boolean;
  /** Unauthenticated HTTP/TFTP requests may move a known device's IP (see {@link ProvisioningAppOptions}). @defaultValue false */
  trustRequestIp?: boolean;
  /** In URL-key mode, sensitive files may also be read over TFTP from the device's own IP. @defaultValue false */
  sensitiveOverTftp?: boolean;
  /** The most a plugin install may spend fetching from the repository, in ms. @defaultValue 120000 */
  downloadDeadlineMs?: number;
  /** Receives operational log lines. */
  log?: (line: string) => void;
  /** The host version (OpenAPI document). */
  version?: string;
}

/** The ports a running host listens on. */
export interface RunningPorts {
  /** Provisioning HTTP. */
  http: number;
  /** TFTP. */
  tftp: number;
  /** REST API. */
  api: number;
  /** Health and metrics, when listening. */
  ops?: number;
  /** Provisioning HTTPS, when listening. */
  https?: number;
}

/** A running host: its ports and how to stop it. */
export interface RunningHost {
  /** The application. */
  app: ProvisioningApp;
  /** The ports really listened on. */
  ports: RunningPorts;
  /** The Prometheus metrics. */
  metrics: HostMetrics;
  /** The API's authentication mode, as announced at start. */
  apiMode: string;
  /** Whether the HTTP listener reads plain GET and HEAD requests itself (see {@link ServeHostOptions.httpFastPath}). */
  httpFastPath: boolean;
  /** Reads the HTTPS certificate and key again (SIGHUP); the old ones stay in use when that fails. */
  reload(): Promise<void>;
  /**
   * Stops accepting, lets requests and transfers in flight finish for up to `drainMs` (default 0), then closes the
   * servers and unloads the plugins.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

async function listen(what: string, address: string, setting: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') throw hostError('PROVD_HOST_ADDRESS_UNAVAILABLE', { what, address, setting }, { cause: err });
    throw hostError('PROVD_HOST_LISTEN_FAILED', { what, address, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
}

/** The access log line of one HTTP(S) request or TFTP transfer, and its metric. */
function accessRecorder(logger: HostLogger | undefined, enabled: boolean, metrics: HostMetrics) {
  return {
    http(protocol: 'http' | 'https') {
      return (done: HttpRequestDone) => {
        metrics.request(protocol, done.status);
        if (enabled) logger?.log.info({ access: protocol, ...done }, `${done.client} ${done.method} ${done.file} ${done.status} ${done.bytes}`);
      };
    },
    tftp(done: TftpTransferDone) {
      metrics.request('tftp', done.status);
      if (enabled) logger?.log.info({ access: 'tftp', ...done }, `${done.client} RRQ ${done.file} ${done.status} ${done.bytes}`);
    },
  };
}

/**
 * Starts a complete provisioning host: the plugin manager (loading every installed plugin), the application
 * (devices and configs on disk), the HTTP and TFTP servers with identification on every request, the JSON API and
 * the SIP NOTIFY sync service.
 */
export async function startHost(options: ServeHostOptions): Promise<RunningHost> {
  const logger = options.logger;
  const log = logger ? (line: string) => logger.log.warn(line) : (options.log ?? (() => {}));
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? 8667;
  // without the structured logs, appended by the event loop, never with a synchronous write on the request path
  const securityFile = !logger && options.securityLog ? appendLines(options.securityLog, log) : undefined;
  // without any log (a bare embedding), no security line is made at all
  const securityLog = logger ? (line: string) => logger.security(line) : securityFile ? (line: string) => securityFile.write(line) : options.log;
  const urlKeyMode = options.urlKeyMode === true || Object.keys(options.urlKeys ?? {}).length > 0;
  // the keys of URL-key mode, kept up to date as the provisioning_key parameters change (the app reads this object)
  const liveKeys: Record<string, string> = {};
  const tokensFile = options.apiTokensFile ? await readTokensFile(options.apiTokensFile) : undefined;
  const downloadProxies: ProxyConfig = {};
  const fileRaw = options.baseRawConfig ?? (options.baseRawConfigFile ? (JSON.parse(await readFile(options.baseRawConfigFile, 'utf8')) as RawConfig) : {});
  let app: ProvisioningApp | undefined;
  // the app between its opening and its start (closed on a failure in between)
  let opening: ProvisioningApp | undefined;
  let stopParameters: (() => Promise<void>) | undefined;
  let api: ApiServer | undefined;
  const readiness: Readiness = {
    plugins: { loaded: false, ids: [], failed: [] },
    servers: { http: false, ...(options.https ? { https: false } : {}), tftp: false, api: false },
  };
  const metrics = new HostMetrics({
    storeSize: async () => (app ? { devices: await app.devices.count(), configs: await app.configs.count() } : { devices: 0, configs: 0 }),
    backgroundQueue: () => app?.pendingWork() ?? 0,
  });
  const access = accessRecorder(logger, options.accessLog ?? logger !== undefined, metrics);
  const ops = options.ops ? new OpsServer({ host: options.ops.host, port: options.ops.port, metrics, readiness: () => structuredClone(readiness) }) : undefined;
  if (ops) await listen('health and metrics', `${options.ops?.host ?? '127.0.0.1'}:${options.ops?.port ?? 8668}`, 'ops_host', () => ops.start());
  const route = (req: Parameters<ProvisioningApp['httpRoute']>[0]): Promise<HttpRoute> => (app ? app.httpRoute(req) : Promise.resolve({ status: 503, message: 'starting, try again' }));
  // the advertised URL needs the real HTTP port: with port 0, start HTTP first and complete the base raw config after
  const http = new ProvisioningHttpServer({
    host,
    port: httpPort,
    clientIp: clientIpResolver(options.trustedProxies ?? 0),
    urlKeyTenant: urlKeyMode ? (key) => Object.keys(liveKeys).find((tenant) => liveKeys[tenant] === key) : undefined,
    route,
    log,
    onResponse: access.http('http'),
    fastPath: options.httpFastPath ?? true,
  });
  const https = options.https
    ? new ProvisioningHttpServer({
        host,
        port: options.https.port,
        clientIp: clientIpResolver(options.trustedProxies ?? 0),
        urlKeyTenant: urlKeyMode ? (key) => Object.keys(liveKeys).find((tenant) => liveKeys[tenant] === key) : undefined,
        route,
        log,
        onResponse: access.http('https'),
        https: { context: await options.https.tls(), clientCert: options.https.clientCert },
      })
    : undefined;
  const tftp = new TftpServer({
    host,
    port: options.tftpPort ?? 69,
    handler: async (req) => (app ? app.tftpReply(req) : { error: { code: 0, message: 'starting, try again' } }),
    log,
    onTransferDone: (done) => access.tftp(done),
  });
  const closeAll = async (drainMs = 0) => {
    await Promise.allSettled([http.close({ drainMs }), https?.close({ drainMs }), tftp.close({ drainMs })]);
    await Promise.allSettled([api?.close()]);
    await stopParameters?.();
    await (app ?? opening)?.close();
    await securityFile?.close();
    await ops?.close();
  };
  try {
    await listen('HTTP', `${host}:${httpPort}`, 'host', () => http.start());
    readiness.servers.http = true;
    if (https) {
      await listen('HTTPS', `${host}:${options.https!.port}`, 'host', () => https.start());
      readiness.servers.https = true;
    }
    await listen('TFTP', `${host}:${options.tftpPort ?? 69}`, 'host', () => tftp.start());
    readiness.servers.tftp = true;
  } catch (err) {
    await closeAll();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const base = baseRawConfig({
    rawConfig: fileRaw,
    advertisedHttpUrl: options.advertisedUrl ?? `http://${urlHost}:${http.port}`,
    tftpPort: tftp.port,
  });
  const sync =
    options.sync === 'none'
      ? undefined
      : options.sync === 'asterisk-ami'
        ? new AmiSyncService(options.ami ?? { username: '', secret: '' })
        : new UdpSipSyncService({
            port: options.sipPort ?? 5060,
            // provd is no registrar: the "registered contact" of a SIP peer is the IP of the device that last fetched
            // its trigger file with that line-1 username (contract §3.8). Resolved when a NOTIFY is sent.
            contactOf: async (peer) => (await app?.devices.findOne({ remote_state_sip_username: peer, ip: { $exists: true } }))?.ip,
          });
  const pluginLogger: PluginLogger = logger
    ? { debug: (m) => logger.log.debug(m), info: (m) => logger.log.info(m), warn: (m) => logger.log.warn(m), error: (m) => logger.log.error(m) }
    : { debug: () => {}, info: log, warn: log, error: log };
  const plugins = new PluginManager({
    pluginsDir: options.pluginsDir,
    repo: options.repo,
    trustedKeys: options.trustedKeys,
    downloadDeadlineMs: options.downloadDeadlineMs,
    baseRawConfig: base,
    // the proxies object is shared with every plugin's firmware downloads: the API's proxy parameters change it
    generalConfig: { advertisedHttpUrl: base.http_base_url ?? undefined, tftpPort: tftp.port, proxies: downloadProxies },
    services: { sync, logger: pluginLogger },
    onError: (e) => log(e.message),
    log,
  });
  let apiMode = '';
  try {
    // the app keeps this object: the NAT parameter and the provisioning keys change it while the host runs
    const appOptions: ProvisioningAppOptions = {
      dataDir: options.dataDir,
      store: options.store,
      plugins,
      baseRawConfig: base,
      syncService: sync,
      autoCreate: options.autoCreate,
      urlKeys: urlKeyMode ? liveKeys : undefined,
      nat: options.nat,
      trustRequestIp: options.trustRequestIp,
      sensitiveOverTftp: options.sensitiveOverTftp,
      sensitiveLimit: options.sensitiveLimit === undefined ? undefined : { limit: options.sensitiveLimit, windowMs: 60_000 },
      log: logger || options.log ? log : undefined,
      securityLog,
      onIdentified: (outcome) => metrics.identification(outcome),
      onAssociated: (plugin, reason) => metrics.association(plugin, reason),
      onConfigured: (plugin, seconds, ok) => metrics.configure(plugin, seconds, ok),
    };
    await mkdir(options.dataDir, { recursive: true });
    // the parameters live in the store (shared by the hosts of a PostgreSQL site): open it first
    const opened = await ProvisioningApp.open(appOptions);
    opening = opened;
    const parameters = await HostParameters.open(opened.store, {
      legacyFile: join(options.dataDir, 'api-parameters.json'),
      log,
      effects: {
        pluginServer: (url) => {
          plugins.setRepo(url);
          log(url ? `plugin_server: installs come from ${url}` : 'plugin_server unset: installs come from --repo');
        },
        nat: (enabled) => {
          appOptions.nat = enabled;
        },
        proxy: (scheme, value) => {
          if (scheme === 'ftp') return; // no download goes over FTP
          if (value === undefined) delete downloadProxies[scheme];
          else downloadProxies[scheme] = scheme === 'https' ? `http://${value}` : value;
        },
        provisioningKey: async (tenant, key) => {
          if (key === undefined) delete liveKeys[tenant];
          else liveKeys[tenant] = key;
          // the devices of the tenant get the new key in their URLs
          if (urlKeyMode && app) {
            for (const device of (await app.devices.find({ tenant_uuid: tenant })).items) await app.reconfigureDevice(device.id).catch(() => undefined);
          }
        },
      },
    });
    stopParameters = () => parameters.close();
    for (const [tenant, key] of Object.entries(options.urlKeys ?? {})) await parameters.set('provisioning_key', key, tenant);
    const access = new AccessControl({
      file: tokensFile,
      envToken: options.apiToken,
      defaultTopTenant: parameters.topTenant,
      insecureLoopback: options.apiInsecureLoopback,
    });
    apiMode = access.describeMode();
    if (logger) logger.log.info({ api: apiMode }, apiMode);
    else log(apiMode);
    // the app keeps its options object: the tenant of the devices it creates is known from here on
    appOptions.defaultTenant = access.tenants.top;
    const adopted = await adoptTenantless(opened, access.tenants.top);
    if (adopted > 0) log(`${adopted} device(s) and config(s) without a tenant now belong to the top tenant ${access.tenants.top}`);
    const { failed } = await opened.start();
    readiness.plugins = { loaded: true, ids: opened.loadedPlugins().map((p) => p.id), failed: failed.map((f) => ({ id: f.id, error: f.error.message })) };
    app = opened;
    const health = opsHandler({ metrics, readiness: () => structuredClone(readiness) }, ['/health']);
    api = new ApiServer({
      app,
      access,
      parameters,
      host: options.apiHost ?? '127.0.0.1',
      port: options.apiPort ?? 8666,
      allowedHosts: options.apiAllowedHosts,
      version: options.version,
      log,
      health,
    });
    await listen('the API', `${options.apiHost ?? '127.0.0.1'}:${options.apiPort ?? 8666}`, 'api_host', () => api!.start());
    readiness.servers.api = true;
  } catch (err) {
    await closeAll();
    throw err;
  }
  const running = app;
  const ports: RunningPorts = { http: http.port, tftp: tftp.port, api: api.port };
  if (ops) ports.ops = ops.port;
  if (https) ports.https = https.port;
  return {
    app: running,
    ports,
    metrics,
    apiMode,
    httpFastPath: http.fastPath,
    async reload() {
      if (https && options.https) https.setSecureContext(await options.https.tls());
    },
    async close(closeOptions = {}) {
      readiness.stopping = true;
      await closeAll(closeOptions.drainMs ?? 0);
    },
  };
}
