export {
  pluginInfoSchema,
  CAPABILITY_PROTOCOLS,
  CAPABILITY_TYPES,
  LEGACY_CAPABILITY_KEYS,
  REQUIRED_CAPABILITY_KEYS,
} from './plugin-info-schema';
export {
  rawConfigSchema,
  DTMF_MODES,
  FUNCKEY_TYPES,
  FUNCKEY_TYPES_WITH_VALUE,
  RAW_CONFIG_ENABLED_RULES,
  SIP_TRANSPORTS,
  SRTP_MODES,
  SYSLOG_LEVELS,
} from './raw-config-schema';
export { validatePluginInfo, assertValidPluginInfo } from './validate-plugin-info';
export { validateRawConfig, assertValidRawConfig } from './validate-raw-config';
export { formatPath } from './json-path';
export { isSemverRange, isTimeZoneName } from './formats';
export type { ValidationResult } from './validation-result';
export type { JsonSchema } from './json-schema';
export type { EnabledRule } from './raw-config-schema';
