export { DOCUMENT_ID, DocumentStore } from './document-store';
export type { DocumentStoreOptions, StoredDocument } from './document-store';
export { SELECTOR_OPERATORS } from './store';
export type {
  ChangeSet,
  Collection,
  CommitResult,
  ConfigRecord,
  DeviceRecord,
  DocumentKind,
  DocumentOf,
  DocumentWrite,
  FindOptions,
  FindResult,
  JobProgress,
  ReconfigureJob,
  ReconfigureJobInput,
  Selector,
  SortOrder,
  Store,
  StoreChange,
  StoreEngine,
  StoreLocation,
  StoreOpenOptions,
  WriteExpectation,
} from './store';
