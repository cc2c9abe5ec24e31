/**
 * A copy of `value` where every string has its line breaks replaced by spaces. A `key = value` file has one setting
 * per line, so a display name holding a line break would otherwise add a setting of its own choosing; this is the
 * escaping of such formats, as `templateEscape: 'xml'` is for XML ones.
 */
export function withoutLineBreaks<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/[\r\n]+/g, ' ') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutLineBreaks(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutLineBreaks(item)])) as T;
  }
  return value;
}
