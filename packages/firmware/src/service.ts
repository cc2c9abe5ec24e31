/**
 * The firmware installation service of a plugin (contract §8.10): lists installable and installed packages, installs
 * (download, verify, stage, commit), upgrades and uninstalls them, emitting progress events.
 */
import { EventEmitter } from 'node:events';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstallableInfo, InstalledInfo, InstallService, ManifestReadResult, FirmwareManifest } from '@provd/sdk';
import type { ArchiveLimits } from './archive/index';
import { isProvdError } from '@provd/sdk';
import { firmwareError } from './errors';
import { commitInstall, removeInstalled } from './commit';
import { COMMIT_JOURNAL_NAME, undoInterruptedCommit } from './commit-journal';
import { downloadFile, isDownloadable, type DownloadOptions } from './download';
import { runInstallGraph, type GraphInput } from './install-graph';
import { InstalledStore, recordFor, type InstalledRecord } from './installed-db';
import { formatDiagnostic } from './manifest-model';
import { packageErrors, resolvePackageSteps } from './manifest-validate';
import { readPkgsDir } from './pkgs-db';
import { acquirePluginLock } from './plugin-lock';
import { verifyFileOnDisk } from './verify';

/** Bytes of a file arrived. */
export interface DownloadProgressEvent {
  /** The event kind. */
  type: 'download';
  /** The package being installed. */
  pkg: string;
  /** The cache name of the file. */
  file: string;
  /** Bytes received so far. */
  received: number;
  /** The file size. */
  total: number;
}

/** A file is being checked (in the cache, or placed by hand). */
export interface VerifyProgressEvent {
  /** The event kind. */
  type: 'verify';
  /** The package being installed. */
  pkg: string;
  /** The cache name of the file. */
  file: string;
}

/** An install step starts. */
export interface StepProgressEvent {
  /** The event kind. */
  type: 'step';
  /** The package being installed. */
  pkg: string;
  /** The step, e.g. `a-b: untar firmware.tar.gz`. */
  step: string;
  /** Its 0-based position. */
  index: number;
  /** The number of steps. */
  count: number;
}

/** The staged files are being moved into place. */
export interface CommitProgressEvent {
  /** The event kind. */
  type: 'commit';
  /** The package being installed. */
  pkg: string;
}

/** The package is installed. */
export interface DoneProgressEvent {
  /** The event kind. */
  type: 'done';
  /** The package installed. */
  pkg: string;
  /** How many files it installed. */
  files: number;
}

/** A progress event of an install. */
export type FirmwareProgressEvent = DownloadProgressEvent | VerifyProgressEvent | StepProgressEvent | CommitProgressEvent | DoneProgressEvent;

/** The events a {@link FirmwareService} emits. */
export interface FirmwareServiceEvents {
  /** Progress of any install or upgrade. */
  progress: [FirmwareProgressEvent];
}

/** Options of {@link FirmwareService}. */
export interface FirmwareServiceOptions {
  /** The plugin folder (holding `pkgs/` and `var/`). */
  pluginDir: string;
  /** The plugin id, for messages. */
  pluginId?: string;
  /** The manifest; read from `<pluginDir>/pkgs/` at first use when left out. */
  manifest?: ManifestReadResult;
  /** Download settings (proxies, credentials, timeouts, retries). */
  download?: Omit<DownloadOptions, 'onProgress' | 'signal'>;
  /** Bounds on unpacked archives. */
  limits?: Partial<ArchiveLimits>;
  /**
   * How long an operation waits, in milliseconds, for another process (or service) working on the same plugin folder
   * before failing with `PROVD_FETCHFW_LOCKED`; default 10000.
   */
  lockWaitMs?: number;
}

/** Per-call options of install and upgrade. */
export interface InstallCallOptions {
  /** Receives the progress of this call (also emitted as `progress` events). */
  onProgress?: (event: FirmwareProgressEvent) => void;
  /** Cancels the call (nothing is installed). */
  signal?: AbortSignal;
}

/**
 * Installs a plugin's firmware packages into its `var/tftpboot/`. One operation runs at a time per plugin folder,
 * across services and processes (a lock file in `var/installed/`); an install either completes or leaves the folder and
 * the records as they were, even when the process is killed mid-way (the next operation of any service undoes the
 * interrupted commit from its journal and removes stale staging folders).
 *
 * @example
 * ```ts
 * const service = new FirmwareService({ pluginDir, download: { proxies: generalConfig.proxies } });
 * service.on('progress', (e) => console.log(e));
 * await service.install('firmware');
 * ```
 */
