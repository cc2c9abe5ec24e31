import type { KeyObject } from 'node:crypto';
import { parsePluginIndex, type PluginIndex } from './plugin-index';

import { FileTooLargeError, type RepositorySource } from './repository-source';
import { INDEX_SIGNATURE_FILE, verifyIndexSignature } from './signature';
import { hostError } from '../errors';

/** The index file of a plugin repository. */
export const INDEX_FILE = 'plugins.db';

const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** Options of {@link fetchPluginIndex}. */
export interface FetchIndexOptions {
  /**
   * Trusted Ed25519 public keys. When given (non-empty), the index must carry a valid `plugins.db.sig` by one of
   * them before any of its digests is trusted; when empty, the index is trusted as served.
   */
  trustedKeys?: readonly KeyObject[];
}

/**
 * Fetches and parses a repository's `plugins.db`, first checking its signature when the host has trusted keys.
 *
 * @example
 * ```ts
 * const index = await fetchPluginIndex(openRepository('dist/repo'), { trustedKeys });
 * ```
 */
export async function fetchPluginIndex(repo: RepositorySource, options: FetchIndexOptions = {}): Promise<PluginIndex> {
  const tooLarge = (err: unknown): never => {
    if (!(err instanceof FileTooLargeError)) throw err;
    throw hostError('PROVD_REPO_INVALID_INDEX', { repo: repo.location, reason: err.message });
  };
  const bytes = (await repo.read(INDEX_FILE, { maxBytes: MAX_INDEX_BYTES }).catch(tooLarge)) as Buffer;
  const keys = options.trustedKeys ?? [];
  if (keys.length > 0) {
    const signature = await repo.read(INDEX_SIGNATURE_FILE, { optional: true, maxBytes: 4096 }).catch(tooLarge);
    verifyIndexSignature(bytes, signature?.toString('utf8'), keys, repo.location);
  }
  return parsePluginIndex(bytes, repo.location);
}
