import type { ErrorObject } from 'ajv';
import { createProvdError } from '../errors/sdk-errors';
import type { RawConfig } from '../types/raw-config';
import { formatAjvErrors } from './ajv-errors';
import { lazyValidator } from './ajv-instance';
import { describeValue } from './describe-value';
import { RAW_CONFIG_ENABLED_RULES, rawConfigSchema } from './raw-config-schema';
import type { ValidationResult } from './validation-result';

const compiled = lazyValidator(rawConfigSchema);

const ENABLED_RULE_PATH = /^#\/allOf\/(\d+)\/then\//;

/** Words the raw-config errors that the generic wording would leave vague. */
function describeRawConfigError(error: ErrorObject, keys: readonly string[]): string | null | undefined {
  const got = error.keyword === 'required' ? '' : ` (received ${describeValue(error.data)})`;
  const rule = ENABLED_RULE_PATH.exec(error.schemaPath);
  if (rule) return `is required when "${RAW_CONFIG_ENABLED_RULES[Number(rule[1])]?.flag}" is true${got}`;
  if (error.schemaPath.startsWith('#/definitions/funcKey/then/')) {
    return `is required for "blf" and "speeddial" function keys${got}`;
  }
  if (error.keyword === 'additionalProperties' && error.instancePath === '') {
    const name = keys[keys.length - 1] ?? '';
    if (name.startsWith('XX_')) {
      return 'keys starting with "XX_" are reserved for the template variables a plugin adds after validation; remove it from the config';
    }
    return 'unknown key; custom keys must start with "X_"';
  }
  if (error.keyword === 'pattern') {
    if (error.schemaPath.endsWith('/propertyNames/pattern')) return 'key must be a number in decimal digits, e.g. "1"';
    if (error.schemaPath === '#/properties/locale/pattern') return `must be a locale such as "fr_FR"${got}`;
    if (error.schemaPath === '#/definitions/funcKey/properties/line/pattern') return `must be a line number${got}`;
  }
  if (error.keyword === 'format') return `must be an IANA time zone name such as "Europe/Paris"${got}`;
  return undefined;
}

/**
 * Checks a raw config against {@link rawConfigSchema}. Never throws: problems come back as `path: message` lines,
 * e.g. `sip_lines.1.proxy_port: must be an integer (received the string "5060")`.
 *
 * Validate a config's own `raw_config` before storing it, and the flattened raw config before `configure`. A
 * plugin's `XX_*` template variables are rejected, so validate before the plugin adds them.
 *
 * @example
 * ```ts
 * const { valid, errors } = validateRawConfig({ sip_lines: { '1': { proxy_port: '5060' } } });
 * // valid === false, errors: ['sip_lines.1.proxy_port: must be an integer (received the string "5060")']
 * ```
 */
export function validateRawConfig(value: unknown): ValidationResult {
  const validate = compiled();
  if (validate(value)) return { valid: true, errors: [] };
  return { valid: false, errors: formatAjvErrors(validate.errors, describeRawConfigError) };
}

/**
 * Like {@link validateRawConfig}, but throws `PROVD_INVALID_RAW_CONFIG` (naming `device` when given) when the value
 * is invalid, and narrows it to {@link RawConfig} otherwise.
 *
 * @example
 * ```ts
 * assertValidRawConfig(raw, device.id);
 * await plugin.configure(device, raw);
 * ```
 */
export function assertValidRawConfig(value: unknown, device?: string): asserts value is RawConfig {
  const { valid, errors } = validateRawConfig(value);
  if (!valid) throw createProvdError('PROVD_INVALID_RAW_CONFIG', { device, errors });
}
