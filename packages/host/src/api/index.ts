export { ApiServer } from './api-server';
export type { ApiServerOptions } from './api-server';
export { errorStatus } from './error-status';
export { MAX_BODY_BYTES, readJsonBody, unwrap } from './json-body';
export { openApiDocument } from './openapi';
