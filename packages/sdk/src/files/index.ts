export { AtomicWriter, removeStaleTemporaries, withoutFsync, writeFileAtomic, writeFilesAtomic } from './atomic-write';
export { isLeftByGoneProcess, isProcessGone } from './leftover-owner';
export type { AtomicWriterOptions, FileContent, FilesystemFlush, WriteDurability, WriteMode } from './atomic-write';
