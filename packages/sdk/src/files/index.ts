export { AtomicWriter, removeStaleTemporaries, writeFileAtomic, writeFilesAtomic } from './atomic-write';
export { isLeftByGoneProcess, isProcessGone } from './leftover-owner';
export type { AtomicWriterOptions, FileContent, WriteDurability } from './atomic-write';
