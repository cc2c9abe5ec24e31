export { DOCUMENT_ID, DocumentStore } from './document-store';
export type { DocumentStoreOptions, StoredDocument } from './document-store';
