export { ProvdError, isProvdError } from './provd-error';
export type { ProvdErrorLocation, ProvdErrorOptions } from './provd-error';
export { createProvdError, errorMessages, PROVD_ERROR_CODES } from './messages';
export type { ProvdErrorCode, ProvdErrorArgs, ProvdErrorSpec } from './messages';
