import { join, resolve } from 'node:path';
import { isProvdError, type ProvdError } from '@provd/sdk';
import { discoverFamilyFiles, FAMILY_SEARCH } from '../family/discover-families';
import { loadFamilyFile } from '../family/load-family';
import type { FamilyDefinition } from '../family/types';
import { findDhcpOverlaps, validateDhcp, validateFamily } from '../family/validate-family';
import type { LoadedFamily } from './types';
import { buildError } from '../errors';

/** The families selected for a build, and the problems found while loading them. */
export interface FamilySelection {
  /** The selected families that loaded and passed their checks, in discovery order. */
  families: LoadedFamily[];
  /** The families the DHCP files cover: every valid default family, selected or not, plus the selected ones. */
  valid: LoadedFamily[];
  /** The problems that concern the selection. */
  errors: ProvdError[];
  /** How many family files exist in the repository. */
  found: number;
}

interface FileOutcome {
  file: string;
  name?: string;
  family?: LoadedFamily;
  errors: ProvdError[];
}

async function loadOne(root: string, file: string): Promise<FileOutcome> {
  let value: unknown;
  try {
    value = await loadFamilyFile(join(root, file), file);
  } catch (err) {
    if (isProvdError(err)) return { file, errors: [err] };
    throw err;
  }
  const name = typeof (value as { name?: unknown }).name === 'string' ? (value as { name: string }).name : undefined;
  const shape = validateFamily(value);
  if (shape.length > 0) return { file, name, errors: [buildError('PROVD_BUILD_FAMILY_INVALID', { file, family: name, errors: shape })] };
  const definition = value as FamilyDefinition;
  const dhcp = validateDhcp(definition.dhcp);
  const errors = dhcp.length > 0 ? [buildError('PROVD_BUILD_DHCP_INVALID', { family: definition.name, file, errors: dhcp })] : [];
  return { file, name, errors, family: { name: definition.name, file, dir: resolve(root, file, '..'), definition } };
}

/** Options of {@link loadFamilies}. */
export interface LoadFamiliesOptions {
  /**
   * With no names, also select the example families (`examples/*`); otherwise only the families under `packages/`
   * are selected by default, and an example is built only when named.
   * @defaultValue false
   */
  includeExamples?: boolean;
}

/**
 * Discovers, loads and checks the family files of a repository and selects the named families (with no names, every
 * family under `packages/` and one at the root itself, plus the examples with `includeExamples`). Problems of families that are not selected are left out, except for files that could not be loaded at all
 * when a named family is missing (it may be the broken one) and DHCP prefixes that overlap a selected family's.
 *
 * @example
 * ```ts
 * const { families, errors } = await loadFamilies(process.cwd(), ['digium']);
 * ```
 */
export async function loadFamilies(root: string, names: readonly string[], options: LoadFamiliesOptions = {}): Promise<FamilySelection> {
  const files = await discoverFamilyFiles(root);
  const outcomes: FileOutcome[] = [];
  for (const file of files) outcomes.push(await loadOne(root, file));
  const errors: ProvdError[] = [];

  const byName = new Map<string, FileOutcome[]>();
  for (const o of outcomes) if (o.name !== undefined) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  for (const [family, list] of byName) {
    if (list.length > 1) errors.push(buildError('PROVD_BUILD_FAMILY_DUPLICATE', { family, files: list.map((o) => o.file) }));
  }

  let selected: FileOutcome[];
  // A family at the root (a plugin folder of its own) is built by default, like those under packages/.
  const byDefault = (o: FileOutcome): boolean => options.includeExamples === true || !o.file.startsWith('examples/');
  if (names.length === 0) selected = outcomes.filter(byDefault);
  else {
    selected = [];
    const missing = names.filter((n) => !byName.has(n));
    for (const name of missing) errors.push(buildError('PROVD_BUILD_FAMILY_NOT_FOUND', { family: name, known: [...byName.keys()].sort(), root: resolve(root), searched: FAMILY_SEARCH }));
    for (const o of outcomes) {
      if ((o.name !== undefined && names.includes(o.name)) || (missing.length > 0 && o.name === undefined)) selected.push(o);
    }
  }
  for (const o of selected) errors.push(...o.errors);
  const families = selected.flatMap((o) => (o.family && o.errors.length === 0 ? [o.family] : []));
  // The DHCP files cover the default families and whatever else was selected (an example only when built).
  const valid = outcomes.flatMap((o) => (o.family && o.errors.length === 0 && (byDefault(o) || selected.includes(o)) ? [o.family] : []));

  // Overlaps are checked across the whole repository (the DHCP files cover every family), reported when they
  // concern a selected family.
  const chosen = new Set(families.map((f) => f.name));
  const overlaps = findDhcpOverlaps(valid.map((f) => ({ name: f.name, dhcp: f.definition.dhcp }))).filter((o) => chosen.has(o.family) || chosen.has(o.other));
  for (const f of valid) {
    const list = overlaps.filter((o) => o.family === f.name).map((o) => o.message);
    if (list.length > 0) errors.push(buildError('PROVD_BUILD_DHCP_INVALID', { family: f.name, file: f.file, errors: list }));
  }
  const byPlugin = new Map<string, string[]>();
  for (const f of families) {
    for (const t of f.definition.targets) byPlugin.set(t.pluginId, [...(byPlugin.get(t.pluginId) ?? []), `${f.name}/${t.id}`]);
  }
  for (const [plugin, targets] of byPlugin) {
    if (targets.length > 1) errors.push(buildError('PROVD_BUILD_PLUGIN_ID_DUPLICATE', { plugin, targets }));
  }
  return { families, valid, errors, found: files.length };
}
