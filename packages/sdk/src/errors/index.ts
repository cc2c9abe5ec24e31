export { ProvdError, isProvdError } from './provd-error';
export type { ProvdErrorJson, ProvdErrorLocation, ProvdErrorOptions } from './provd-error';
export { createProvdError, PROVD_ERROR_CODES } from './messages';
export type { ProvdErrorCode, ProvdErrorArgs, ProvdErrorSpec } from './messages';
