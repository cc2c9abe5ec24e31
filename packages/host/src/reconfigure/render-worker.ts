/**
 * The code of one render thread (see `RenderThreads`): it loads plugins from their folders as the host does (its
 * own instance of each, `configureCommon` included), and configures the devices the main thread sends it with the
 * raw configs it sends along, answering one result per device. Nothing here touches the store: the main thread reads
 * the devices, holds their locks and writes their `configured` flags.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { isProvdError, type Device, type PluginLogger, type ProvdPlugin, type RawConfig } from '@provd/sdk';
import { loadPluginFromDir } from '../plugins/load-plugin';
import { eachLimit } from '../render/each-limit';
import { rawConfigCopier } from '../render/prepare-raw-config';
import { isWriteFailure } from './write-failure';
import type { ConfigureRequest, RenderReply, RenderRequest, RenderResult } from './render-protocol';

const port = parentPort;
if (!port) throw new Error('render-worker runs as a worker thread only');

/**
 * How many `configure` calls of one request run at once: with the writer thread (durability `none`), each one's write
 * waits there while the others render; with synchronous writes (fsync), this only overlaps awaits.
 */
const CONCURRENCY = 4;

/** The nice value of the render thread (lower priority than the serving thread's 0). */
const RENDER_NICE = 10;

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The loaded plugins of this thread, by plugin id: the instance of one load key (a load of the main thread). */
const plugins = new Map<string, { key: number; plugin: Promise<ProvdPlugin> }>();

function logger(id: string): PluginLogger {
  const send = (level: string) => (message: string) => port!.postMessage({ type: 'log', line: `plugin "${id}" (${level}): ${message}` } satisfies RenderReply);
  return { debug: () => {}, info: send('info'), warn: send('warn'), error: send('error') };
}

async function closeQuietly(plugin: Promise<ProvdPlugin>): Promise<void> {
  try {
    await (await plugin).close();
  } catch {
    // the main thread's instance reports its own close failures
  }
}

function pluginFor(request: ConfigureRequest): Promise<ProvdPlugin> {
  const { spec } = request;
  const current = plugins.get(spec.id);
  if (current && current.key === spec.key) return current.plugin;
  if (current) void closeQuietly(current.plugin);
  const plugin = (async () => {
    const loaded = await loadPluginFromDir(spec.dir, {
      generalConfig: spec.generalConfig,
      pluginConfigs: { [spec.id]: spec.pluginConfig },
      ...(spec.sdkVersion !== undefined ? { sdkVersion: spec.sdkVersion } : {}),
      services: { logger: logger(spec.id) },
      writeDurability: spec.writeDurability,
      // without fsync, in a writer thread of this thread's own (it renders the next devices meanwhile); with, on this
      // thread: either way the writes leave libuv's pool (shared with the serving thread) alone
      writeMode: spec.writeDurability === 'none' ? 'threads' : 'sync',
    });
    if (spec.baseRawConfig) await loaded.plugin.configureCommon(structuredClone(spec.baseRawConfig));
    return loaded.plugin;
  })();
  plugins.set(spec.id, { key: spec.key, plugin });
  // a failed load is tried again with the next request
  plugin.catch(() => plugins.get(spec.id)?.plugin === plugin && plugins.delete(spec.id));
  return plugin;
}

async function configure(request: ConfigureRequest): Promise<RenderResult[]> {
  const plugin = await pluginFor(request);
  const copiers = request.raws.map((raw: RawConfig) => rawConfigCopier(raw));
  const results: RenderResult[] = new Array(request.devices.length);
  await eachLimit(request.devices, CONCURRENCY, async ({ device, raw }, i) => {
    const started = performance.now();
    try {
      await plugin.configure(device as Device, (copiers[raw] as () => RawConfig)());
      results[i] = { ok: true, seconds: (performance.now() - started) / 1000 };
    } catch (err) {
      results[i] = {
        ok: false,
        seconds: (performance.now() - started) / 1000,
        reason: reasonOf(err),
        writeFailure: isWriteFailure(err),
        ...(isProvdError(err) ? { code: err.code } : {}),
      };
    }
  });
  return results;
}

// Background work: the serving thread gets the cores first when both want them (Linux applies a thread's nice
// value to that thread alone).
try {
  setPriority(RENDER_NICE);
} catch {
  // not permitted here: the thread runs at the process's priority
}

port.on('message', (request: RenderRequest) => {
  if (request.type === 'forget') {
    const current = plugins.get(request.plugin);
    plugins.delete(request.plugin);
    if (current) void closeQuietly(current.plugin);
    return;
  }
  configure(request).then(
    (results) => port.postMessage({ type: 'configured', id: request.id, results } satisfies RenderReply),
    (err: unknown) => port.postMessage({ type: 'failed', id: request.id, reason: reasonOf(err) } satisfies RenderReply),
  );
});
