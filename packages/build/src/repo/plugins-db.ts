import type { FileDigest } from '../tarball/deterministic-tar';
import { comparePluginVersions } from './compare-versions';

/** One tarball as the index sees it. */
export interface IndexCandidate {
  /** The tarball's file name (no folder). */
  filename: string;
  /** The plugin id (the tarball's top folder). */
  pluginId: string;
  /** The plugin's `plugin-info`. */
  pluginInfo: Record<string, unknown>;
  /** Size and digests of the tarball. */
  digest: FileDigest;
}

/** The outcome of choosing one tarball per plugin id. */
export interface IndexSelection {
  /** The chosen tarball of every plugin id, sorted by plugin id. */
  chosen: IndexCandidate[];
  /** One line per plugin id held by several tarballs, naming both versions and the one kept. */
  warnings: string[];
}

const versionOf = (c: IndexCandidate): string => String(c.pluginInfo.version ?? '');

/**
 * Keeps, for each plugin id, the tarball with the highest version ({@link comparePluginVersions}; ties go to the
 * later file name), and warns about each one left out.
 *
 * @example
 * ```ts
 * const { chosen, warnings } = selectLatest(candidates);
 * ```
 */
export function selectLatest(candidates: readonly IndexCandidate[]): IndexSelection {
  const byId = new Map<string, IndexCandidate>();
  const warnings: string[] = [];
  const ordered = [...candidates].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  for (const candidate of ordered) {
    const current = byId.get(candidate.pluginId);
    if (!current) {
      byId.set(candidate.pluginId, candidate);
      continue;
    }
    const newer = comparePluginVersions(versionOf(candidate), versionOf(current)) >= 0 ? candidate : current;
    const older = newer === candidate ? current : candidate;
    warnings.push(
      `plugin ${JSON.stringify(candidate.pluginId)} is held by ${JSON.stringify(older.filename)} (version ${JSON.stringify(versionOf(older))}) and ${JSON.stringify(newer.filename)} (version ${JSON.stringify(versionOf(newer))}); indexing the higher version, ${JSON.stringify(versionOf(newer))}`,
    );
    byId.set(candidate.pluginId, newer);
  }
  const chosen = [...byId.values()].sort((a, b) => (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0));
  return { chosen, warnings };
}

/** Returns a copy of `value` with the keys of every object sorted, so the JSON text is canonical. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Renders `plugins.db`: one JSON object keyed by plugin id, each value the whole `plugin-info` plus `filename`,
 * `dsize`, `sha1sum` (what the established hosts read) and `sha256`; keys sorted at every level, compact or indented
 * by 4 spaces, ending with a newline.
 *
 * @example
 * ```ts
 * const text = renderPluginsDb(selectLatest(candidates).chosen, { pretty: true });
 * ```
 */
export function renderPluginsDb(chosen: readonly IndexCandidate[], options: { pretty?: boolean } = {}): string {
  const db: Record<string, unknown> = {};
  for (const c of chosen) {
    db[c.pluginId] = { ...c.pluginInfo, filename: c.filename, dsize: c.digest.size, sha1sum: c.digest.sha1, sha256: c.digest.sha256 };
  }
  return `${JSON.stringify(sortKeysDeep(db), null, options.pretty ? 4 : undefined)}\n`;
}
