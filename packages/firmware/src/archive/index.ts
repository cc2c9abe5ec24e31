export { extractArchive } from './extract';
export { detectArchiveFormat } from './detect-format';
export { DEFAULT_ARCHIVE_LIMITS } from './types';
export type { ArchiveFormat, ArchiveLimits, ExtractedEntry, ExtractedEntryType, ExtractOptions } from './types';
