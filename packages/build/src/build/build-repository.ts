import { chmod, cp, mkdir, mkdtemp, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { isProvdError, type ProvdError } from '@provd/sdk';
import { currentSdkVersion } from '../checks/sdk-version';
import { renderDhcpHookScript, renderKeaHooks, type DhcpHookOptions } from '../dhcp/dhcp-hooks';
import { renderIscDhcpd } from '../dhcp/isc-dhcpd';
import { renderKeaClasses } from '../dhcp/kea-dhcp4';
import { tempNameIn } from '../fs/temp-name';
import { writeFileAtomic } from '@provd/sdk';
import { writeOfflineBundle } from '../offline/offline-bundle';
import { scanTarballs } from '../repo/index-folder';
import type { IndexCandidate } from '../repo/plugins-db';
import { writeIndex } from '../repo/write-index';
import { readSigningKey } from '../sign/sign-index';
import { writeDeterministicTarGz } from '../tarball/deterministic-tar';
import { loadFamilies } from './load-families';
import { prepareTarget } from './prepare-target';
import { writeFailed } from './write-failed';
import { silentReporter, type BuildReporter, type LoadedFamily, type PreparedPlugin } from './types';

/** What to build and where. */
export interface BuildOptions {
  /** The repository root holding `packages/` and `examples/`. */
  root: string;
  /** The family names to build; when empty or absent, every family under `packages/` (see `includeExamples`). */
  families?: readonly string[];
  /** With no family names, also take the example families (`examples/*`). `checkOnly` always does. */
  includeExamples?: boolean;
  /** The output folder (the plugin repository), relative to `root` or absolute. */
  out: string;
  /** Indent `plugins.db`. */
  pretty?: boolean;
  /** A PEM Ed25519 private key file: also write `plugins.db.sig`. */
  signKey?: string;
  /** Also write an offline bundle `.zip` at this path. */
  bundle?: string;
  /** The base URL written into the Kea classes. */
  dhcpBaseUrl?: string;
  /** Also write the DHCP hooks that post leases to the host (ISC `on commit`/`release`/`expiry`, Kea run_script). */
  dhcpHooks?: DhcpHookOptions;
  /** Also write each built plugin as an unpacked folder `<pluginsDir>/<plugin id>` (replacing an older one). */
  pluginsDir?: string;
  /** Only check, write nothing (`provd-build check`). */
  checkOnly?: boolean;
  /** Where progress and warnings go. */
  reporter?: BuildReporter;
}

/** One plugin of a build. */
export interface BuiltPlugin {
  /** The family name. */
  family: string;
  /** The target id. */
  target: string;
  /** The plugin id. */
  pluginId: string;
  /** The plugin version. */
  version: string;
  /** The tarball file name. */
  filename: string;
}

/** What a build did. */
export interface BuildResult {
  /** Whether every target passed (and, unless checking, the repository was written). */
  ok: boolean;
  /** Every problem found. */
  errors: ProvdError[];
  /** How many family files the repository holds. */
  familiesFound: number;
  /** The families built or checked. */
  families: string[];
  /** The plugins built or checked. */
  plugins: BuiltPlugin[];
  /** The files written, relative to the output folder (empty when checking or failing). */
  written: string[];
}

const CONCURRENCY = 4;

async function mapPool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * Builds plugin families into a plugin repository: one deterministic tarball per target, `plugins.db` over every
 * tarball of the folder (highest version per plugin id), the DHCP classes of every valid family of the repository,
 * and optionally a signature and an offline bundle. When any problem is found, every problem is returned and nothing
 * is written.
 *
 * @example
 * ```ts
 * const result = await buildRepository({ root: process.cwd(), families: ['digium'], out: 'dist/repo' });
 * if (!result.ok) for (const e of result.errors) console.error(e.message);
 * ```
 */
export async function buildRepository(options: BuildOptions): Promise<BuildResult> {
  const reporter = options.reporter ?? silentReporter;
  const root = resolve(options.root);
  const out = resolve(root, options.out);
  const display = (abs: string): string => {
    const rel = relative(root, abs);
    return rel.startsWith('..') ? abs : rel.split(sep).join('/');
  };
  const sdkVersion = currentSdkVersion();
  const selection = await loadFamilies(root, options.families ?? [], {
    includeExamples: options.includeExamples === true || options.checkOnly === true,
  });
  const errors = [...selection.errors];
  const result = (ok: boolean, plugins: PreparedPlugin[], written: string[]): BuildResult => ({
    ok,
    errors,
    familiesFound: selection.found,
    families: selection.families.map((f) => f.name),
    plugins: plugins.map(({ family, target, pluginId, version, filename }) => ({ family, target, pluginId, version, filename })),
    written,
  });

  let key: KeyObject | undefined;
  if (options.signKey !== undefined && !options.checkOnly) {
    try {
      key = await readSigningKey(resolve(root, options.signKey));
    } catch (err) {
      if (!isProvdError(err)) throw err;
      errors.push(err);
    }
  }

  const outExisted = (await stat(out).catch(() => undefined)) !== undefined;
  let staging: string;
  try {
    if (options.checkOnly) staging = await mkdtemp(join(tmpdir(), 'provd-check-'));
    else {
      await mkdir(out, { recursive: true });
      staging = tempNameIn(out, 'provd-build');
      await mkdir(staging);
    }
  } catch (err) {
    throw writeFailed(err, display(out));
  }
  try {
    const jobs = selection.families.flatMap((family) => family.definition.targets.map((target) => ({ family, target })));
    const prepared = await mapPool(jobs, async ({ family, target }) => {
      reporter.progress(`checking ${family.name} ${target.id}`);
      return prepareTarget(family, target, { display, sdkVersion, reporter, staging });
    });
    const plugins: PreparedPlugin[] = [];
    for (const p of prepared) {
      if (p.ok) plugins.push(p.plugin);
      else errors.push(...p.errors);
    }
    if (options.checkOnly || errors.length > 0 || selection.found === 0) return result(errors.length === 0, plugins, []);

    const newNames = new Set(plugins.map((p) => p.filename));
    const existing = await scanTarballs(out, display);
    errors.push(...existing.errors.filter((e) => !newNames.has(e.file?.split('/').pop() ?? '')));
    if (errors.length > 0) return result(false, plugins, []);
    const written = await writeRepository(out, staging, plugins, existing.candidates.filter((c) => !newNames.has(c.filename)), selection.valid, {
      ...options,
      key,
      reporter,
    });
    if (options.pluginsDir !== undefined) {
      const dir = resolve(root, options.pluginsDir);
      await mkdir(dir, { recursive: true });
      for (const plugin of plugins) {
        await rm(join(dir, plugin.pluginId), { recursive: true, force: true });
        await cp(join(staging, plugin.pluginId), join(dir, plugin.pluginId), { recursive: true });
      }
    }
    if (options.bundle !== undefined) {
      reporter.progress(`writing the offline bundle ${options.bundle}`);
      await writeOfflineBundle(out, resolve(root, options.bundle));
    }
    return result(true, plugins, written);
  } catch (err) {
    throw writeFailed(err, display(out));
  } finally {
    await rm(staging, { recursive: true, force: true });
    if (!outExisted && (errors.length > 0 || selection.found === 0)) await rmdir(out).catch(() => undefined);
  }
}

async function writeRepository(
  out: string,
  staging: string,
  plugins: readonly PreparedPlugin[],
  existing: readonly IndexCandidate[],
  families: readonly LoadedFamily[],
  options: BuildOptions & { key?: KeyObject; reporter: BuildReporter },
): Promise<string[]> {
  const fresh: IndexCandidate[] = [];
  for (const plugin of plugins) {
    options.reporter.progress(`packing ${plugin.filename}`);
    const digest = await writeDeterministicTarGz(join(staging, plugin.filename), plugin.entries);
    fresh.push({ filename: plugin.filename, pluginId: plugin.pluginId, pluginInfo: plugin.pluginInfo, digest });
  }
  for (const plugin of plugins) await rename(join(staging, plugin.filename), join(out, plugin.filename));
  const written = plugins.map((p) => p.filename);
  written.push(...(await writeIndex(out, [...existing, ...fresh], options)));
  const dhcpFamilies = families.flatMap((f) => (f.definition.dhcp ? [{ name: f.name, dhcp: f.definition.dhcp }] : []));
  await mkdir(join(out, 'dhcp'), { recursive: true });
  await writeFileAtomic(join(out, 'dhcp', 'isc-dhcpd.conf'), renderIscDhcpd(dhcpFamilies, options.dhcpHooks));
  await writeFileAtomic(join(out, 'dhcp', 'kea-dhcp4-classes.json'), renderKeaClasses(dhcpFamilies, options.dhcpBaseUrl));
  written.push('dhcp/isc-dhcpd.conf', 'dhcp/kea-dhcp4-classes.json');
  if (options.dhcpHooks) {
    await writeFileAtomic(join(out, 'dhcp', 'provd-dhcp-hook'), renderDhcpHookScript(options.dhcpHooks));
    await chmod(join(out, 'dhcp', 'provd-dhcp-hook'), 0o755);
    await writeFileAtomic(join(out, 'dhcp', 'kea-dhcp4-hooks.json'), renderKeaHooks(options.dhcpHooks));
    written.push('dhcp/provd-dhcp-hook', 'dhcp/kea-dhcp4-hooks.json');
  }
  return written;
}
