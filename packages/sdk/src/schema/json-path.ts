/** A key that can follow a dot in a readable path: letters, digits and `_` only. */
const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

/**
 * Turns a list of keys into the readable path used in validation messages: plain keys joined by dots, other keys
 * in brackets as JSON strings, and `(root)` for the value itself.
 *
 * @example
 * ```ts
 * formatPath(['sip_lines', '1', 'proxy_port']); // 'sip_lines.1.proxy_port'
 * formatPath(['capabilities', 'Digium, D40, 1.4.0.0', 'lines']); // 'capabilities["Digium, D40, 1.4.0.0"].lines'
 * ```
 */
export function formatPath(keys: readonly string[]): string {
  if (keys.length === 0) return '(root)';
  let path = '';
  for (const key of keys) {
    if (PLAIN_KEY.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** Splits a JSON pointer (`/sip_lines/1/proxy_port`, as Ajv reports it) into its unescaped keys. */
export function pointerToKeys(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
}
