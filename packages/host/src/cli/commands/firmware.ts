/**
 * `provd firmware (list | install | uninstall) <PLUGIN_ID> [PACKAGE] --plugins-dir DIR [--json]`: the firmware packages
 * a plugin declares (specs/cli.md). Works on the plugin folder's `pkgs/` manifest without loading the plugin's code;
 * with `--api URL`, a running host does it through its REST API (the plugin's firmware service, token in
 * `PROVD_API_TOKEN`), downloading through the host's own proxy parameters.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FirmwareService, type FirmwareProgressEvent } from '@provd/firmware';
import { proxiesFrom } from '../proxies';
import type { CliCommand, CliIo } from '../command';
import { writeJson } from '../command';
import { hostError } from '../../errors';
import { hostApi, type HostApiClient } from '../api-client';
import { deadlineOption, usageError } from '../read-json';

interface FirmwareOptions {
  pluginsDir?: string;
  json?: boolean;
  proxy?: string;
  downloadDeadline?: unknown;
  api?: unknown;
}

/** One line of `provd firmware list`. */
interface PackageLine {
  id: string;
  version: string | null;
  description: string;
  dsize: number;
  installed: string | null;
  manual: { path: string }[];
  errors: unknown[];
}

const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const mb = (n: number): string => (n / 1e6).toFixed(1);

