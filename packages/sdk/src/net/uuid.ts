import { createProvdError } from '../errors/sdk-errors';
import type { ValueContext } from './error-context';

/** The 8-4-4-4-12 form, any case. */
const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;
/** The normalised form: 8-4-4-4-12, lower case. */
const NORMED_UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

/**
 * Normalises a UUID to lower case. The hyphens of the 8-4-4-4-12 form are required (as in the established host);
 * surrounding whitespace or a trailing newline is rejected.
 *
 * @param value - The UUID as received.
 * @param context - The key and device to name in the error, if any.
 * @returns The lower-case UUID. Throws a {@link ProvdError} `PROVD_INVALID_UUID` when it is not a UUID.
 * @example
 * ```ts
 * normUuid('550E8400-E29B-41D4-A716-446655440000'); // '550e8400-e29b-41d4-a716-446655440000'
 * ```
 */
export function normUuid(value: string, context: ValueContext = {}): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  throw createProvdError('PROVD_INVALID_UUID', { value: String(value), ...context });
}

/**
 * Tells whether `value` is a UUID in normalised form (8-4-4-4-12, lower case).
 *
 * @example
 * ```ts
 * isNormedUuid('550e8400-e29b-41d4-a716-446655440000'); // true
 * isNormedUuid('550E8400-E29B-41D4-A716-446655440000'); // false
 * ```
 */
export function isNormedUuid(value: unknown): value is string {
  return typeof value === 'string' && NORMED_UUID.test(value);
}
