import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ProvdError } from '@provd/sdk';
import { bundleEntry } from '../bundle/bundle-entry';
import { checkFirmwareManifests } from '../checks/check-firmware';
import { checkPluginInfo, formatPluginInfo, type CheckSubject } from '../checks/check-plugin-info';
import { checkTemplates } from '../checks/check-templates';
import type { TargetDefinition } from '../family/types';
import { layerSources, sourceSpec, type LayeredFile } from '../layer/layer-sources';
import type { TarEntry } from '../tarball/deterministic-tar';
import type { BuildReporter, LoadedFamily, PreparedPlugin } from './types';
import { buildError } from '../errors';

/** The empty folders every plugin gets (survey §1.2). */
export const STANDARD_DIRS: readonly string[] = ['var', 'var/cache', 'var/installed', 'var/templates', 'var/tftpboot'];

/** The result of preparing one target: the plugin, or every problem found. */
export type PreparedTarget = { ok: true; plugin: PreparedPlugin } | { ok: false; errors: ProvdError[] };

/** What preparing a target needs from the build. */
export interface PrepareOptions {
  /** Shows an absolute path relative to the repository root. */
  display: (abs: string) => string;
  /** The `@provd/sdk` version plugins are built against. */
  sdkVersion: string;
  /** Where warnings go. */
  reporter: BuildReporter;
  /** A scratch folder where the plugin folder is assembled (as `<staging>/<plugin id>`) for the checks. */
  staging: string;
}

/** Reads a layered file's bytes. */
export async function layeredBytes(file: LayeredFile): Promise<Uint8Array> {
  return typeof file.source === 'string' ? readFile(file.source) : file.source;
}

/**
 * Turns one target into the entries of its plugin folder, running every check (sources, plugin-info, sdk range,
 * entry bundle, templates, firmware manifests) and collecting all problems rather than stopping at the first.
 *
 * @example
 * ```ts
 * const result = await prepareTarget(family, family.definition.targets[0], options);
 * ```
 */
export async function prepareTarget(family: LoadedFamily, target: TargetDefinition, options: PrepareOptions): Promise<PreparedTarget> {
  const subject: CheckSubject = { family: family.name, target: target.id };
  const errors: ProvdError[] = [];
  const specs = target.sources.map(sourceSpec);
  const resolved = [];
  for (const spec of specs) {
    const dir = join(family.dir, spec.dir);
    if ((await stat(dir).catch(() => undefined))?.isDirectory()) resolved.push({ dir, spec });
    else errors.push(buildError('PROVD_BUILD_SOURCE_MISSING', { ...subject, dir: options.display(dir) }));
  }
  const tree = await layerSources(resolved, target.files ?? {}, options.display, family.file);
  for (const dir of STANDARD_DIRS) tree.dirs.add(dir);
  const sourceNames = specs.map((s) => s.dir);

  let pluginInfo: Record<string, unknown> | undefined;
  let infoFile = tree.files.get('plugin-info');
  if (target.pluginInfo !== undefined) {
    // Declared by the family file: written by the build, checked like a file; a source file as well is ambiguous.
    if (infoFile) errors.push(buildError('PROVD_BUILD_PLUGIN_INFO_TWICE', { ...subject, familyFile: family.file, file: infoFile.origin }));
    infoFile = { path: 'plugin-info', source: Buffer.from(formatPluginInfo(target.pluginInfo)), origin: `${family.file} (pluginInfo of target ${JSON.stringify(target.id)})`, executable: false };
    tree.files.set('plugin-info', infoFile);
  }
  if (!infoFile) {
    errors.push(buildError('PROVD_BUILD_PLUGIN_INFO_MISSING', { ...subject, sources: sourceNames }));
  } else {
    const checked = checkPluginInfo(await layeredBytes(infoFile), infoFile.origin, subject, options.sdkVersion);
    errors.push(...checked.errors);
    if (checked.info && checked.bytes) {
      pluginInfo = checked.info;
      tree.files.set('plugin-info', { ...infoFile, source: checked.bytes });
    }
  }

  if (!tree.entry) {
    errors.push(buildError('PROVD_BUILD_ENTRY_MISSING', { ...subject, sources: sourceNames }));
  } else {
    const bundled = await bundleEntry(tree.entry, family.dir, options.display);
    if (!bundled.ok) {
      errors.push(buildError('PROVD_BUILD_BUNDLE_FAILED', { ...subject, file: bundled.file, line: bundled.line, reason: bundled.reason }));
    } else if (!bundled.hasDefaultExport) {
      errors.push(buildError('PROVD_BUILD_ENTRY_NO_DEFAULT', { ...subject, file: options.display(tree.entry) }));
    } else {
      tree.files.set('entry.js', { path: 'entry.js', source: bundled.code, origin: options.display(tree.entry), executable: false });
    }
  }

  const pluginDir = join(options.staging, target.pluginId);
  await materialize(pluginDir, tree.dirs, tree.files.values());
  errors.push(...(await checkTemplates(pluginDir, tree.files, subject)));
  const firmware = await checkFirmwareManifests(tree.files, layeredBytes, subject);
  errors.push(...firmware.errors);
  for (const warning of firmware.warnings) options.reporter.warn(`family "${family.name}", target "${target.id}": ${warning}`);

  if (errors.length > 0 || !pluginInfo) return { ok: false, errors };
  const version = String(pluginInfo.version);
  const top = target.pluginId;
  const entries: TarEntry[] = [{ path: top, type: 'dir' }];
  for (const dir of tree.dirs) entries.push({ path: `${top}/${dir}`, type: 'dir' });
  for (const file of tree.files.values()) {
    entries.push({ path: `${top}/${file.path}`, type: 'file', source: file.source, executable: file.executable });
  }
  return {
    ok: true,
    plugin: { family: family.name, target: target.id, pluginId: top, version, filename: `${top}-${version}.tar.gz`, pluginInfo, entries },
  };
}

/** Writes a plugin folder: its folders, then its files. */
async function materialize(pluginDir: string, dirs: ReadonlySet<string>, files: Iterable<LayeredFile>): Promise<void> {
  await mkdir(pluginDir, { recursive: true });
  for (const dir of dirs) await mkdir(join(pluginDir, dir), { recursive: true });
  for (const file of files) {
    const target = join(pluginDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await layeredBytes(file), { mode: file.executable ? 0o755 : 0o644 });
  }
}
