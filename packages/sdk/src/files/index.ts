export { AtomicWriter, isProcessGone, removeStaleTemporaries, writeFileAtomic, writeFilesAtomic } from './atomic-write';
export type { AtomicWriterOptions, FileContent, WriteDurability, WriteMode } from './atomic-write';
