import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ProvdError } from '@provd/sdk';
import { readPluginTarball } from '../tarball/read-plugin-tarball';
import type { IndexCandidate } from './plugins-db';
import { buildError } from '../errors';

/** The tarball suffix a plugin repository holds. */
export const TARBALL_SUFFIX = '.tar.gz';

/** What reading a folder of tarballs found. */
export interface FolderScan {
  /** The readable plugin tarballs. */
  candidates: IndexCandidate[];
  /** One `PROVD_BUILD_TARBALL_INVALID` per unreadable tarball. */
  errors: ProvdError[];
}

/**
 * Reads every `*.tar.gz` of a folder (dot files skipped) as a plugin tarball. Throws `PROVD_BUILD_REPO_UNREADABLE`
 * when the folder cannot be listed.
 *
 * @example
 * ```ts
 * const { candidates, errors } = await scanTarballs('dist/repo/stable');
 * ```
 */
export async function scanTarballs(dir: string, display: (abs: string) => string = (p) => p): Promise<FolderScan> {
  let all: string[];
  try {
    all = await readdir(dir);
  } catch (err) {
    throw buildError('PROVD_BUILD_REPO_UNREADABLE', { dir: display(dir), reason: (err as Error).message }, { cause: err });
  }
  const names = all.filter((n) => n.endsWith(TARBALL_SUFFIX) && !n.startsWith('.')).sort();
  const candidates: IndexCandidate[] = [];
  const errors: ProvdError[] = [];
  for (const filename of names) {
    const file = join(dir, filename);
    try {
      const { pluginId, pluginInfo, digest } = await readPluginTarball(file);
      const missing = ['version', 'description'].filter((k) => typeof pluginInfo[k] !== 'string');
      if (typeof pluginInfo.capabilities !== 'object' || pluginInfo.capabilities === null) missing.push('capabilities');
      if (missing.length > 0) throw new Error(`its plugin-info lacks ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
      candidates.push({ filename, pluginId, pluginInfo, digest });
    } catch (err) {
      errors.push(buildError('PROVD_BUILD_TARBALL_INVALID', { file: display(file), reason: (err as Error).message }, { cause: err }));
    }
  }
  return { candidates, errors };
}
