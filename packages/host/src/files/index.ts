export { contentTypeOf } from './content-type';
export { closeServedFile, openServedFile, safeSegments } from './resolve-file';
export type { OpenedFile, OpenResult, ResolveFailure } from './resolve-file';