export class FirmwareService extends EventEmitter<FirmwareServiceEvents> {
  private manifestResult: Promise<ManifestReadResult> | undefined;
  private readonly busy = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly store: InstalledStore;

  /** Creates the service; nothing is read until the first call. */
  constructor(private readonly options: FirmwareServiceOptions) {
    super();
    this.store = new InstalledStore(join(options.pluginDir, 'var', 'installed'));
    if (options.manifest) this.manifestResult = Promise.resolve(options.manifest);
  }

  /** The install root: the plugin's `var/tftpboot/`. */
  get rootDir(): string {
    return join(this.options.pluginDir, 'var', 'tftpboot');
  }

  /** The download cache: the plugin's `var/cache/`. */
  get cacheDir(): string {
    return join(this.options.pluginDir, 'var', 'cache');
  }

  /** The manifest and its diagnostics. */
  async manifest(): Promise<ManifestReadResult> {
    this.manifestResult ??= readPkgsDir(join(this.options.pluginDir, 'pkgs')).then((r) => r ?? { manifest: { packages: {}, files: {}, graphs: {} }, diagnostics: [] });
    return this.manifestResult;
  }

  /** Every package the manifest offers, installed or not. */
  async installable(): Promise<Record<string, InstallableInfo>> {
    const { manifest, diagnostics } = await this.manifest();
    const out: Record<string, InstallableInfo> = {};
    for (const pkg of Object.values(manifest.packages)) {
      const files = pkg.files.map((f) => manifest.files[f]).filter((f) => f !== undefined);
      const manual: InstallableInfo['manual'] = [];
      for (const f of files) {
        if (isDownloadable(f)) continue;
        const path = join(this.cacheDir, f.filename);
        if ((await verifyFileOnDisk(path, { size: f.size, sha1: f.sha1 }).catch(() => undefined)) !== true) manual.push({ path, size: f.size, sha1: f.sha1 });
      }
      out[pkg.id] = {
        version: pkg.version,
        description: pkg.description,
        descriptions: { ...pkg.descriptions },
        dsize: files.reduce((n, f) => n + f.size, 0),
        manual,
        errors: packageErrors(manifest, diagnostics, pkg.id).map(formatDiagnostic),
      };
    }
    return out;
  }

  /** Every installed package. */
  async installed(): Promise<Record<string, InstalledInfo>> {
    await this.recoverIfIdle();
    const out: Record<string, InstalledInfo> = {};
    for (const [id, r] of Object.entries(await this.store.readAll())) out[id] = { version: r.version, description: r.description, files: r.files.filter((f) => !f.endsWith('/')).length };
    return out;
  }

  /** Installs (or reinstalls) a package: the files the previous installation alone owned are removed. */
  install(id: string, options: InstallCallOptions = {}): Promise<InstalledRecord> {
    return this.exclusive(id, () => this.doInstall(id, options));
  }

  /** Upgrades an installed package to the manifest's version: installs it, then removes what only the old one owned. */
  upgrade(id: string, options: InstallCallOptions = {}): Promise<InstalledRecord> {
    return this.exclusive(id, async () => {
      if (!(await this.store.readAll())[id]) throw firmwareError('PROVD_FETCHFW_NOT_INSTALLED', { pkg: id, plugin: this.options.pluginId });
      return this.doInstall(id, options);
    });
  }

  /** Removes the files of an installed package that no other package uses, then its record. */
  uninstall(id: string): Promise<string[]> {
    return this.exclusive(id, async () => {
      const records = await this.store.readAll();
      const record = records[id];
      if (!record) throw firmwareError('PROVD_FETCHFW_NOT_INSTALLED', { pkg: id, plugin: this.options.pluginId });
      return removeInstalled(this.rootDir, this.store, record, records);
    });
  }

