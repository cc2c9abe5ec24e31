export { AtomicWriter, isProcessGone, removeStaleTemporaries, withoutFsync, writeFileAtomic, writeFilesAtomic } from './atomic-write';
export type { AtomicWriterOptions, FileContent, WriteDurability, WriteMode } from './atomic-write';
