import type { ErrorObject } from 'ajv';
import { describeValue } from './describe-value';
import { formatPath, pointerToKeys } from './json-path';

/**
 * Lets a validator word an error itself: return the message, `null` to drop the error, or `undefined` to keep the
 * generic wording. `keys` is the path of the error's subject (for a missing or unknown key, the key itself).
 */
export type DescribeError = (error: ErrorObject, keys: readonly string[]) => string | null | undefined;

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** The keys an error is about: the value's path, plus the missing, unknown or badly named key where there is one. */
export function errorKeys(error: ErrorObject): string[] {
  const keys = pointerToKeys(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const named = params.missingProperty ?? params.additionalProperty ?? (error as { propertyName?: unknown }).propertyName;
  if (typeof named === 'string') keys.push(named);
  return keys;
}

/** The generic wording of an Ajv error, saying what was expected and what was received. */
export function genericMessage(error: ErrorObject): string | null {
  const params = error.params as Record<string, unknown>;
  const got = `(received ${describeValue(error.data)})`;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed key';
    case 'propertyNames':
    case 'if':
      return null; // the errors of the inner schema say it better
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).filter((t) => t !== 'null' || params.type === 'null');
      return `must be ${types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ')} ${got}`;
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[]) ?? []).filter((v) => v !== null);
      return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} ${got}`;
    }
    case 'pattern':
      if ((error as { propertyName?: unknown }).propertyName !== undefined) return `key must match /${String(params.pattern)}/`;
      return `must match /${String(params.pattern)}/ ${got}`;
    case 'minimum':
    case 'maximum':
      if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
        return `must be between ${schema.minimum} and ${schema.maximum} ${got}`;
      }
      return `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)} ${got}`;
    case 'minLength':
      return params.limit === 1 ? `must not be empty` : `must have at least ${String(params.limit)} characters ${got}`;
    case 'minProperties':
      return `must have at least ${String(params.limit)} key${params.limit === 1 ? '' : 's'}`;
    case 'format':
      return `must be a valid ${String(params.format)} ${got}`;
    default:
      return `${error.message ?? 'is invalid'} ${got}`;
  }
}

/**
 * Turns Ajv's errors into `path: message` lines, letting `describe` word the errors it knows better; duplicates are
 * dropped and the order is kept.
 */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, describe: DescribeError): string[] {
  const lines: string[] = [];
  for (const error of errors ?? []) {
    const keys = errorKeys(error);
    const own = describe(error, keys);
    const message = own === undefined ? genericMessage(error) : own;
    if (message === null) continue;
    const line = `${formatPath(keys)}: ${message}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}
