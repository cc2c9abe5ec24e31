import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { closeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  identifyRequest,
  openServedFile,
  closeServedFile,
  parseRequestPath,
  PluginManager,
  ProvisioningApp,
  type IdentifyResult,
  type TftpReadReply,
  type TypedRequest,
} from '@provd/host';
import { baseRawConfig } from '@provd/core';
import { normMac, type Device, type DevInfo, type PluginLogger, type RawConfig } from '@provd/sdk';
import { testingError } from './errors';
import { installForTest } from './install-for-test';

/** Options of {@link startTestHost}. */
export interface TestHostOptions {
  /** The plugins to install and load: tarballs from `provd-build build` or plugin folders. */
  plugins: readonly string[];
  /**
   * The raw config phones get: the host's `autocreate` config, so a phone it has not seen is created with a copy of
   * it, as a real host does (a config without `sip_lines["1"]` configures nobody, as there). Default: none.
   */
  config?: RawConfig;
  /** The base raw config every config sits on (the host's `--base-raw-config`). @defaultValue `{}` */
  baseRawConfig?: RawConfig;
  /** The URL phones reach the host at (`http_base_url`). @defaultValue `http://192.0.2.1:8667` */
  advertisedUrl?: string;
  /** Receives the host's log lines (default: kept in {@link TestHost.logs}). */
  log?: (line: string) => void;
}

/** A phone's DHCP request (a lease the DHCP server reports). */
export interface SimulatedDhcp {
  /** The phone's MAC address, in any usual notation. */
  mac: string;
  /** The leased address. @defaultValue `192.0.2.10` */
  ip?: string;
  /** The vendor class identifier (option 60), a shorthand for `options[60]`. */
  vendorClass?: string;
  /** Other DHCP options, by number. */
  options?: Record<number, string>;
}

/** A phone's HTTP request for a file. */
export interface SimulatedHttp {
  /** The request path, e.g. `/acme/00005e005301.xml`. */
  path: string;
  /** The User-Agent header. */
  userAgent?: string;
  /** Other headers (names in any case). */
  headers?: Record<string, string>;
  /** The client address. @defaultValue `192.0.2.10` */
  ip?: string;
}

/** A phone's TFTP read request. */
export interface SimulatedTftp {
  /** The requested file name, e.g. `acme/00005e005301.xml`. */
  filename: string;
  /** The client address. @defaultValue `192.0.2.10` */
  ip?: string;
  /** RFC 2347 options. */
  options?: Record<string, string>;
}

/** A file the host served. */
export interface ServedFile {
  /** The requested name, relative to the plugin's tftpboot folder. */
  name: string;
  /** Its bytes. */
  bytes: Uint8Array;
  /** Its text (UTF-8). */
  text: string;
  /** Whether a loaded plugin calls it sensitive (`isSensitiveFilename` of its base name). */
  sensitive: boolean;
}

/** What the host made of one simulated request. */
export interface Simulated {
  /** The device information identification merged from every plugin's extractor and the host's. */
  devInfo: DevInfo;
  /** Each loaded plugin's association score for that information (`DeviceSupport`), by plugin id. */
  scores: Record<string, number>;
  /** The plugin the device is associated with after the request, or `null`. */
  plugin: string | null;
  /** The device as stored after the request (absent when the host created none). */
  device?: Device;
  /** For HTTP and TFTP: the file served, absent when the host answered with an error. */
  file?: ServedFile;
  /** For HTTP: the status (200, 404, 429); for TFTP: 0 when a file was served, else the TFTP error code. */
  status?: number;
}

