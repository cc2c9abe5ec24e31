import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { isProvdError, type Device, type RawConfig, type WriteDurability, type WriteMode } from '@provd/sdk';
import { openPlugin } from '../plugins/open-plugin';
import type { PluginEnvironment } from '../plugins/load-plugin';
import { moveChangedFiles, snapshotFiles } from './collect-files';
import { eachLimit } from './each-limit';
import { prepareRawConfig, rawConfigCopier } from './prepare-raw-config';
import { hostError } from '../errors';

/** Options of {@link renderPlugin}. */
export interface RenderPluginOptions extends PluginEnvironment {
  /** The plugin: a tarball from `pnpm build-plugins` or a plugin folder (left untouched: a copy is used). */
  plugin: string;
  /** The devices to configure. */
  devices: readonly Device[];
  /** The flattened raw config every device is configured with. */
  rawConfig: RawConfig;
  /** Where the written files go, at their path relative to the plugin's tftpboot folder. */
  outDir: string;
  /** How many `configure` calls run at once (default 64: writes wait on the disk, so many overlap well). */
  concurrency?: number;
  /** Called after each configured device, e.g. to draw progress. */
  onProgress?: (done: number, total: number) => void;
}

/** Where the time of a render went, in seconds. */
export interface RenderTimings {
  /** Preparing the raw config, unpacking or copying and loading the plugin, `configureCommon`. */
  load: number;
  /** Every `configure` call (template rendering and the plugin's atomic writes). */
  configure: number;
  /** Finding the written files and moving them to the output folder (whole folders at once where possible). */
  collect: number;
  /** Closing the plugin and removing temporary files. */
  dispose: number;
}

/** What {@link renderPlugin} did. */
export interface RenderPluginResult {
  /** How many devices were configured. */
  devices: number;
  /** The files written to the output folder, relative to it, sorted. */
  files: string[];
  /** The wall-clock time of the whole render, in seconds. */
  seconds: number;
  /** Where the time went. */
  timings: RenderTimings;
}

/**
 * Where the file writes of a render make their system calls, by durability: without fsync, synchronously on the
 * render's own thread (`sync`: a render process serves nothing else, and a write is then a handful of system calls
 * with no thread-pool hop, no promise and no callback each); with fsync, synchronously too except the fsyncs, which
 * run in libuv's thread pool (`hybrid`: the fsyncs of many devices overlap while the thread renders, one pool hop per
 * file instead of about five; every file is fsynced before its rename, the folder after). Measured with 10,000
 * Digium devices (configure bench): `sync` takes about 40% of the CPU time of `event-loop` without fsync; with fsync,
 * `hybrid` took about 20% less CPU time than `event-loop` in as long or less, and the writer threads (`threads`)
 * about 20% more than `event-loop` (their own isolates and messages).
 *
 * @example
 * ```ts
 * renderWriteMode('none'); // 'sync'
 * ```
 */
export function renderWriteMode(durability: WriteDurability): WriteMode {
  return durability === 'none' ? 'sync' : 'hybrid';
}

/** How many devices are configured at once by default. */
const DEFAULT_CONCURRENCY = 64;

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Renders the files of many devices with one plugin in one process (`provd render`): loads the plugin as a host
 * does, calls `configureCommon` once, then `configure` for every device with its own copy of the raw config
 * (defaults applied and validated once), and moves every file that `configure` wrote into the plugin's tftpboot
 * folder to `outDir`. The first failing device fails the whole render, and then nothing is written to `outDir`.
 *
 * The plugin works in a throwaway copy, so its writes are not fsynced (`writeDurability` defaults to `none` here;
 * they stay atomic; `writeMode` defaults to {@link renderWriteMode}'s choice) and the files reach `outDir` by
 * rename (a folder new to `outDir` in one rename), copied only when `outDir` is on another filesystem. Like `cp`,
 * the render does not fsync `outDir`; run `sync` if it must survive a power loss right away.
 *
 * @example
 * ```ts
 * const { files } = await renderPlugin({ plugin: 'dist/repo/digium-2.8.1-1.2.0.tar.gz', devices, rawConfig, outDir: 'out' });
 * ```
 */
export async function renderPlugin(options: RenderPluginOptions): Promise<RenderPluginResult> {
  const start = performance.now();
  const prepared = prepareRawConfig(options.rawConfig);
  const writeDurability = options.writeDurability ?? 'none';
  const writeMode = options.writeMode ?? renderWriteMode(writeDurability);
  const opened = await openPlugin(options.plugin, { ...options, writeDurability, writeMode, copyFolder: true });
  const timings: RenderTimings = { load: 0, configure: 0, collect: 0, dispose: 0 };
  let files: string[] = [];
  try {
    const { plugin, id } = opened;
    await plugin.configureCommon(structuredClone(prepared));
    const before = await snapshotFiles(plugin.tftpbootDir);
    const loaded = performance.now();
    timings.load = (loaded - start) / 1000;

    let done = 0;
    const copyOfConfig = rawConfigCopier(prepared);
    await eachLimit(options.devices, options.concurrency ?? DEFAULT_CONCURRENCY, async (device) => {
      try {
        await plugin.configure(device, copyOfConfig());
      } catch (err) {
        if (isProvdError(err)) throw err;
        throw hostError('PROVD_PLUGIN_CONFIGURE_FAILED', { plugin: id, device: device.id, reason: reasonOf(err) }, { cause: err });
      }
      options.onProgress?.(++done, options.devices.length);
    });
    const configured = performance.now();
    timings.configure = (configured - loaded) / 1000;

    files = await moveChangedFiles(plugin.tftpbootDir, before, resolve(options.outDir));
    timings.collect = (performance.now() - configured) / 1000;
  } finally {
    const disposing = performance.now();
    await opened.dispose();
    timings.dispose = (performance.now() - disposing) / 1000;
  }
  return { devices: options.devices.length, files, seconds: (performance.now() - start) / 1000, timings };
}
