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
  FieldsWrite,
  FindOptions,
  FindResult,
  JobProgress,
  PhoneLookup,
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
export { HOST_ID_FILE, hostIdOf, openStore } from './open-store';
export type { OpenStoreOptions } from './open-store';
export { parseSelector, projectFields } from './selector';
export type { SelectorOperator, SelectorTerm } from './selector';
export { selectorMatcher } from './selector-match';
export { newRecordId, RECORD_ID } from './records';
export { detectOldFormat, importDataFolder, refuseOldFormat } from './import-data';
export type { DataFolderFormat, ImportOptions, ImportProblem, ImportReport } from './import-data';