/** A one-line progress bar on a TTY stderr, redrawn at most every 100 ms. */
function progressBar(io: CliIo): { update(e: FirmwareProgressEvent): void; end(): void } {
  if (!io.stderr.isTTY) return { update: () => undefined, end: () => undefined };
  let last = 0;
  let drawn = false;
  const draw = (text: string): void => {
    io.stderr.write(`\r\x1b[2K${text}`);
    drawn = true;
  };
  return {
    update(e) {
      if (e.type === 'download') {
        const now = Date.now();
        if (now - last < 100 && e.received < e.total) return;
        last = now;
        const ratio = e.total > 0 ? e.received / e.total : 1;
        const width = 30;
        const filled = Math.round(ratio * width);
        draw(`${e.file} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${mb(e.received)}/${mb(e.total)} MB`);
      } else if (e.type === 'step') draw(`${e.pkg}: step ${e.index + 1}/${e.count}: ${e.step}`);
      else if (e.type === 'commit') draw(`${e.pkg}: installing files`);
    },
    end() {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}

async function pluginService(pluginId: string, options: FirmwareOptions): Promise<{ service: FirmwareService; pluginsDir: string }> {
  if (!options.pluginsDir) throw hostError('PROVD_CLI_USAGE', { problem: 'missing --plugins-dir DIR' });
  if (!PLUGIN_ID.test(pluginId)) throw hostError('PROVD_HOST_INVALID_ID', { kind: 'plugin', id: pluginId });
  const pluginsDir = resolve(options.pluginsDir);
  const pluginDir = join(pluginsDir, pluginId);
  if (!(await stat(pluginDir).catch(() => undefined))?.isDirectory()) throw hostError('PROVD_PLUGIN_NOT_INSTALLED', { plugin: pluginId, dir: options.pluginsDir });
  const deadlineMs = deadlineOption(options.downloadDeadline);
  const download = { proxies: proxiesFrom(options.proxy, process.env), ...(deadlineMs === undefined ? {} : { deadlineMs }) };
  const service = new FirmwareService({ pluginDir, pluginId, download });
  return { service, pluginsDir };
}

/** The list lines of the packages `installable` declares and `installed` holds. */
function packageLines(installable: Record<string, any>, installed: Record<string, any>): PackageLine[] {
  const ids = [...new Set([...Object.keys(installable), ...Object.keys(installed)])].sort();
  return ids.map((id) => ({
    id,
    version: installable[id]?.version ?? null,
    description: installable[id]?.description ?? installed[id]?.description ?? '',
    dsize: installable[id]?.dsize ?? 0,
    installed: installed[id]?.version ?? null,
    manual: installable[id]?.manual ?? [],
    errors: installable[id]?.errors ?? [],
  }));
}

function printList(io: CliIo, pluginId: string, packages: PackageLine[], json: boolean | undefined): void {
  if (json) return writeJson(io, { plugin: pluginId, packages });
  if (packages.length === 0) {
    io.stdout.write(`plugin "${pluginId}" declares no firmware package\n`);
    return;
  }
  for (const p of packages) {
    const state = p.installed === null ? 'not installed' : `installed ${p.installed}`;
    const notes = [p.manual.length > 0 ? `needs ${p.manual.map((m) => m.path).join(', ')} placed by hand` : '', p.errors.length > 0 ? 'broken definition' : ''].filter(Boolean);
    io.stdout.write(`${p.id}\t${p.version ?? '-'}\t${state}\t${mb(p.dsize)} MB\t${p.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
  }
}

async function list(io: CliIo, pluginId: string, options: FirmwareOptions): Promise<void> {
  const { service } = await pluginService(pluginId, options);
  printList(io, pluginId, packageLines(await service.installable(), await service.installed()), options.json);
}

const fileCount = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;

/**
 * `provd firmware ... --api URL`: the running host's firmware service of `pluginId` (the plugin must be loaded there),
 * through `/0.2/pg_mgr/plugins/{id}/install/...`. `--json` prints what the local command prints, with the number of
 * files (`fileCount`, `removedCount`) where the local command lists them: the REST API reports counts only.
 */
async function throughApi(io: CliIo, api: HostApiClient, action: 'list' | 'install' | 'uninstall', pluginId: string, pkg: string | undefined, options: FirmwareOptions): Promise<void> {
  if (options.proxy !== undefined) usageError('--proxy does not apply with --api: the host downloads through its own http_proxy / https_proxy parameters (PUT /0.2/configure/http_proxy)');
  if (options.downloadDeadline !== undefined) usageError('--download-deadline does not apply with --api: the host applies its own download deadlines');
  if (!PLUGIN_ID.test(pluginId)) throw hostError('PROVD_HOST_INVALID_ID', { kind: 'plugin', id: pluginId });
  const base = `/pg_mgr/plugins/${encodeURIComponent(pluginId)}/install`;
  const installed = async (): Promise<Record<string, { version?: string; files?: number }>> => (await api.request('GET', `${base}/installed`)).json?.pkgs ?? {};
  if (action === 'list') {
    const installable = (await api.request('GET', `${base}/installable`)).json?.pkgs ?? {};
    return printList(io, pluginId, packageLines(installable, await installed()), options.json);
  }
  const id = pkg!;
  if (action === 'install') {
    const started = await api.request('POST', `${base}/install`, { id });
    await api.follow(started.location ?? '', io, `installing "${id}" of ${pluginId}`);
    const record = (await installed())[id];
    const version = String(record?.version ?? '');
    const files = Number(record?.files ?? 0);
    if (options.json) return writeJson(io, { plugin: pluginId, package: id, version, fileCount: files });
    io.stdout.write(`installed "${id}" ${version} in plugin "${pluginId}": ${fileCount(files)}\n`);
    return;
  }
  const files = Number((await installed())[id]?.files ?? 0);
  await api.request('POST', `${base}/uninstall`, { id });
  if (options.json) return writeJson(io, { plugin: pluginId, package: id, removedCount: files });
  io.stdout.write(`uninstalled "${id}" from plugin "${pluginId}": ${fileCount(files)} removed\n`);
}

async function install(io: CliIo, pluginId: string, pkg: string, options: FirmwareOptions): Promise<void> {
  const { service } = await pluginService(pluginId, options);
  const bar = progressBar(io);
  try {
    const record = await service.install(pkg, { onProgress: (e) => bar.update(e) });
    bar.end();
    const files = record.files.filter((f) => !f.endsWith('/'));
    if (options.json) return writeJson(io, { plugin: pluginId, package: pkg, version: record.version, files });
    io.stdout.write(`installed "${pkg}" ${record.version} in plugin "${pluginId}": ${fileCount(files.length)}\n`);
  } catch (err) {
    bar.end();
    throw err;
  }
}

async function uninstall(io: CliIo, pluginId: string, pkg: string, options: FirmwareOptions): Promise<void> {
  const { service } = await pluginService(pluginId, options);
  const removed = await service.uninstall(pkg);
  if (options.json) return writeJson(io, { plugin: pluginId, package: pkg, removed });
  io.stdout.write(`uninstalled "${pkg}" from plugin "${pluginId}": ${fileCount(removed.length)} removed\n`);
}

/** `provd firmware list|install|uninstall`. */
export const firmwareCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('firmware <action> <plugin> [package]', 'List (list), install (install) or remove (uninstall) the firmware packages of an installed plugin')
      .option('--plugins-dir <dir>', 'Folder holding the installed plugins')
      .option('--proxy <url>', 'HTTP proxy for downloads (default: $http_proxy / $https_proxy)')
      .option('--download-deadline <seconds>', 'The most each firmware download may take (default: 60 s plus its time at 256 KiB/s)')
      .option('--api <url>', 'Have the running host at this API URL do it, with the plugin it loaded (token in PROVD_API_TOKEN)')
      .option('--json', 'Print one JSON document on stdout')
      .action(async (action: string, plugin: string, pkg: string | undefined, options: FirmwareOptions) => {
        if (action !== 'list' && action !== 'install' && action !== 'uninstall') throw hostError('PROVD_CLI_USAGE', { problem: `unknown firmware action ${JSON.stringify(action)}: use list, install or uninstall` });
        if (action !== 'list' && pkg === undefined) throw hostError('PROVD_CLI_USAGE', { problem: `provd firmware ${action} needs a PACKAGE after the plugin id (see "provd firmware list ${plugin}")` });
        const api = hostApi(options.api);
        if (api) return throughApi(io, api, action, String(plugin), pkg === undefined ? undefined : String(pkg), options);
        if (action === 'list') return list(io, plugin, options);
        return action === 'install' ? install(io, plugin, pkg!, options) : uninstall(io, plugin, pkg!, options);
      });
  },
};
