import type { StoreLocation } from '../store/store';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PluginLogger, type RawConfig } from '@provd/sdk';
import { baseRawConfig } from '@provd/core';
import { AccessControl, readTokensFile } from '../api/access';
import { ApiServer } from '../api/api-server';
import { appendLines } from '../files/line-appender';
import { adoptTenantless } from '../api/api-services';
import { HostParameters } from '../api/parameters';
import { clientIpResolver } from '../http/client-ip';
import { ProvisioningHttpServer } from '../http/server';
import { PluginManager } from '../plugins/plugin-manager';
import { AmiSyncService, type AmiSyncOptions } from '../sync/ami-sync-service';
import { UdpSipSyncService } from '../sync/udp-sync-service';
import { TftpServer } from '../tftp/server';
import { ProvisioningApp } from './provisioning-app';
import type { ProvisioningAppOptions } from './app-options';
import { hostError } from '../errors';

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
  /** The URL phones reach the HTTP server at. @defaultValue `http://<host>:<http port>` */
  advertisedUrl?: string;
  /** A JSON file with the base raw config every config inherits. */
  baseRawConfigFile?: string;
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
  /** The file security lines are appended to (a fail2ban jail can watch it). @defaultValue the log */
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

/** A running host: its ports and how to stop it. */
export interface RunningHost {
  /** The application. */
  app: ProvisioningApp;
  /** The ports really listened on. */
  ports: { http: number; tftp: number; api: number };
  /** The API's authentication mode, as announced at start. */
  apiMode: string;
  /** Stops the servers and unloads the plugins. */
  close(): Promise<void>;
}

async function listen(what: string, address: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    throw hostError('PROVD_HOST_LISTEN_FAILED', { what, address, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
}

/**
 * Starts a complete provisioning host: the plugin manager (loading every installed plugin), the application
 * (devices and configs on disk), the HTTP and TFTP servers with identification on every request, the JSON API and
 * the SIP NOTIFY sync service.
 */
export async function startHost(options: ServeHostOptions): Promise<RunningHost> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? 8667;
  const urlKeyMode = options.urlKeyMode === true || Object.keys(options.urlKeys ?? {}).length > 0;
  // the keys of URL-key mode, kept up to date as the provisioning_key parameters change (the app reads this object)
  const liveKeys: Record<string, string> = {};
  const tokensFile = options.apiTokensFile ? await readTokensFile(options.apiTokensFile) : undefined;
  // Declared before the servers: their handlers run as soon as HTTP listens, and answer 503 until the app is open.
  let app: ProvisioningApp | undefined;
  let api: ApiServer | undefined;
  let apiMode = '';
  const fileRaw = options.baseRawConfigFile ? (JSON.parse(await readFile(options.baseRawConfigFile, 'utf8')) as RawConfig) : {};
  // the advertised URL needs the real HTTP port: with port 0, start HTTP first and complete the base raw config after
  const http = new ProvisioningHttpServer({
    host,
    port: httpPort,
    clientIp: clientIpResolver(options.trustedProxies ?? 0),
    urlKeyTenant: urlKeyMode ? (key) => Object.keys(liveKeys).find((tenant) => liveKeys[tenant] === key) : undefined,
    route: async (req) => (app ? app.httpRoute(req) : { status: 503, message: 'starting, try again' }),
    log,
  });
  await listen('HTTP', `${host}:${httpPort}`, () => http.start());
  const tftp = new TftpServer({ host, port: options.tftpPort ?? 69, handler: async (req) => (app ? app.tftpReply(req) : { error: { code: 0, message: 'starting, try again' } }), log });
  try {
    await listen('TFTP', `${host}:${options.tftpPort ?? 69}`, () => tftp.start());
  } catch (err) {
    await http.close();
    throw err;
  }
  // appended by the event loop, never with a synchronous write on the request path
  const securityFile = options.securityLog ? appendLines(options.securityLog, log) : undefined;
  const securityLog = securityFile ? (line: string) => securityFile.write(line) : log;
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
  const logger: PluginLogger = { debug: () => {}, info: log, warn: log, error: log };
  const plugins = new PluginManager({
    pluginsDir: options.pluginsDir,
    repo: options.repo,
    trustedKeys: options.trustedKeys,
    downloadDeadlineMs: options.downloadDeadlineMs,
    baseRawConfig: base,
    generalConfig: { advertisedHttpUrl: base.http_base_url ?? undefined, tftpPort: tftp.port },
    services: { sync, logger },
    onError: (e) => log(e.message),
    log,
  });
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
      log,
      securityLog,
    };
    await mkdir(options.dataDir, { recursive: true });
    const parameters = await HostParameters.open(join(options.dataDir, 'api-parameters.json'), {
      pluginServer: (url) => {
        plugins.setRepo(url);
        log(url ? `plugin_server: installs come from ${url}` : 'plugin_server unset: installs come from --repo');
      },
      nat: (enabled) => {
        appOptions.nat = enabled;
      },
      provisioningKey: async (tenant, key) => {
        if (key === undefined) delete liveKeys[tenant];
        else liveKeys[tenant] = key;
        // the devices of the tenant get the new key in their URLs
        if (urlKeyMode && app) {
          for (const device of (await app.devices.find({ tenant_uuid: tenant })).items) await app.reconfigureDevice(device.id).catch(() => undefined);
        }
      },
    });
    for (const [tenant, key] of Object.entries(options.urlKeys ?? {})) await parameters.set('provisioning_key', key, tenant);
    const access = new AccessControl({
      file: tokensFile,
      envToken: options.apiToken,
      defaultTopTenant: parameters.topTenant,
      insecureLoopback: options.apiInsecureLoopback,
    });
    apiMode = access.describeMode();
    log(apiMode);
    appOptions.defaultTenant = access.tenants.top;
    const opened = await ProvisioningApp.open(appOptions);
    const adopted = await adoptTenantless(opened, access.tenants.top);
    if (adopted > 0) log(`${adopted} device(s) and config(s) without a tenant now belong to the top tenant ${access.tenants.top}`);
    await opened.start();
    app = opened;
    api = new ApiServer({
      app,
      access,
      parameters,
      host: options.apiHost ?? '127.0.0.1',
      port: options.apiPort ?? 8666,
      allowedHosts: options.apiAllowedHosts,
      version: options.version,
      log,
    });
    await listen('the API', `${options.apiHost ?? '127.0.0.1'}:${options.apiPort ?? 8666}`, () => api!.start());
  } catch (err) {
    await Promise.allSettled([http.close(), tftp.close(), app?.close(), securityFile?.close()]);
    throw err;
  }
  const running = app;
  return {
    app: running,
    ports: { http: http.port, tftp: tftp.port, api: api.port },
    apiMode,
    async close() {
      await Promise.allSettled([http.close(), tftp.close(), api!.close()]);
      await running.close();
      await securityFile?.close();
    },
  };
}
