/**
 * Python values as Jinja2 templates see them, in JavaScript: `undefined` is Jinja's `Undefined`, `null` is `None`,
 * integral numbers are `int`, other numbers and {@link PyFloat} are `float`, arrays are lists, {@link Tuple} is a
 * tuple, plain objects and `Map`s are dicts. This module holds the classes and the semantics that show in output:
 * `str()`, `repr()`, truthiness, equality and ordering.
 */

/** A Jinja2 runtime error: rendering stops and the helper reports it with the template name. */
export class TemplateRuntimeError extends Error {
  override name = 'TemplateRuntimeError';
}

/** Throws a {@link TemplateRuntimeError}. */
export function fail(message: string): never {
  throw new TemplateRuntimeError(message);
}

/** A float whose value is integral (`2.0`), which JavaScript numbers cannot tell from the int `2`. */
export class PyFloat {
  constructor(readonly v: number) {}
}

/** A Python tuple. */
export class Tuple<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Makes a tuple of `items`. */
export function tuple<T>(items: readonly T[]): Tuple<T> {
  const t = new Tuple<T>();
  for (const item of items) t.push(item);
  return t;
}

/** Text marked safe (markupsafe's `Markup`): never escaped again. */
export class Markup {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

/** A dict view (`d.keys()`, `d.values()`, `d.items()`). */
export class DictView {
  constructor(
    readonly kind: 'keys' | 'values' | 'items',
    readonly dict: Dict,
  ) {}
  /** The items of the view, now. */
  list(): unknown[] {
    if (this.kind === 'keys') return dictKeys(this.dict);
    if (this.kind === 'values') return dictKeys(this.dict).map((k) => dictGet(this.dict, k));
    return dictKeys(this.dict).map((k) => tuple([k, dictGet(this.dict, k)]));
  }
}

/** A Python iterator or generator: iterated once, always true, has no length. */
export class PyIter {
  private done = false;
  constructor(
    private readonly source: Iterable<unknown>,
    readonly kind = 'generator',
  ) {}
  /** Takes what is left of the iterator. */
  take(): unknown[] {
    if (this.done) return [];
    this.done = true;
    return Array.from(this.source);
  }
}

/** A Python `range`. */
export class PyRange {
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}
  get length(): number {
    const n = this.step > 0 ? Math.ceil((this.stop - this.start) / this.step) : Math.ceil((this.start - this.stop) / -this.step);
    return Math.max(0, n);
  }
  at(i: number): number {
    return this.start + i * this.step;
  }
  list(): number[] {
    const n = this.length;
    if (n > 100000) fail('range too big, maximum is 100000 items');
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.at(i));
    return out;
  }
}

/** A callable value (a Python function or bound method): `(args, kwargs)`. */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly fn: (args: unknown[], kwargs: Map<string, unknown> | null) => unknown,
  ) {}
}

/** A dict: a plain object (string keys, from the context) or a `Map` (made by a template). */
export type Dict = Record<string, unknown> | Map<unknown, unknown>;

/** Whether `value` is a plain object used as a dict. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `value` is a dict. */
export function isDict(value: unknown): value is Dict {
  return value instanceof Map || isPlainObject(value);
}

/** The keys of a dict, in order. */
export function dictKeys(d: Dict): unknown[] {
  return d instanceof Map ? [...d.keys()] : Object.keys(d);
}

/** The size of a dict. */
export function dictSize(d: Dict): number {
  return d instanceof Map ? d.size : Object.keys(d).length;
}

/** Whether a dict has `key` (Python `key in d`). */
export function dictHas(d: Dict, key: unknown): boolean {
  if (d instanceof Map) return d.has(mapKey(key));
  return typeof key === 'string' && Object.hasOwn(d, key);
}

/** `d[key]`, `undefined` when missing. */
export function dictGet(d: Dict, key: unknown): unknown {
  if (d instanceof Map) return d.get(mapKey(key));
  return typeof key === 'string' && Object.hasOwn(d, key) ? d[key] : undefined;
}

/** `d[key] = value`. */
export function dictSet(d: Dict, key: unknown, value: unknown): void {
  if (d instanceof Map) d.set(mapKey(key), value);
  else if (typeof key === 'string') {
    if (key === '__proto__') Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
    else d[key] = value;
  } else fail(`dict keys of a context dict must be strings, not ${typeName(key)}`);
}

/** The key under which a Python key is stored in a Map (`True` and `1`, `1.0` and `1` are one key). */
export function mapKey(key: unknown): unknown {
  if (key instanceof PyFloat) return key.v;
  if (typeof key === 'boolean') return key ? 1 : 0;
  if (Array.isArray(key) || isDict(key)) fail(`unhashable type: '${typeName(key)}'`);
  return key;
}

