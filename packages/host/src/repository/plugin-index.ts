import { type PluginInfo } from '@provd/sdk';
import { hostError } from '../errors';

/** One entry of a repository's `plugins.db`: the plugin's `plugin-info` keys plus the package's file and digests. */
export interface PluginIndexEntry extends PluginInfo {
  /** The package's file name in the repository, e.g. `digium-2.8.1-1.2.0.tar.gz`. */
  filename: string;
  /** The package's size in bytes. */
  dsize: number;
  /** The package's SHA-1, hex (what the established hosts check). */
  sha1sum?: string;
  /** The package's SHA-256, hex (checked first when present). */
  sha256?: string;
}

/** A parsed `plugins.db`: entries keyed by plugin id. */
export type PluginIndex = Record<string, PluginIndexEntry>;

const HEX = /^[0-9a-fA-F]+$/;

function entryProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['is not an object'];
  const entry = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof entry.filename !== 'string' || entry.filename === '') problems.push('"filename" must be a non-empty string');
  if (typeof entry.dsize !== 'number' || !Number.isSafeInteger(entry.dsize) || entry.dsize < 0) problems.push('"dsize" must be a size in bytes');
  if (typeof entry.version !== 'string') problems.push('"version" must be a string');
  for (const key of ['sha1sum', 'sha256']) {
    if (entry[key] !== undefined && (typeof entry[key] !== 'string' || !HEX.test(entry[key] as string))) problems.push(`"${key}" must be a hex string`);
  }
  return problems;
}

/**
 * Parses the bytes of a repository's `plugins.db` (a JSON object keyed by plugin id), checking every entry's
 * `filename`, `dsize`, `version` and digests. Throws `PROVD_REPO_INVALID_INDEX` listing every problem.
 *
 * @example
 * ```ts
 * const index = parsePluginIndex(await readFile('dist/repo/plugins.db'), 'dist/repo');
 * index['digium-2.8.1']?.version;
 * ```
 */
export function parsePluginIndex(bytes: Uint8Array, repo: string): PluginIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw hostError('PROVD_REPO_INVALID_INDEX', { repo, reason: `it is not JSON (${(err as Error).message})` }, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw hostError('PROVD_REPO_INVALID_INDEX', { repo, reason: 'it is not a JSON object keyed by plugin id' });
  }
  const problems = Object.entries(parsed).flatMap(([id, entry]) => entryProblems(entry).map((p) => `${JSON.stringify(id)}: ${p}`));
  if (problems.length > 0) throw hostError('PROVD_REPO_INVALID_INDEX', { repo, reason: problems.join('; ') });
  return parsed as PluginIndex;
}
