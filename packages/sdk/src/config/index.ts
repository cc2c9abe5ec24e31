export { applyRawConfigDefaults } from './raw-config-defaults';
export type { RawConfigWithDefaults } from './raw-config-defaults';
export { flattenConfig, mergeRawConfigInto, configAncestors, configDescendants } from './flatten-config';
export type { ConfigDocument, ConfigLookup } from './config-document';
export { RECONFIGURE_KEYS, needsReconfigure } from './reconfigure';
export type { ReconfigureKey } from './reconfigure';
export { baseRawConfig, DEFAULT_HTTP_PORT, DEFAULT_TFTP_PORT } from './base-raw-config';
export type { BaseRawConfigOptions } from './base-raw-config';
