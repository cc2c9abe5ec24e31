import type { Readable } from 'node:stream';

/** One entry as an archive reader hands it over, before any check. */
export interface SourceEntry {
  /** The name as stored in the archive. */
  name: string;
  /** `file`, `directory`, `symlink`, `link` (hard link), or the special type found (e.g. `fifo`). */
  type: string;
  /** The declared size of the data, in bytes. */
  size: number;
  /** The declared permission bits. */
  mode: number;
  /** The link target of a symbolic or hard link. */
  linkname?: string;
  /** The entry's data; call at most once, and read it to the end. */
  data: () => Promise<Readable>;
}

/** An archive reader: yields every entry in order; each entry's data must be read or skipped before the next. */
export type EntrySource = AsyncGenerator<SourceEntry, void, void>;
