export { FileTooLargeError, openRepository } from './repository-source';
export type { RepositorySource } from './repository-source';
export { parsePluginIndex } from './plugin-index';
export type { PluginIndex, PluginIndexEntry } from './plugin-index';
export { fetchPluginIndex, INDEX_FILE } from './fetch-index';
export type { FetchIndexOptions } from './fetch-index';
export { fetchPluginPackage } from './fetch-package';
export { INDEX_SIGNATURE_FILE, readTrustedKeys, signedIndexMessage, verifyIndexSignature } from './signature';
export { SEQUENCES_FILE, SequenceRecord, sequencesOf } from './sequence-record';
