import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildRepository, type BuiltPlugin } from '@provd/build';
import { testingError } from './errors';

/** A family built by {@link buildFamily} into a temporary plugin repository. */
export interface BuiltFamily {
  /** The temporary repository: the tarballs, `plugins.db` and `dhcp/`. */
  repo: string;
  /** The plugins built, in build order. */
  plugins: BuiltPlugin[];
  /** The tarball of plugin `pluginId`; throws when the family built no such plugin. */
  tarball(pluginId: string): string;
  /** The unpacked folder of plugin `pluginId`, as a host installs it; throws when the family built no such plugin. */
  folder(pluginId: string): string;
  /** Removes the temporary folder. */
  cleanup(): Promise<void>;
}

/** Options of {@link buildFamily}. */
export interface BuildFamilyOptions {
  /** Where the repository goes (kept after `cleanup`); default: a new temporary folder, removed by `cleanup`. */
  out?: string;
}

/**
 * Builds the plugin family of `familyDir` (the folder holding `provd.family.ts`) as `provd-build build` does, into a
 * temporary repository: every check runs, and a family with a problem rejects with `PROVD_TESTING_BUILD_FAILED`,
 * whose message lists every problem.
 *
 * @example
 * ```ts
 * const family = await buildFamily(join(import.meta.dirname, '..'));
 * const plugin = await loadPlugin(family.tarball('acme-1.0.0'));
 * ```
 */
export async function buildFamily(familyDir: string, options: BuildFamilyOptions = {}): Promise<BuiltFamily> {
  const work = options.out === undefined ? await mkdtemp(join(tmpdir(), 'provd-testing-')) : undefined;
  const out = options.out !== undefined ? resolve(options.out) : join(work as string, 'repo');
  const pluginsDir = join(out, '.plugins');
  const cleanup = async (): Promise<void> => {
    if (work) await rm(work, { recursive: true, force: true });
  };
  try {
    const result = await buildRepository({ root: resolve(familyDir), out, pluginsDir });
    if (!result.ok || result.plugins.length === 0) {
      throw testingError('PROVD_TESTING_BUILD_FAILED', { dir: familyDir, problems: result.errors.map((e) => `${e.code}: ${e.message}`) });
    }
    const find = (pluginId: string): BuiltPlugin => {
      const plugin = result.plugins.find((p) => p.pluginId === pluginId);
      if (!plugin) throw testingError('PROVD_TESTING_NO_SUCH_PLUGIN', { plugin: pluginId, known: result.plugins.map((p) => p.pluginId) });
      return plugin;
    };
    return {
      repo: out,
      plugins: result.plugins,
      tarball: (pluginId) => join(out, find(pluginId).filename),
      folder: (pluginId) => join(pluginsDir, find(pluginId).pluginId),
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