  /** Runs `task` after the previous operation, refusing a second concurrent operation on the same package. */
  private exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) return Promise.reject(firmwareError('PROVD_FETCHFW_BUSY', { pkg: id, plugin: this.options.pluginId }));
    this.busy.add(id);
    const locked = (): Promise<T> => this.withLock(task);
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run.finally(() => this.busy.delete(id));
  }

  /** The plugin's name in messages. */
  private get pluginLabel(): string {
    return this.options.pluginId ?? this.options.pluginDir;
  }

  /** Runs `task` holding the plugin folder's lock, after undoing any interrupted commit. */
  private async withLock<T>(task: () => Promise<T>): Promise<T> {
    // a plugin folder missing meanwhile (an upgrade swapping it, or an uninstall) is waited for, never recreated:
    // the lock ends the wait with PROVD_FETCHFW_PLUGIN_GONE
    const lock = await acquirePluginLock({ dir: this.store.dir, plugin: this.pluginLabel, waitMs: this.options.lockWaitMs ?? 10_000 });
    try {
      await this.recover();
      return await task();
    } finally {
      await lock.release();
    }
  }

  /** Undoes an interrupted commit and removes stale staging folders; only called holding the lock. */
  private async recover(): Promise<void> {
    await undoInterruptedCommit(this.store.dir);
    const varDir = join(this.options.pluginDir, 'var');
    const names = await readdir(varDir).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith('.install-')) await rm(join(varDir, name), { recursive: true, force: true });
  }

  /** Before reading the records: undoes an interrupted commit when one is journaled and no one holds the lock. */
  private async recoverIfIdle(): Promise<void> {
    if (!(await lstat(join(this.store.dir, COMMIT_JOURNAL_NAME)).catch(() => undefined))) return;
    let lock: Awaited<ReturnType<typeof acquirePluginLock>>;
    try {
      lock = await acquirePluginLock({ dir: this.store.dir, plugin: this.pluginLabel, waitMs: 0 });
    } catch (err) {
      if (isProvdError(err, 'PROVD_FETCHFW_LOCKED')) return; // someone is committing; its records are whole files
      throw err;
    }
    try {
      await this.recover();
    } finally {
      await lock.release();
    }
  }

  private emitProgress(event: FirmwareProgressEvent, options: InstallCallOptions): void {
    options.onProgress?.(event);
    this.emit('progress', event);
  }

  private async doInstall(id: string, options: InstallCallOptions): Promise<InstalledRecord> {
    const { manifest, diagnostics } = await this.manifest();
    const pkg = manifest.packages[id];
    if (!pkg) throw firmwareError('PROVD_FETCHFW_UNKNOWN_PACKAGE', { pkg: id, plugin: this.options.pluginId, known: Object.keys(manifest.packages).sort() });
    const errors = packageErrors(manifest, diagnostics, id);
    if (errors.length > 0) throw firmwareError('PROVD_FETCHFW_PACKAGE_INVALID', { pkg: id, plugin: this.options.pluginId, errors: errors.map(formatDiagnostic) });
    const { steps } = resolvePackageSteps(manifest, pkg);
    const inputs = await this.fetchFiles(manifest, id, options);
    const varDir = join(this.options.pluginDir, 'var');
    await mkdir(varDir, { recursive: true });
    const staging = await mkdtemp(join(varDir, `.install-${id}-`));
    try {
      const result = await runInstallGraph({
        pkg: id,
        steps,
        inputs,
        staging: await mkdtemp(join(staging, 'graph-')),
        limits: this.options.limits,
        onStep: (step, index, count) => {
          options.signal?.throwIfAborted();
          this.emitProgress({ type: 'step', pkg: id, step: step.text, index, count }, options);
        },
      });
      options.signal?.throwIfAborted();
      this.emitProgress({ type: 'commit', pkg: id }, options);
      const record = await commitInstall({
        pkg: id,
        result,
        root: this.rootDir,
        backup: await mkdtemp(join(staging, 'backup-')),
        store: this.store,
        record: (files) => recordFor(pkg, files),
        installed: await this.store.readAll(),
      });
      this.emitProgress({ type: 'done', pkg: id, files: record.files.filter((f) => !f.endsWith('/')).length }, options);
      return record;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Makes sure every file of the package is in the cache and verified; returns them for node `a`. */
  private async fetchFiles(manifest: FirmwareManifest, id: string, options: InstallCallOptions): Promise<GraphInput[]> {
    const pkg = manifest.packages[id]!;
    await mkdir(this.cacheDir, { recursive: true });
    const out: GraphInput[] = [];
    for (const fileId of pkg.files) {
      const file = manifest.files[fileId]!;
      const path = join(this.cacheDir, file.filename);
      this.emitProgress({ type: 'verify', pkg: id, file: file.filename }, options);
      const state = await verifyFileOnDisk(path, file);
      const downloadable = isDownloadable(file);
      if (state !== true) {
        if (state !== undefined) {
          // A wrong cached file: never used; replaced when it can be downloaded, reported when it must be placed by hand.
          if (!downloadable) throw state;
          await rm(path, { force: true });
        }
        if (!downloadable) throw firmwareError('PROVD_FETCHFW_MANUAL_FILE', { path, size: file.size, sha1: file.sha1, pkg: id, url: file.url });
        await downloadFile(file, this.cacheDir, {
          ...this.options.download,
          signal: options.signal,
          onProgress: (received, total) => this.emitProgress({ type: 'download', pkg: id, file: file.filename, received, total }, options),
        });
      }
      out.push({ path, name: file.filename });
    }
    return out;
  }
}
