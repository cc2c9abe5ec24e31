import type { KeyObject } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildReporter } from '../build/types';
import { writeFileAtomic } from '@provd/sdk';
import { nextSequence, SIGNATURE_FILE, signIndex } from '../sign/sign-index';
import { renderPluginsDb, selectLatest, type IndexCandidate } from './plugins-db';

/**
 * Writes `plugins.db` for the given tarballs (and `plugins.db.sig` when a key is given, with a sequence above the
 * one it replaces; a stale signature is removed otherwise). Returns the names written.
 *
 * @example
 * ```ts
 * await writeIndex('dist/repo', candidates, { pretty: true });
 * ```
 */
export async function writeIndex(
  out: string,
  candidates: readonly IndexCandidate[],
  options: { pretty?: boolean; key?: KeyObject; reporter?: BuildReporter },
): Promise<string[]> {
  const { chosen, warnings } = selectLatest(candidates);
  for (const w of warnings) options.reporter?.warn(w);
  const db = Buffer.from(renderPluginsDb(chosen, { pretty: options.pretty }));
  await writeFileAtomic(join(out, 'plugins.db'), db);
  if (options.key) {
    const previous = await readFile(join(out, SIGNATURE_FILE), 'utf8').catch(() => undefined);
    await writeFileAtomic(join(out, SIGNATURE_FILE), signIndex(db, options.key, nextSequence(previous)));
    return ['plugins.db', SIGNATURE_FILE];
  }
  await rm(join(out, SIGNATURE_FILE), { force: true });
  return ['plugins.db'];
}

