import { AssertionError } from 'node:assert';

/** How a `key = value` file is written. */
export interface KeyValueFormat {
  /** What separates a key from its value. @defaultValue `=` */
  separator?: string;
  /** What starts a comment line (after optional spaces). @defaultValue `['#', ';']` */
  comments?: readonly string[];
  /** Whether a key may appear more than once. @defaultValue false */
  allowDuplicates?: boolean;
  /** A pattern every key must match. @defaultValue `/^[A-Za-z0-9_.\-[\]]+$/` */
  keyPattern?: RegExp;
}

const DEFAULT_KEY = /^[A-Za-z0-9_.\-[\]]+$/;

/**
 * Parses a `key = value` file into its keys in order, checking its shape: every line is empty, a comment, or
 * `key <separator> value` with a key matching `keyPattern`, spaces around key and value trimmed; no key twice unless
 * allowed. Throws an `AssertionError` naming every line that breaks the shape.
 *
 * @param name - The file the text came from, for the message.
 * @example
 * ```ts
 * expect(parseKeyValue(file.text)['line1.username']).toBe('1001');
 * ```
 */
export function parseKeyValue(text: string, format: KeyValueFormat = {}, name?: string): Record<string, string> {
  const separator = format.separator ?? '=';
  const comments = format.comments ?? ['#', ';'];
  const keyPattern = format.keyPattern ?? DEFAULT_KEY;
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || comments.some((c) => line.startsWith(c))) return;
    const at = line.indexOf(separator);
    const label = `${name ?? 'line'}${name ? `:${i + 1}` : ` ${i + 1}`}`;
    if (at < 0) {
      problems.push(`${label}: ${JSON.stringify(raw)} is not "key ${separator} value"`);
      return;
    }
    const key = line.slice(0, at).trim();
    if (!keyPattern.test(key)) problems.push(`${label}: the key ${JSON.stringify(key)} does not match ${String(keyPattern)}`);
    else if (Object.hasOwn(values, key) && format.allowDuplicates !== true) problems.push(`${label}: the key ${JSON.stringify(key)} is set twice`);
    else values[key] = line.slice(at + separator.length).trim();
  });
  if (problems.length > 0) throw new AssertionError({ message: `not a key ${separator} value file:\n  ${problems.join('\n  ')}` });
  return values;
}

/**
 * Asserts that `text` has the shape of a `key = value` file (see {@link parseKeyValue}) and holds every key of
 * `required`.
 *
 * @example
 * ```ts
 * assertKeyValue(file.text, { required: ['line1.username', 'line1.password'] }, 'acme/00005e005301.cfg');
 * ```
 */
export function assertKeyValue(text: string, options: KeyValueFormat & { required?: readonly string[] } = {}, name?: string): void {
  const values = parseKeyValue(text, options, name);
  const missing = (options.required ?? []).filter((key) => !Object.hasOwn(values, key));
  if (missing.length > 0) throw new AssertionError({ message: `${name ?? 'the text'}: missing key${missing.length === 1 ? '' : 's'} ${missing.map((k) => JSON.stringify(k)).join(', ')}` });
}
