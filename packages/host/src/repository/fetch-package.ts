import { createHash } from 'node:crypto';

import type { PluginIndexEntry } from './plugin-index';
import { FileTooLargeError, type Deadline, type RepositorySource } from './repository-source';
import { hostError } from '../errors';

/** Whether `name` is a plain file name: no folder part, no `..`, no control characters. */
const isPlainFileName = (name: string): boolean =>
  name !== '.' && name !== '..' && !/[/\\]/.test(name) && !/[\u0000-\u001f]/.test(name) && name.length <= 255;

/**
 * Fetches the package of `pluginId` as its index entry describes it and verifies it before anything uses it: the
 * file name must be plain, the size must equal `dsize`, and the SHA-256 (or, for an index without one, the SHA-1)
 * must match. Resolves to the verified bytes. `deadline` bounds the whole download.
 *
 * @example
 * ```ts
 * const bytes = await fetchPluginPackage(repo, 'digium-2.8.1', index['digium-2.8.1']);
 * ```
 */
export async function fetchPluginPackage(repo: RepositorySource, pluginId: string, entry: PluginIndexEntry, deadline?: Deadline): Promise<Buffer> {
  const { filename } = entry;
  if (!isPlainFileName(filename)) throw hostError('PROVD_PLUGIN_BAD_FILENAME', { plugin: pluginId, filename });
  const [algorithm, expected] = entry.sha256 ? ['sha256', entry.sha256] : entry.sha1sum ? ['sha1', entry.sha1sum] : [];
  if (algorithm === undefined || expected === undefined) throw hostError('PROVD_PLUGIN_NO_DIGEST', { plugin: pluginId });
  // Read at most one byte more than announced: enough to tell a larger file without downloading it all.
  const bytes = (await repo.read(filename, { maxBytes: entry.dsize, deadline }).catch((err: unknown) => {
    if (err instanceof FileTooLargeError) return undefined;
    throw err;
  })) as Buffer | undefined;
  if (bytes === undefined || bytes.length !== entry.dsize) {
    throw hostError('PROVD_PLUGIN_SIZE_MISMATCH', { plugin: pluginId, file: filename, expected: entry.dsize, actual: bytes?.length ?? `more than ${entry.dsize}` });
  }
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== expected.toLowerCase()) {
    throw hostError('PROVD_PLUGIN_DIGEST_MISMATCH', { plugin: pluginId, file: filename, algorithm: algorithm.toUpperCase().replace('SHA', 'SHA-'), expected, actual });
  }
  return bytes;
}
