/**
 * Python value semantics that Jinja templates rely on: truthiness (empty lists and dicts are false), ordering of
 * tuples, `%`-style and `str.format` formatting, and the few methods templates call on strings and dicts.
 */

/** Whether `value` is a plain object used as a dict (not an array, string object, date...). */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python truthiness: `None`, `0`, `''`, `[]` and `{}` are false, everything else is true. */
export function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof String) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Orders two values as Python's `sorted` would (arrays as tuples, element by element). */
export function pyCompare(a: unknown, b: unknown, caseSensitive = true): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCompare(a[i], b[i], caseSensitive);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  let x: unknown = a instanceof String ? a.toString() : a;
  let y: unknown = b instanceof String ? b.toString() : b;
  if (!caseSensitive && typeof x === 'string' && typeof y === 'string') {
    x = x.toLowerCase();
    y = y.toLowerCase();
  }
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const sx = typeof x === 'string' ? x : String(x);
  const sy = typeof y === 'string' ? y : String(y);
  if (typeof x === typeof y || typeof x === 'string' || typeof y === 'string') return sx < sy ? -1 : sx > sy ? 1 : 0;
  return 0;
}

/** Python's `==`: no coercion between strings and numbers, lists and dicts compared by content. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  const x = a instanceof String ? a.toString() : typeof a === 'boolean' ? Number(a) : a;
  const y = b instanceof String ? b.toString() : typeof b === 'boolean' ? Number(b) : b;
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((item, i) => pyEquals(item, y[i]));
  if (isDict(x) && isDict(y)) {
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && pyEquals(x[k], y[k]));
  }
  return x === y;
}

/** Python's comparison operators, chained: `compareChain(1, '<', 2, '<', 3)` is `1 < 2 and 2 < 3`. */
export function compareChain(left: unknown, ...opsAndOperands: unknown[]): boolean {
  let current = left;
  for (let i = 0; i + 1 < opsAndOperands.length; i += 2) {
    const op = opsAndOperands[i] as string;
    const right = opsAndOperands[i + 1];
    if (op === '==' || op === '===' || op === '!=' || op === '!==') {
      if (pyEquals(current, right) !== op.startsWith('=')) return false;
    } else {
      const x = (typeof current === 'boolean' ? Number(current) : current) as number;
      const y = (typeof right === 'boolean' ? Number(right) : right) as number;
      const ok = op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
      if (!ok) return false;
    }
    current = right;
  }
  return true;
}

/**
 * Text of a value as templates print it, like Python's `str()`: booleans as `True`/`False`, lists and dicts in
 * Python's notation; but `null`/`undefined` as empty (never `None`).
 */
export function pyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value) || isDict(value)) return pyRepr(value);
  return String(value);
}

/** Python's `repr()` of a value nested in a list or dict: strings quoted, `None`, `True`, `[...]`, `{...}`. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string' || value instanceof String) {
    const text = value.toString();
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isDict(value)) return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyText(value);
}

/** Python's `int()` as Jinja's `int` filter applies it: booleans, numbers, numeric strings; else `fallback`. */
export function pyInt(value: unknown, fallback = 0, base = 10): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'string' || value instanceof String) {
    const text = value.toString().trim().replace(/_/g, '');
    const digits = base === 16 ? /^[+-]?(0x)?[0-9a-f]+$/i : base === 8 ? /^[+-]?(0o)?[0-7]+$/i : /^[+-]?\d+$/;
    if (digits.test(text)) return parseInt(text.replace(/^([+-]?)0[xo]/i, '$1'), base);
    if (base === 10 && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Math.trunc(Number(text));
  }
  return fallback;
}

