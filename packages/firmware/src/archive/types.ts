/** The archive formats {@link extractArchive} reads. */
export type ArchiveFormat = 'tar' | 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip';

/** What kind of thing an extracted entry is on disk. Hard links are materialised as copies, reported as `file`. */
export type ExtractedEntryType = 'file' | 'directory' | 'symlink';

/** One entry written by {@link extractArchive}. */
export interface ExtractedEntry {
  /** The path relative to the target folder, `/`-separated, without a leading `./` or a trailing `/`. */
  path: string;
  /** Whether it is a file, a folder or a symbolic link. */
  type: ExtractedEntryType;
  /** The number of bytes written (0 for folders and links). */
  size: number;
  /** For a symbolic link: the relative target it points at, as stored in the archive. */
  linkTarget?: string;
}

/** The bounds {@link extractArchive} enforces on an untrusted archive. */
export interface ArchiveLimits {
  /** The largest single entry, in bytes (default 512 MiB). */
  maxEntrySize: number;
  /** The largest sum of the entries' sizes, in bytes (default 2 GiB). */
  maxTotalSize: number;
  /** The most entries, folders and links included (default 100 000). */
  maxEntries: number;
}

/** Options of {@link extractArchive}. */
export interface ExtractOptions extends Partial<ArchiveLimits> {
  /** The format; detected from the first bytes when left out. */
  format?: ArchiveFormat;
  /** How the archive is named in error messages (defaults to its path, or `"archive"` for bytes in memory). */
  name?: string;
  /**
   * Where symbolic links may point: anywhere inside the target folder (`archive`, the default), or only inside the
   * top-level folder that holds them (`top-folder`: a plugin package's links stay in the plugin's own folder, never
   * reaching a sibling plugin once installed beside it).
   */
  linkScope?: 'archive' | 'top-folder';
  /** Drops this many leading folders from every entry path; entries left with no path are skipped (default 0). */
  strip?: number;
  /**
   * Chooses the entries to write, given their safe relative path (after `strip`). Entries it rejects are still
   * checked and counted, but not written.
   */
  filter?: (path: string, type: ExtractedEntryType) => boolean;
}

/** The default {@link ArchiveLimits}. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntrySize: 512 * 1024 * 1024,
  maxTotalSize: 2 * 1024 * 1024 * 1024,
  maxEntries: 100_000,
});
