/**
 * @packageDocumentation
 * The provd reference host: installs, loads and serves plugins.
 */

/** The version of this package. */
export const VERSION: string = '0.1.0';

export * from './app/index';
export * from './api/index';
export * from './files/index';
export * from './http/index';
export * from './store/index';
export * from './reconfigure/index';
export * from './sync/index';
export * from './tftp/index';
export * from './plugins/index';
export * from './repository/index';
export * from './render/index';
export * from './identification/index';
export * from './log/index';
export * from './ops/index';
export * from './settings/index';
export { hostError, hostErrors } from './errors';
export type { HostErrorCode } from './errors';