/** One `%` conversion: flags, width, precision and type, applied to `value`. */
function formatOne(value: unknown, flags: string, width: string, precision: string, type: string): string {
  let body: string;
  let sign = '';
  const numeric = 'dioxXeEfFgG'.includes(type);
  if (numeric) {
    const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(pyText(value));
    if (Number.isNaN(n)) throw new TypeError(`%${type} format: a number is required, not ${JSON.stringify(value)}`);
    const abs = Math.abs(n);
    if (n < 0 || Object.is(n, -0)) sign = '-';
    else if (flags.includes('+')) sign = '+';
    else if (flags.includes(' ')) sign = ' ';
    const p = precision === '' ? 6 : Number(precision);
    switch (type) {
      case 'd':
      case 'i':
        body = Math.trunc(abs).toString();
        break;
      case 'o':
        body = Math.trunc(abs).toString(8);
        break;
      case 'x':
        body = Math.trunc(abs).toString(16);
        break;
      case 'X':
        body = Math.trunc(abs).toString(16).toUpperCase();
        break;
      case 'e':
      case 'E':
        body = abs.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
        if (type === 'E') body = body.toUpperCase();
        break;
      case 'g':
      case 'G':
        body = String(Number(abs.toPrecision(p === 0 ? 1 : p)));
        break;
      default:
        body = abs.toFixed(p);
    }
  } else {
    body = type === 'r' ? pyRepr(value) : pyText(value);
    if (precision !== '') body = body.slice(0, Number(precision));
  }
  const w = width === '' ? 0 : Number(width);
  const len = sign.length + body.length;
  if (len >= w) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(w - len);
  if (numeric && flags.includes('0')) return sign + '0'.repeat(w - len) + body;
  return ' '.repeat(w - len) + sign + body;
}

/**
 * Python's `%` string formatting as Jinja's `format` filter uses it: `"%02d"|format(7)` gives `07`. Supports the
 * conversions `s r d i o x X e E f F g G %`, the flags `- + space 0`, width and precision, and `%(name)s` with
 * one dict argument.
 */
export function percentFormat(template: string, args: readonly unknown[]): string {
  let next = 0;
  const named = args.length === 1 && isDict(args[0]) ? args[0] : undefined;
  const out = template.replace(
    /%(?:\(([^)]*)\))?([-+ 0#]*)(\d*|\*)(?:\.(\d*))?([sridoxXeEfFgGc%])/g,
    (_m, key: string | undefined, flags: string, width: string, precision: string | undefined, type: string) => {
      if (type === '%') return '%';
      if (width === '*') width = String(args[next++]);
      const value = key !== undefined ? named?.[key] : args[next++];
      if (type === 'c') return typeof value === 'number' ? String.fromCodePoint(value) : pyText(value);
      return formatOne(value, flags, width, precision ?? '', type);
    },
  );
  return out;
}

/**
 * Python's `str.format` for the forms templates use: `{}`, `{0}`, `{name}`, with an optional spec such as `{:02d}`
 * or `{:>5}`; `{{` and `}}` are literal braces.
 */
export function braceFormat(template: string, args: readonly unknown[], kwargs: Record<string, unknown> = {}): string {
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const name = field ?? '';
    const value = name === '' ? args[next++] : /^\d+$/.test(name) ? args[Number(name)] : kwargs[name];
    if (spec === undefined || spec === '') return pyText(value);
    const parsed = /^(?:(.)?([<>^=]))?([+ -])?(0)?(\d*)(?:\.(\d+))?([sdxXofFeEgG%])?$/.exec(spec);
    if (!parsed) return pyText(value);
    const [, fill = ' ', align, sign = '', zero, width = '', precision = '', type = ''] = parsed;
    const text = type === '' ? pyText(value) : formatOne(value, sign, '', precision, type === '%' ? 'f' : type);
    const w = width === '' ? 0 : Number(width);
    if (text.length >= w) return text;
    const pad = w - text.length;
    const numeric = type !== '' && type !== 's';
    const how = align ?? (zero ? '=' : numeric || typeof value === 'number' ? '>' : '<');
    const f = zero && align === undefined ? '0' : fill;
    if (how === '<') return text + f.repeat(pad);
    if (how === '^') return f.repeat(Math.floor(pad / 2)) + text + f.repeat(Math.ceil(pad / 2));
    if (how === '=' && /^[+ -]/.test(text)) return text[0] + f.repeat(pad) + text.slice(1);
    return f.repeat(pad) + text;
  });
}