/** Whether `value` is a Python float. */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** Whether `value` is a Python int (booleans excluded). */
export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Whether `value` is a Python number (bool, int or float). */
export function isNumber(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat;
}

/** The numeric value of a bool, int or float; `undefined` for anything else. */
export function numValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.v;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** A float of value `n`. */
export function float(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Whether `value` is a str (or Markup, a str subclass). */
export function isStr(value: unknown): value is string | Markup {
  return typeof value === 'string' || value instanceof Markup;
}

/** The Python type name of a value, as error messages give it. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'Undefined';
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (isInt(value)) return 'int';
  if (isFloat(value)) return 'float';
  if (typeof value === 'string') return 'str';
  if (value instanceof Markup) return 'Markup';
  if (value instanceof Tuple) return 'tuple';
  if (Array.isArray(value)) return 'list';
  if (isDict(value)) return 'dict';
  if (value instanceof DictView) return `dict_${value.kind}`;
  if (value instanceof PyRange) return 'range';
  if (value instanceof PyIter) return value.kind;
  if (value instanceof PyCallable) return 'function';
  const named = value as { pyType?: string };
  return typeof named.pyType === 'string' ? named.pyType : 'object';
}

const SURROGATE = /[\ud800-\udfff]/;

/** The characters of a str (code points, as Python counts them). */
export function chars(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

/** `len(s)` of a str. */
export function strLen(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}

/** Python's `float.__repr__`: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a str. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0) as number;
      out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `str()` of a value, as `{{ }}` prints it (`Undefined` prints as nothing). */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  return pyRepr(value, false);
}

/** Python's `repr()` of a value. */
export function pyRepr(value: unknown, quoted = true): string {
  if (typeof value === 'string') return quoted ? strRepr(value) : value;
  if (value === undefined) return quoted ? 'Undefined' : '';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.v);
  if (value instanceof Markup) return quoted ? `Markup(${strRepr(value.s)})` : value.s;
  if (value instanceof Tuple) {
    if (value.length === 1) return `(${pyRepr(value[0])},)`;
    return `(${value.map((v) => pyRepr(v)).join(', ')})`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (isDict(value)) return `{${dictKeys(value).map((k) => `${pyRepr(k)}: ${pyRepr(dictGet(value, k))}`).join(', ')}}`;
  if (value instanceof DictView) return `dict_${value.kind}(${pyRepr(value.list())})`;
  if (value instanceof PyRange) return value.step === 1 ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`;
  const custom = value as { pyRepr?: () => string };
  if (typeof custom.pyRepr === 'function') return custom.pyRepr();
  return fail(`a ${typeName(value)} object prints with its memory address in Jinja2; provd refuses to print it`);
}

/** Python truthiness. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (value instanceof PyFloat) return value.v !== 0;
  if (value instanceof Markup) return value.s.length > 0;
  if (isPlainObject(value)) {
    for (const _ in value) return true;
    return false;
  }
  if (value instanceof DictView) return dictSize(value.dict) > 0;
  if (value instanceof PyRange) return value.length > 0;
  const custom = value as { pyBool?: () => boolean };
  if (typeof custom.pyBool === 'function') return custom.pyBool();
  return true;
}

/** Python's `==`. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return false;
  const x = numValue(a);
  const y = numValue(b);
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && x === y;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (isStr(a) || isStr(b)) return isStr(a) && isStr(b) && a.toString() === b.toString();
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a instanceof Tuple !== b instanceof Tuple) return false;
    return a.length === b.length && a.every((item, i) => pyEq(item, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const keys = dictKeys(a);
    return keys.length === dictSize(b) && keys.every((k) => dictHas(b, k) && pyEq(dictGet(a, k), dictGet(b, k)));
  }
  if (a instanceof PyRange && b instanceof PyRange) return pyEq(a.list(), b.list());
  if (a instanceof DictView && b instanceof DictView && a.kind !== 'values' && b.kind !== 'values') {
    const la = a.list();
    const lb = b.list();
    return la.length === lb.length && la.every((x) => lb.some((y) => pyEq(x, y)));
  }
  return false;
}

function cmpStr(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ca = Array.from(a, (c) => c.codePointAt(0) as number);
  const cb = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return (ca[i] as number) - (cb[i] as number);
  return ca.length - cb.length;
}

/** Python's ordering of two values (`<` as `-1`, `0`, `1`); a TypeError for values that have none. */
export function pyCmp(a: unknown, b: unknown, op = '<'): number {
  const x = numValue(a);
  const y = numValue(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (isStr(a) && isStr(b)) return cmpStr(a.toString(), b.toString());
  if (Array.isArray(a) && Array.isArray(b) && a instanceof Tuple === b instanceof Tuple) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCmp(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a === undefined || b === undefined) fail(`'${op}' is not supported on an undefined value`);
  return fail(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}
