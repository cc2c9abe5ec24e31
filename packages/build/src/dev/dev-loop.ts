import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isProvdError, type ProvdError } from '@provd/sdk';
import { buildRepository } from '../build/build-repository';
import { loadFamilies } from '../build/load-families';
import { FAMILY_SEARCH } from '../family/discover-families';
import { buildError } from '../errors';
import { reloadPlugin, type ReloadTarget } from './reload-client';
import { syncPluginFolder } from './sync-plugin-folder';

/** Options of {@link startDevLoop}. */
export interface DevLoopOptions {
  /** The repository root (or the folder of a family of its own), as for `provd-build build --root`. */
  root: string;
  /** The family to rebuild. */
  family: string;
  /** The plugins folder of the running host (its `--plugins-dir`). */
  pluginsDir: string;
  /** The running host to reload the plugins into; absent: only rebuild into `pluginsDir`. */
  reload?: ReloadTarget;
  /** Receives one line per event (built, reloaded, waiting). */
  log: (line: string) => void;
  /** Receives every problem: a failed build's errors, a failed reload. The loop goes on. */
  onError: (error: ProvdError) => void;
  /** How long to wait for more changes after one, in ms (an editor's save is often several writes). @defaultValue 150 */
  debounceMs?: number;
}

/** What one round of the loop did. */
export interface DevRound {
  /** Whether the family built. */
  ok: boolean;
  /** The plugins reloaded into the host (or, without `reload`, written into the plugins folder). */
  reloaded: string[];
  /** The problems of the round. */
  errors: ProvdError[];
}

/** A running dev loop. */
export interface DevLoop {
  /** The family folder watched. */
  readonly dir: string;
  /** Resolves with the first round (build, sync, reload), when the loop is watching. */
  readonly ready: Promise<DevRound>;
  /** Runs one round now (also what a change does); rounds never overlap. */
  rebuild(): Promise<DevRound>;
  /** Stops watching and waits for a running round. */
  close(): Promise<void>;
}

/** Path segments a change in is never a source change: outputs, dependencies, version control. */
const IGNORED_SEGMENTS = new Set(['node_modules', 'dist', '.git', 'coverage']);

/** Whether a change of `rel` (relative to the family folder) should rebuild. */
export function isSourceChange(rel: string): boolean {
  const segments = rel.split(/[\\/]/);
  if (segments.some((s) => IGNORED_SEGMENTS.has(s) || s.startsWith('.'))) return false;
  const name = segments[segments.length - 1] ?? '';
  // editors' backup and swap files, and this loop's own temporary names
  return !(name.endsWith('~') || name.endsWith('.swp') || name.endsWith('.swx') || /\.dev-\d+$/.test(name) || /^\d+$/.test(name));
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Starts `provd-build dev`: builds the family with every check of `provd-build build`, writes each of its plugins
 * into the host's plugins folder (keeping what the plugins wrote there at run time), asks the running host to
 * reload them (the host swaps each plugin without a restart and reconfigures its devices), then watches the family
 * folder and does it again after every save. A failed build or reload is reported and the loop waits for the next
 * change: the host keeps the last good plugin. Throws `PROVD_BUILD_FAMILY_NOT_FOUND` when there is no such family.
 *
 * @example
 * ```ts
 * const loop = await startDevLoop({ root: '.', family: 'acme', pluginsDir: 'plugins', reload: { apiUrl: 'http://127.0.0.1:8666' }, log: console.error, onError: (e) => console.error(e.message) });
 * await loop.ready;
 * ```
 */
export async function startDevLoop(options: DevLoopOptions): Promise<DevLoop> {
  const root = resolve(options.root);
  const pluginsDir = resolve(options.pluginsDir);
  const selection = await loadFamilies(root, [options.family], { includeExamples: true });
  const family = selection.families[0];
  if (!family) throw selection.errors[0] ?? buildError('PROVD_BUILD_FAMILY_NOT_FOUND', { family: options.family, known: [], root, searched: FAMILY_SEARCH });
  const dir = family.dir;
  let first = true;
  let running: Promise<DevRound> | undefined;
  let again = false;

  const round = async (): Promise<DevRound> => {
    const started = performance.now();
    const work = await mkdtemp(join(tmpdir(), 'provd-dev-'));
    const errors: ProvdError[] = [];
    const reloaded: string[] = [];
    try {
      let result;
      try {
        result = await buildRepository({ root, families: [options.family], includeExamples: true, out: join(work, 'repo'), pluginsDir: join(work, 'plugins') });
      } catch (err) {
        errors.push(isProvdError(err) ? err : buildError('PROVD_BUILD_DEV_FAILED', { family: options.family, reason: reasonOf(err) }));
      }
      if (!result || !result.ok) {
        errors.push(...(result?.errors ?? []));
        for (const error of errors) options.onError(error);
        options.log(`${options.family}: the build failed (${errors.length} problem${errors.length === 1 ? '' : 's'}); the host keeps the last good plugin; waiting for changes`);
        return { ok: false, reloaded, errors };
      }
      for (const plugin of result.plugins) {
        const synced = await syncPluginFolder(join(work, 'plugins', plugin.pluginId), join(pluginsDir, plugin.pluginId));
        const changed = synced.written.length + synced.removed.length;
        if (changed === 0 && !first) continue;
        if (options.reload) {
          try {
            await reloadPlugin(options.reload, plugin.pluginId);
          } catch (err) {
            const error = isProvdError(err) ? err : buildError('PROVD_BUILD_DEV_FAILED', { family: options.family, reason: reasonOf(err) });
            errors.push(error);
            options.onError(error);
            continue;
          }
        }
        reloaded.push(plugin.pluginId);
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const what = reloaded.length === 0 ? 'nothing changed' : `${options.reload ? 'reloaded' : 'wrote'} ${reloaded.join(', ')}`;
      options.log(`${options.family}: built in ${seconds} s, ${what}; waiting for changes`);
      first = false;
      return { ok: errors.length === 0, reloaded, errors };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };

  const rebuild = (): Promise<DevRound> => {
    if (running) {
      again = true;
      return running;
    }
    running = round().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void rebuild();
      }
    });
    return running;
  };

  const ready = rebuild();
  const insidePlugins = (abs: string): boolean => abs === pluginsDir || abs.startsWith(pluginsDir + sep);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    if (name === null) return;
    const rel = String(name);
    if (!isSourceChange(rel) || insidePlugins(join(dir, rel))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      options.log(`${options.family}: ${relative(root, join(dir, rel)) || rel} changed, rebuilding`);
      void rebuild();
    }, options.debounceMs ?? 150);
  });

  return {
    dir,
    ready,
    rebuild,
    async close() {
      watcher.close();
      if (timer) clearTimeout(timer);
      again = false;
      await running;
    },
  };
}
