import type { ErrorObject } from 'ajv';
import { createProvdError } from '../errors/sdk-errors';
import type { PluginInfo } from '../types/plugin-info';
import { formatAjvErrors } from './ajv-errors';
import { lazyValidator } from './ajv-instance';
import { describeValue } from './describe-value';
import { LEGACY_CAPABILITY_KEYS, pluginInfoSchema } from './plugin-info-schema';
import type { ValidationResult } from './validation-result';

const compiled = lazyValidator(pluginInfoSchema);

/** Whether the error is about a capability entry itself (`capabilities/<key>`), not a value inside it. */
const inCapabilityEntry = (error: ErrorObject): boolean => error.schemaPath.startsWith('#/definitions/capabilities/');

const received = (error: ErrorObject): string => `(received ${describeValue(error.data)})`;

/** Words the plugin-info errors that the generic wording would leave vague. */
function describePluginInfoError(error: ErrorObject, keys: readonly string[]): string | null | undefined {
  const name = keys[keys.length - 1] ?? '';
  switch (error.keyword) {
    case 'additionalProperties': {
      if (!inCapabilityEntry(error)) return undefined;
      const replacement = LEGACY_CAPABILITY_KEYS[name];
      if (replacement !== undefined) return `legacy key, rename it to "${replacement}"`;
      return 'unknown capability; use one of the documented keys, or start a custom key with "X_"';
    }
    case 'required': {
      // A legacy spelling that is present already says which key is missing: say it once.
      const data = (error.data ?? {}) as Record<string, unknown>;
      if (inCapabilityEntry(error) && Object.keys(data).some((k) => LEGACY_CAPABILITY_KEYS[k] === name)) return null;
      return undefined;
    }
    case 'pattern':
      if (error.schemaPath === '#/properties/capabilities/propertyNames/pattern') {
        return 'key must be "<Vendor>, <Model>, <firmware version>" (three parts separated by ", ")';
      }
      if (error.schemaPath === '#/properties/version/pattern') {
        return `must be dotted numbers with an optional "-suffix", such as "1.2.0" ${received(error)}`;
      }
      return undefined;
    case 'not':
      return 'key must be "description_<locale>" with a locale such as "fr" or "fr_CA"';
    case 'format':
      return `must be a semver range of @provd/sdk versions, such as "^0.1.0" ${received(error)}`;
    case 'minProperties':
      return 'must declare at least one device ("<Vendor>, <Model>, <firmware version>")';
    default:
      return undefined;
  }
}

/**
 * Checks a parsed `plugin-info` object against {@link pluginInfoSchema}. Never throws: problems come back as
 * `path: message` lines, e.g. `capabilities["Digium, D40, 1.4.0.0"].lines: must be an integer (received the
 * string "2")`.
 *
 * @example
 * ```ts
 * const result = validatePluginInfo(JSON.parse(await readFile('plugin-info', 'utf8')));
 * if (!result.valid) console.error(result.errors.join('\n'));
 * ```
 */
export function validatePluginInfo(value: unknown): ValidationResult {
  const validate = compiled();
  if (validate(value)) return { valid: true, errors: [] };
  return { valid: false, errors: formatAjvErrors(validate.errors, describePluginInfoError) };
}

/**
 * Like {@link validatePluginInfo}, but throws `PROVD_INVALID_PLUGIN_INFO` (naming `file`) when the value is
 * invalid, and narrows it to {@link PluginInfo} otherwise.
 *
 * @example
 * ```ts
 * assertValidPluginInfo(info, 'v2_8_1/plugin-info');
 * console.log(info.version);
 * ```
 */
export function assertValidPluginInfo(value: unknown, file: string): asserts value is PluginInfo {
  const { valid, errors } = validatePluginInfo(value);
  if (!valid) throw createProvdError('PROVD_INVALID_PLUGIN_INFO', { file, errors });
}
