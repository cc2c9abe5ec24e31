export { identifyRequest } from './identify-request';
export type { IdentifyPlugin, IdentifyResult, TypedRequest } from './identify-request';
