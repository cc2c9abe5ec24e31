import type { KeyObject } from 'node:crypto';
import { parsePluginIndex, type PluginIndex } from './plugin-index';
import { createProvdError } from '@provd/sdk';
import { FileTooLargeError, type Deadline, type RepositorySource } from './repository-source';
import type { SequenceRecord } from './sequence-record';
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
  /**
   * Where the highest accepted sequence of each repository is kept: with trusted keys, a signed index older than it
   * (replayed) is refused with `PROVD_REPO_INDEX_REPLAYED`.
   */
  sequences?: SequenceRecord;
  /** The deadline of the operation the read is part of. */
  deadline?: Deadline;
}

/**
 * Fetches and parses a repository's `plugins.db`, first checking its signature when the host has trusted keys (and,
 * with a sequence record, that it is not older than the newest index accepted from that repository).
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
  const bytes = (await repo.read(INDEX_FILE, { maxBytes: MAX_INDEX_BYTES, deadline: options.deadline }).catch(tooLarge)) as Buffer;
  const keys = options.trustedKeys ?? [];
  if (keys.length > 0) {
    const signature = await repo.read(INDEX_SIGNATURE_FILE, { optional: true, maxBytes: 4096, deadline: options.deadline }).catch(tooLarge);
    const { sequence } = verifyIndexSignature(bytes, signature?.toString('utf8'), keys, repo.location);
    const index = parsePluginIndex(bytes, repo.location);
    await options.sequences?.accept(repo.location, sequence);
    return index;
  }
  return parsePluginIndex(bytes, repo.location);
}
