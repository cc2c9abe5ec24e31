import type { KeyObject } from 'node:crypto';
import { isProvdError, type ProvdError } from '@provd/sdk';
import { scanTarballs } from '../repo/index-folder';
import { selectLatest } from '../repo/plugins-db';
import { writeIndex } from '../repo/write-index';
import { readSigningKey } from '../sign/sign-index';
import type { BuildReporter } from './types';
import { writeFailed } from './write-failed';

/** What re-indexing a folder did. */
export interface ReindexResult {
  /** Whether every tarball was readable and the index was written. */
  ok: boolean;
  /** The unreadable tarballs. */
  errors: ProvdError[];
  /** The plugin ids indexed. */
  plugins: string[];
}

/**
 * Re-indexes an existing folder of plugin tarballs (a `stable` or `archive` channel): writes `plugins.db` (and its
 * signature) from the tarballs present, keeping the highest version of each plugin id. Writes nothing when a
 * tarball is unreadable.
 *
 * @example
 * ```ts
 * await reindexRepository({ dir: 'dist/channels/stable', pretty: true });
 * ```
 */
export async function reindexRepository(options: { dir: string; pretty?: boolean; signKey?: string; reporter?: BuildReporter }): Promise<ReindexResult> {
  const errors: ProvdError[] = [];
  let key: KeyObject | undefined;
  if (options.signKey !== undefined) {
    try {
      key = await readSigningKey(options.signKey);
    } catch (err) {
      if (!isProvdError(err)) throw err;
      errors.push(err);
    }
  }
  let scan: Awaited<ReturnType<typeof scanTarballs>>;
  try {
    scan = await scanTarballs(options.dir);
  } catch (err) {
    if (!isProvdError(err)) throw err;
    return { ok: false, errors: [...errors, err], plugins: [] };
  }
  errors.push(...scan.errors);
  if (errors.length > 0) return { ok: false, errors, plugins: [] };
  try {
    await writeIndex(options.dir, scan.candidates, { pretty: options.pretty, key, reporter: options.reporter });
  } catch (err) {
    throw writeFailed(err, options.dir);
  }
  return { ok: true, errors, plugins: selectLatest(scan.candidates).chosen.map((c) => c.pluginId) };
}
