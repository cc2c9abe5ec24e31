const MAX_SHOWN = 60;

/**
 * Describes a received value for an error message: strings quoted (and shortened), numbers, booleans and `null` as
 * written, objects and arrays by their kind.
 *
 * @example
 * ```ts
 * describeValue('5060'); // 'the string "5060"'
 * describeValue(4095); // '4095'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return String(value);
}
