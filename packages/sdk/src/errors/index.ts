export { ProvdError, isProvdError } from './provd-error';
export type { ProvdErrorCode, ProvdErrorJson, ProvdErrorLocation, ProvdErrorOptions } from './provd-error';
export { defineErrors } from './define-errors';
export type { CodeOf, ErrorArgs, ErrorCatalog, ErrorDefinition, ErrorFactory, ProvdErrorSpec } from './define-errors';
export { createProvdError, sdkErrors } from './sdk-errors';
export type { SdkErrorCode } from './sdk-errors';