type Method = (self: never, ...args: never[]) => unknown;

/** The Python string methods templates may call, e.g. `'5'.zfill(3)` or `'{}-{}'.format(a, b)`. */
const STRING_METHODS: Record<string, Method> = {
  zfill: (self: string, width: number) => {
    const sign = /^[+-]/.test(self) ? self.slice(0, 1) : '';
    const rest = self.slice(sign.length);
    return sign + rest.padStart(Math.max(0, width - sign.length), '0');
  },
  format: (self: string, ...args: unknown[]) => {
    const last = args[args.length - 1];
    const kwargs = isDict(last) && last.__keywords === true ? last : {};
    return braceFormat(self, kwargs === last ? args.slice(0, -1) : args, kwargs);
  },
  upper: (self: string) => self.toUpperCase(),
  lower: (self: string) => self.toLowerCase(),
  strip: (self: string, chars?: string) => stripChars(self, chars, true, true),
  lstrip: (self: string, chars?: string) => stripChars(self, chars, true, false),
  rstrip: (self: string, chars?: string) => stripChars(self, chars, false, true),
  startswith: (self: string, prefix: string) => self.startsWith(prefix),
  endswith: (self: string, suffix: string) => self.endsWith(suffix),
  replace: (self: string, from: string, to: string) => self.split(from).join(to),
  split: (self: string, sep?: string) => (sep === undefined || sep === null ? self.trim().split(/\s+/).filter(Boolean) : self.split(sep)),
  join: (self: string, items: unknown[]) => Array.from(items, pyText).join(self),
};

/** The Python dict methods templates may call, e.g. `sip_lines.items()`. */
const DICT_METHODS: Record<string, Method> = {
  items: (self: Record<string, unknown>) => Object.entries(self),
  values: (self: Record<string, unknown>) => Object.values(self),
  keys: (self: Record<string, unknown>) => Object.keys(self),
  get: (self: Record<string, unknown>, key: string, fallback?: unknown) => (Object.hasOwn(self, key) ? self[key] : fallback),
};

function stripChars(self: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : chars;
  let start = 0;
  let end = self.length;
  if (left) while (start < end && set.includes(self[start] as string)) start++;
  if (right) while (end > start && set.includes(self[end - 1] as string)) end--;
  return self.slice(start, end);
}

/** Names never looked up on values (so templates cannot reach constructors or prototypes). */
const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/**
 * Looks up `obj.key` (or `obj[key]`) in a template: Python string and dict methods first when the value has no own
 * member of that name, then the member itself (functions bound to `obj`). Missing members give `undefined`.
 */
export function lookupMember(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  const name = typeof key === 'number' ? key : String(key);
  if (typeof name === 'string' && FORBIDDEN.has(name)) return undefined;
  if (typeof obj === 'string' || obj instanceof String) {
    const method = typeof name === 'string' ? STRING_METHODS[name] : undefined;
    if (method && Object.hasOwn(STRING_METHODS, name)) return (...args: never[]) => method(obj.toString() as never, ...args);
  } else if (isDict(obj) && typeof name === 'string' && !Object.hasOwn(obj, name) && Object.hasOwn(DICT_METHODS, name)) {
    const method = DICT_METHODS[name] as Method;
    return (...args: never[]) => method(obj as never, ...args);
  }
  if ((Array.isArray(obj) || typeof obj === 'string') && typeof name === 'number' && name < 0) return obj[obj.length + name];
  const value = (obj as Record<string | number, unknown>)[name];
  if (typeof value === 'function') return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args);
  return value;
}
