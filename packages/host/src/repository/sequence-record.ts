import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@provd/sdk';
import { hostError } from '../errors';

/**
 * The highest signed-index sequence a host has accepted from each repository, kept in a small JSON file (the plugin
 * manager's is `<plugins dir>/.repository-sequences.json`), so that an older index, validly signed but replayed by a
 * mirror or an attacker on the path, is refused instead of downgrading installed plugins.
 */
export class SequenceRecord {
  /** Opens the record kept in `file` (created on the first accepted index). */
  constructor(readonly file: string) {}

  private async read(): Promise<Record<string, number>> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  /**
   * Accepts `sequence` for `repo` when it is not older than the highest accepted so far (and records it when it is
   * newer); throws `PROVD_REPO_INDEX_REPLAYED` otherwise.
   */
  async accept(repo: string, sequence: number): Promise<void> {
    const record = await this.read();
    const highest = typeof record[repo] === 'number' ? record[repo] : 0;
    if (sequence < highest) throw hostError('PROVD_REPO_INDEX_REPLAYED', { repo, sequence, highest, record: this.file });
    if (sequence > highest) await writeFileAtomic(this.file, `${JSON.stringify({ ...record, [repo]: sequence })}\n`);
  }
}

/** The file, in a plugins folder, of the highest index sequence accepted from each repository. */
export const SEQUENCES_FILE = '.repository-sequences.json';

/** The sequence record of a plugins folder. */
export const sequencesOf = (pluginsDir: string): SequenceRecord => new SequenceRecord(join(pluginsDir, SEQUENCES_FILE));
