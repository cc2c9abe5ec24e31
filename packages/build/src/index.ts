/**
 * The provd build tool: plugin families in, plugin tarballs, `plugins.db` and DHCP configuration out.
 *
 * @packageDocumentation
 */
export * from './family/index';
export * from './build/index';
export * from './bundle/index';
export * from './checks/index';
export * from './dhcp/index';
export * from './layer/index';
export * from './offline/index';
export * from './repo/index';
export * from './sign/index';
export * from './tarball/index';
export * from './dev/index';
export { runCli } from './cli/index';
export { VERSION } from './version';
export { buildError, buildErrors } from './errors';
export type { BuildErrorCode } from './errors';