/** A provisioning host in the test process, with real plugins, real identification and a throwaway data folder. */
export interface TestHost {
  /** The loaded plugin ids, sorted. */
  readonly pluginIds: string[];
  /** The plugins folder. */
  readonly pluginsDir: string;
  /** Log lines of the host and its plugins (when no `log` option was given). */
  readonly logs: string[];
  /** The host's provisioning application, for what the helpers do not cover. */
  readonly app: ProvisioningApp;
  /** Simulates a DHCP lease of a phone. */
  dhcp(request: SimulatedDhcp): Promise<Simulated>;
  /** Simulates a phone's HTTP GET of a file. */
  http(request: SimulatedHttp): Promise<Simulated>;
  /** Simulates a phone's TFTP read of a file. */
  tftp(request: SimulatedTftp): Promise<Simulated>;
  /** The device of `mac`, if the host has one. */
  device(mac: string): Promise<Device | undefined>;
  /** Every file in the tftpboot folder of plugin `pluginId`, by relative path, as text. */
  files(pluginId: string): Promise<Record<string, string>>;
  /** Unloads the plugins and removes the host's folders. */
  close(): Promise<void>;
}

const DEFAULT_IP = '192.0.2.10';
const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function listFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const rel = join(entry.parentPath, entry.name).slice(dir.length + 1).split('\\').join('/');
    out[rel] = await readFile(join(dir, rel), 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function readReply(reply: TftpReadReply): Promise<Uint8Array> | Uint8Array {
  if ('data' in reply) return reply.data;
  if ('file' in reply) return readFile(reply.file);
  if ('fd' in reply) {
    const bytes = Buffer.alloc(reply.size);
    try {
      let at = 0;
      while (at < reply.size) {
        const n = readSync(reply.fd, bytes, at, reply.size - at, at);
        if (n === 0) break;
        at += n;
      }
      return bytes.subarray(0, at);
    } finally {
      closeSync(reply.fd);
    }
  }
  return new Uint8Array();
}

/**
 * Starts a provisioning host inside the test: installs the given plugins into a temporary plugins folder, loads them
 * with the host's plugin manager (each plugin's `configureCommon` runs), and opens the host's provisioning
 * application on a temporary data folder. Simulated requests then go through the very pipeline `provd serve` runs
 * (extraction by every plugin, device creation, association, configuration, the path checks of file serving),
 * without sockets.
 *
 * @example
 * ```ts
 * const host = await startTestHost({ plugins: [family.tarball('acme-1.0.0')], config });
 * const { devInfo, scores, file } = await host.http({ path: '/acme/00005e005301.xml', userAgent: 'Acme/1.0.0 (A10; 00:00:5e:00:53:01)' });
 * await host.close();
 * ```
 */
export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const work = await mkdtemp(join(tmpdir(), 'provd-testhost-'));
  const logs: string[] = [];
  const log = options.log ?? ((line: string) => void logs.push(line));
  const pluginsDir = join(work, 'plugins');
  let app: ProvisioningApp | undefined;
  try {
    const ids: string[] = [];
    for (const plugin of options.plugins) ids.push(await installForTest(plugin, pluginsDir));
    const base = baseRawConfig({ rawConfig: options.baseRawConfig ?? {}, advertisedHttpUrl: options.advertisedUrl ?? 'http://192.0.2.1:8667', tftpPort: 69 });
    const logger: PluginLogger = { debug: () => {}, info: log, warn: log, error: log };
    const manager = new PluginManager({ pluginsDir, baseRawConfig: base, services: { logger }, onError: (e) => log(e.message) });
    const { failed } = await manager.loadAll();
    if (failed.length > 0) {
      await manager.closeAll();
      throw failed[0]?.error;
    }
    app = await ProvisioningApp.open({ dataDir: join(work, 'data'), plugins: manager, baseRawConfig: base, log });
    await app.start();
    if (options.config) await app.insertConfig({ id: 'testing-autocreate', role: 'autocreate', parent_ids: [], raw_config: options.config });
    return makeHost(app, manager, ids.sort(), pluginsDir, logs, work);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

function makeHost(app: ProvisioningApp, manager: PluginManager, pluginIds: string[], pluginsDir: string, logs: string[], work: string): TestHost {
  const identify = async (typed: TypedRequest): Promise<IdentifyResult> =>
    identifyRequest([...manager.loaded()].map(([id, plugin]) => ({ id, plugin })), typed);
  const sensitive = (name: string): boolean => {
    const base = name.slice(name.lastIndexOf('/') + 1);
    return [...manager.loaded().values()].some((plugin) => {
      try {
        return plugin.isSensitiveFilename(base);
      } catch {
        return false;
      }
    });
  };
  const deviceOf = async (devInfo: DevInfo): Promise<Device | undefined> => (devInfo.mac ? app.devices.findOne({ mac: devInfo.mac }) : undefined);
  const deviceAt = (ip: string): Promise<Device | undefined> => app.devices.findOne({ ip });
  const outcome = (found: IdentifyResult, device: Device | undefined): Simulated => ({
    devInfo: found.devInfo,
    scores: found.scores,
    plugin: device?.plugin ?? null,
    ...(device && { device }),
  });
  const macOf = (mac: string, what: string): string => {
    try {
      return normMac(mac);
    } catch (err) {
      throw testingError('PROVD_TESTING_BAD_REQUEST', { what, problem: reasonOf(err) });
    }
  };

  return {
    pluginIds,
    pluginsDir,
    logs,
    app,
    async dhcp(request) {
      const options: Record<number, string> = { ...request.options };
      if (request.vendorClass !== undefined) options[60] = request.vendorClass;
      const dhcp = { ip: request.ip ?? DEFAULT_IP, mac: macOf(request.mac, 'DHCP'), options };
      const found = await identify({ type: 'dhcp', request: dhcp });
      const device = await app.dhcpCommit(dhcp);
      return outcome(found, device ?? (await deviceOf(found.devInfo)));
    },
    async http(request) {
      if (!request.path.startsWith('/')) {
        throw testingError('PROVD_TESTING_BAD_REQUEST', { what: 'HTTP', problem: `${JSON.stringify(request.path)} is not a request path (it must start with "/")` });
      }
      // A path the HTTP server refuses before identification (a ".." segment, a NUL, too long) is a 404 there.
      const parsed = parseRequestPath(request.path);
      if (!parsed) return { devInfo: {}, scores: {}, plugin: null, status: 404 };
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
      if (request.userAgent !== undefined) headers['user-agent'] = request.userAgent;
      const http = { path: parsed.path, segments: parsed.segments, headers, clientIp: request.ip ?? DEFAULT_IP, method: 'GET' };
      const found = await identify({ type: 'http', request: http });
      const route = await app.httpRoute(http);
      const device = (await deviceOf(found.devInfo)) ?? (await deviceAt(http.clientIp));
      const result = outcome(found, device);
      if ('status' in route) return { ...result, status: route.status };
      const name = parsed.segments.join('/');
      const opened = await openServedFile(route.root, name);
      if (!opened.ok) return { ...result, status: 404 };
      try {
        const bytes = await readFile(opened.file.path);
        return { ...result, status: 200, file: { name, bytes, text: bytes.toString('utf8'), sensitive: sensitive(name) } };
      } finally {
        await closeServedFile(opened.file.fd);
      }
    },
    async tftp(request) {
      const tftp = { filename: request.filename, mode: 'octet', options: { ...request.options }, address: { ip: request.ip ?? DEFAULT_IP, port: 1024 } };
      const found = await identify({ type: 'tftp', request: tftp });
      const reply = await app.tftpReply(tftp);
      const device = (await deviceOf(found.devInfo)) ?? (await deviceAt(tftp.address.ip));
      const result = outcome(found, device);
      if ('error' in reply) return { ...result, status: reply.error.code };
      const bytes = Buffer.from(await readReply(reply));
      const name = request.filename.replace(/^\/+/, '');
      return { ...result, status: 0, file: { name, bytes, text: bytes.toString('utf8'), sensitive: sensitive(name) } };
    },
    device(mac) {
      return app.devices.findOne({ mac: normMac(mac) });
    },
    async files(pluginId) {
      const plugin = manager.loaded().get(pluginId);
      if (!plugin) throw testingError('PROVD_TESTING_NO_SUCH_PLUGIN', { plugin: pluginId, known: pluginIds });
      return listFiles(plugin.tftpbootDir);
    },
    async close() {
      try {
        await app.close();
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
