import { performance } from 'node:perf_hooks';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isProvdError, type Device, type FilesystemFlush, type RawConfig, type WriteDurability, type WriteMode } from '@provd/sdk';
import { openPlugin } from '../plugins/open-plugin';
import type { PluginEnvironment } from '../plugins/load-plugin';
import { moveChangedFiles, snapshotFiles } from './collect-files';
import { eachLimit } from './each-limit';
import { prepareRawConfig, rawConfigCopier } from './prepare-raw-config';
import { hostError } from '../errors';
import { FilesystemFlusher } from '../reconfigure/filesystem-flusher';

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
  /**
   * How many `configure` calls run at once (default 64: writes wait on the disk, so many overlap well; 512 with fsync,
   * see {@link RenderWriteEnvironment.concurrency}).
   */
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
 * Where the file writes of a render make their system calls, by durability: without fsync, synchronously in one
 * writer thread beside the render's (`threads`: the writes of one turn of the event loop go to it as one message, the
 * answers come back a few at a time, so the thread renders the next devices while the writer creates and renames the
 * files of the previous ones); with fsync, synchronously on the render's thread except what makes the files durable
 * (`hybrid`; a render flushes the filesystem once for the writes in flight, see {@link renderWriteEnvironment}).
 * Measured with 10,000 Digium devices (configure bench, load 8 on 2 cores): without fsync `threads` took 50-70% of
 * the time of `sync` (every call on the render's thread) for the same CPU time, and `sync` about 40% of the CPU time
 * of `event-loop` (a libuv pool hop per call); with an fsync per file, `hybrid` took about 20% less CPU time than
 * `event-loop`.
 *
 * @example
 * ```ts
 * renderWriteMode('none'); // 'threads'
 * ```
 */
export function renderWriteMode(durability: WriteDurability): WriteMode {
  return durability === 'none' ? 'threads' : 'hybrid';
}

/** How many devices are configured at once by default. */
const DEFAULT_CONCURRENCY = 64;
/** How many devices are configured at once by default when their writes share filesystem flushes. */
const FLUSHED_CONCURRENCY = 512;

/** How a render writes its files, for {@link openPlugin}; `close` ends what it started (the flush helper). */
export interface RenderWriteEnvironment {
  /** Whether the files are fsynced. */
  writeDurability: WriteDurability;
  /** Where the writes make their system calls ({@link renderWriteMode}). */
  writeMode: WriteMode;
  /** With fsync in mode `hybrid`: the filesystem flush shared by the writes in flight. */
  writeFlush?: FilesystemFlush;
  /**
   * How many devices a render configures at once by default with these writes: 64, or 512 when the writes share
   * flushes (a write waits for two of them: the more devices in flight, the more files each flush covers).
   */
  concurrency: number;
  /** Stops the flush helper, if one was started. */
  close(): void;
}

/**
 * How a render writes with `durability` in `mode` (default {@link renderWriteMode}'s): with fsync in mode `hybrid`,
 * the writes in flight share one filesystem flush (`sync -f`, i.e. syncfs, through one helper shell) before their
 * renames (every file's content on the disk before it becomes visible) and one after them (the renames), instead of
 * an fsync of each file and of its folder: an fsync of a new file on ext4 writes its data, its inode and its folder
 * and flushes the disk cache, one file at a time, where one flush covers the files of many devices. Where `sync -f`
 * fails, the files are fsynced one by one.
 *
 * @example
 * ```ts
 * const writes = renderWriteEnvironment('fsync');
 * const opened = await openPlugin(tarball, { ...writes, copyFolder: true });
 * // ... configure devices, then:
 * await opened.dispose();
 * writes.close();
 * ```
 */
export function renderWriteEnvironment(durability: WriteDurability, mode: WriteMode = renderWriteMode(durability)): RenderWriteEnvironment {
  if (durability !== 'fsync' || mode !== 'hybrid') return { writeDurability: durability, writeMode: mode, concurrency: DEFAULT_CONCURRENCY, close: () => undefined };
  const flusher = new FilesystemFlusher();
  return {
    writeDurability: durability,
    writeMode: mode,
    concurrency: FLUSHED_CONCURRENCY,
    writeFlush: async (folders) => {
      const err = await flusher.flush(folders);
      if (err) throw err;
    },
    close: () => flusher.close(),
  };
}


const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Where the plugin's throwaway copy goes for a render into `outDir` when the system's temporary folder is on another
 * file system, so that the files move by rename, not by copy: the nearest folder on `outDir`'s file system, its
 * parent's or above (`outDir` itself when it is a mount point); `undefined` (the temporary folder) otherwise.
 */
async function workDirFor(outDir: string): Promise<string | undefined> {
  const devOf = async (dir: string) => {
    const info = await stat(dir).catch(() => undefined);
    return info?.isDirectory() ? info.dev : undefined;
  };
  const temp = await devOf(tmpdir());
  let dir = outDir;
  let dev = await devOf(dir);
  while (dev === undefined && dirname(dir) !== dir) dev = await devOf((dir = dirname(dir)));
  if (dev === undefined || dev === temp) return undefined;
  // the parent of an existing output folder on the same file system: the output folder holds only the output
  if (dir === outDir && (await devOf(dirname(outDir))) === dev) return dirname(outDir);
  return dir;
}

/**
 * Renders the files of many devices with one plugin in one process (`provd render`): loads the plugin as a host
 * does, calls `configureCommon` once, then `configure` for every device with its own copy of the raw config
 * (defaults applied and validated once), and moves every file that `configure` wrote into the plugin's tftpboot
 * folder to `outDir`. The first failing device fails the whole render, and then nothing is written to `outDir`.
 *
 * The plugin works in a throwaway copy, so its writes are not fsynced (`writeDurability` defaults to `none` here;
 * they stay atomic; `writeMode` defaults to {@link renderWriteMode}'s choice) and the files reach `outDir` by
 * rename (a folder new to `outDir` in one rename). When the system's temporary folder is on another filesystem, the
 * copy is made on `outDir`'s (a hidden `.provd-run-*` folder beside it, removed at the end); the files are copied
 * only when it cannot be made there. Like `cp`, the render does not fsync `outDir`; run `sync` if it must survive a
 * power loss right away.
 *
 * @example
 * ```ts
 * const { files } = await renderPlugin({ plugin: 'dist/repo/digium-2.8.1-1.2.0.tar.gz', devices, rawConfig, outDir: 'out' });
 * ```
 */
export async function renderPlugin(options: RenderPluginOptions): Promise<RenderPluginResult> {
  const start = performance.now();
  const prepared = prepareRawConfig(options.rawConfig);
  const writes = renderWriteEnvironment(options.writeDurability ?? 'none', options.writeMode);
  const { close: closeWrites, concurrency, ...environment } = writes;
  const outDir = resolve(options.outDir);
  const workDir = await workDirFor(outDir);
  const opened = await openPlugin(options.plugin, { ...options, ...environment, copyFolder: true, ...(workDir ? { workDir } : {}) }).catch((err: unknown) => {
    closeWrites();
    throw err;
  });
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
    await eachLimit(options.devices, options.concurrency ?? concurrency, async (device) => {
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

    files = await moveChangedFiles(plugin.tftpbootDir, before, outDir);
    timings.collect = (performance.now() - configured) / 1000;
  } finally {
    const disposing = performance.now();
    await opened.dispose().finally(closeWrites);
    timings.dispose = (performance.now() - disposing) / 1000;
  }
  return { devices: options.devices.length, files, seconds: (performance.now() - start) / 1000, timings };
}
