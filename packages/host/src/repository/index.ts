export { deadlineIn, FileTooLargeError, openRepository, REPOSITORY_DEADLINE_MS } from './repository-source';
export type { Deadline, RepositoryOptions, RepositorySource } from './repository-source';
export { parsePluginIndex } from './plugin-index';
export type { PluginIndex, PluginIndexEntry } from './plugin-index';
export { fetchPluginIndex, INDEX_FILE } from './fetch-index';
export type { FetchIndexOptions } from './fetch-index';
export { fetchPluginPackage } from './fetch-package';
export { INDEX_SIGNATURE_FILE, readTrustedKeys, signedIndexMessage, verifyIndexSignature } from './signature';
export { SEQUENCES_FILE, SequenceRecord, sequencesOf } from './sequence-record';
