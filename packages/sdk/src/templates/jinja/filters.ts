/**
 * Jinja2 3.1's built-in filters, with Python semantics. Each filter is `(ec, value, ...args)` with its parameter
 * names in `params` (so keyword arguments bind as in Python); `varargs` filters take `(ec, value, args, kwargs)`.
 */
import type { CallableSpec } from './compiler';
import { fixedDigits, percentFormat } from './format';
import { wrap } from './textwrap';
import { urlize } from './urlize';
import { PY_WS, pyCapitalize, pyCenter, pyIsLower, pyReplace, pySplitlines, stripChars } from './methods';
import { add, callFilter, escapeValue, getitem, htmlEscape, iter, unpack, type EvalContext, type FilterFn } from './runtime';
import {
  DictView,
  Markup,
  PyIter,
  PyRange,
  Tuple,
  chars,
  dictGet,
  dictKeys,
  dictSize,
  fail,
  float,
  floatRepr,
  isDict,
  isFloat,
  isInt,
  isStr,
  mapKey,
  numValue,
  pyCmp,
  pyEq,
  pyRepr,
  pyStr,
  strLen,
  truthy,
  tuple,
  typeName,
} from './values';

type Kw = Map<string, unknown> | null;

interface Def {
  fn: FilterFn;
  spec: CallableSpec;
}

function def(params: string[], required: number, fn: (ec: EvalContext, value: unknown, ...args: never[]) => unknown): Def {
  const f = fn as FilterFn;
  f.params = params;
  return { fn: f, spec: { params, required } };
}

function vdef(fn: (ec: EvalContext, value: unknown, args: unknown[], kwargs: Kw) => unknown): Def {
  return { fn: fn as unknown as FilterFn, spec: { params: [], required: 0, varargs: true } };
}

/** `str()` keeping Markup. */
function softStr(v: unknown): string | Markup {
  return v instanceof Markup ? v : pyStr(v);
}

function text(v: unknown): string {
  return pyStr(v);
}

function keepMarkup(v: unknown, out: string): string | Markup {
  return v instanceof Markup ? new Markup(out) : out;
}

/** `len()`. */
export function pyLen(v: unknown): number {
  if (typeof v === 'string') return strLen(v);
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return dictSize(v);
  if (v instanceof Markup) return strLen(v.s);
  if (v instanceof DictView) return dictSize(v.dict);
  if (v instanceof PyRange) return v.length;
  if (v === undefined) return 0;
  const custom = v as { length?: unknown; pyType?: string };
  if (custom && custom.pyType === 'LoopContext') return custom.length as number;
  return fail(`object of type '${typeName(v)}' has no len()`);
}

/** `reversed()`: only sequences (not iterators). */
function reversedList(v: unknown): unknown[] {
  if (v instanceof PyIter) fail(`'${v.kind}' object is not reversible`);
  if (isDict(v) || v instanceof DictView || Array.isArray(v) || isStr(v) || v instanceof PyRange) return [...iter(v)].reverse();
  if (v === undefined) return [];
  return fail(`'${typeName(v)}' object is not reversible`);
}

function ignoreCase(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v instanceof Markup ? v.s.toLowerCase() : v;
}

function attrParts(attr: unknown): unknown[] {
  if (attr === undefined || attr === null) return [];
  if (typeof attr === 'string') return attr.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return [attr];
}

/** Jinja2's `make_attrgetter`. */
function attrGetter(attribute: unknown, postprocess?: (v: unknown) => unknown, dflt?: unknown): (item: unknown) => unknown {
  const parts = attrParts(attribute);
  return (item) => {
    let v = item;
    for (const p of parts) {
      v = getitem(v, p);
      if (v === undefined && dflt !== undefined && dflt !== null) {
        v = dflt;
        break;
      }
    }
    return postprocess ? postprocess(v) : v;
  };
}

/** Jinja2's `make_multi_attrgetter` (a list of values, for `sort`). */
function multiAttrGetter(attribute: unknown, postprocess?: (v: unknown) => unknown): (item: unknown) => unknown {
  const split = typeof attribute === 'string' ? attribute.split(',') : [attribute];
  const getters = split.map((a) => attrGetter(a, postprocess));
  return (item) => getters.map((g) => g(item));
}

function sorted(items: unknown[], key: (v: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((v) => [key(v), v] as const);
  keyed.sort((a, b) => (reverse ? -1 : 1) * pyCmp(a[0], b[0]));
  return keyed.map((k) => k[1]);
}

function hashKey(v: unknown): unknown {
  if (Array.isArray(v) && !(v instanceof Tuple)) fail(`unhashable type: '${typeName(v)}'`);
  if (isDict(v)) fail("unhashable type: 'dict'");
  if (v instanceof Tuple) return `t:${pyRepr(v)}`;
  if (v instanceof Markup) return v.s;
  return mapKey(v);
}

function pyInt(value: unknown, dflt: unknown, base: unknown): unknown {
  if (value === undefined) fail('the value converted by int is undefined');
  const b = base === undefined ? 10 : (numValue(base) as number);
  if (isStr(value)) {
    const parsed = parseIntStr(value.toString(), b);
    if (parsed !== undefined) return parsed;
  } else if (typeof value === 'boolean') return value ? 1 : 0;
  else if (isInt(value)) return value;
  else if (isFloat(value)) {
    const n = numValue(value) as number;
    if (!Number.isFinite(n)) fail(Number.isNaN(n) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
    return Math.trunc(n);
  }
  const f = pyFloat(value);
  if (f !== undefined) {
    if (!Number.isFinite(f)) fail(Number.isNaN(f) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
    return Math.trunc(f);
  }
  return dflt === undefined ? 0 : dflt;
}

const WS_CLASS = `[${PY_WS.replace(/[\\\]^-]/g, '\\$&')}]`;
const TRIM = new RegExp(`^${WS_CLASS}+|${WS_CLASS}+$`, 'g');

function parseIntStr(s: string, base: number): number | undefined {
  let t = s.replace(TRIM, '');
  let sign = 1;
  if (t.startsWith('+') || t.startsWith('-')) {
    if (t.startsWith('-')) sign = -1;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(t);
  if (b === 0) {
    b = prefix ? { x: 16, o: 8, b: 2 }[(prefix[1] as string).toLowerCase() as 'x' | 'o' | 'b'] : 10;
    if (!prefix && /^0+[1-9]/.test(t)) return undefined;
  }
  if (prefix && ((b === 16 && /x/i.test(prefix[1] as string)) || (b === 8 && /o/i.test(prefix[1] as string)) || (b === 2 && /b/i.test(prefix[1] as string)))) {
    t = t.slice(2);
    if (t.startsWith('_')) t = t.slice(1);
  }
  if (t === '' || t.startsWith('_') || t.endsWith('_') || t.includes('__')) return undefined;
  t = t.replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (![...t.toLowerCase()].every((c) => digits.includes(c))) return undefined;
  const n = sign * parseInt(t, b);
  if (!Number.isSafeInteger(n)) fail('unsupported: integer beyond 2**53');
  return n === 0 ? 0 : n;
}

/** Python's `float(value)`, `undefined` when it raises. */
function pyFloat(value: unknown): number | undefined {
  if (value === undefined) fail('the value converted by float is undefined');
  const n = numValue(value);
  if (n !== undefined) return n;
  if (!isStr(value)) return undefined;
  const t = value.toString().replace(TRIM, '').toLowerCase();
  const m = /^([+-]?)(?:(inf|infinity)|(nan)|((?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:e[+-]?\d(?:_?\d)*)?))$/.exec(t);
  if (!m) return undefined;
  if (m[2]) return m[1] === '-' ? -Infinity : Infinity;
  if (m[3]) return NaN;
  const body = (m[4] as string).replace(/_/g, '');
  if (!/\d/.test(body.split('e')[0] as string)) return undefined;
  return Number(`${m[1]}${body}`);
}

function round(value: unknown, precision: unknown, method: unknown): unknown {
  const m = method ?? 'common';
  if (m !== 'common' && m !== 'ceil' && m !== 'floor') fail('method must be common, ceil or floor');
  const p = precision === undefined ? 0 : (numValue(precision) as number);
  const x = numValue(value);
  if (x === undefined) fail(`type ${typeName(value)} doesn't define __round__ method`);
  if (m === 'common') {
    if (!isFloat(value)) {
      if (p >= 0) return x;
      const f = 10 ** -p;
      const q = Math.round(x / f);
      const r = x / f - Math.trunc(x / f);
      return (Math.abs(r) === 0.5 ? 2 * Math.round(x / f / 2) : q) * f;
    }
    if (!Number.isFinite(x)) return float(x);
    if (p < 0) {
      const f = 10 ** -p;
      const y = x / f;
      const r = Math.abs(y - Math.trunc(y)) === 0.5 ? 2 * Math.round(y / 2) : Math.round(y);
      return float(r * f);
    }
    const digits = fixedDigits(x, p);
    return float((x < 0 ? -1 : 1) * Number(digits));
  }
  const f = 10 ** p;
  const fn = m === 'ceil' ? Math.ceil : Math.floor;
  return float(fn(x * f) / f);
}

function filesizeformat(value: unknown, binary: unknown): string {
  const bytes = pyFloat(value);
  if (bytes === undefined) fail(`could not convert ${typeName(value)} to float`);
  const bin = truthy(binary);
  const base = bin ? 1024 : 1000;
  const prefixes = bin ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = 0;
  let prefix = '';
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    prefix = prefixes[i] as string;
    if (bytes < unit) break;
  }
  const v = (base * bytes) / unit;
  return `${v < 0 ? '-' : ''}${fixedDigits(v, 1)} ${prefix}`;
}

function indent(s: unknown, width: unknown, first: unknown, blank: unknown): unknown {
  if (!isStr(s)) fail(s === undefined ? 'the value indented is undefined' : `unsupported operand type(s) for +=: '${typeName(s)}' and 'str'`);
  const ind = typeof width === 'string' ? width : ' '.repeat(width === undefined ? 4 : (numValue(width) as number));
  const src = `${text(s)}\n`;
  let rv: string;
  const lines = pySplitlines(src);
  if (truthy(blank)) rv = lines.join(`\n${ind}`);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += `\n${lines.map((l) => (l ? ind + l : l)).join('\n')}`;
  }
  if (truthy(first)) rv = ind + rv;
  return keepMarkup(s, rv);
}

function truncate(s: unknown, length: unknown, killwords: unknown, end: unknown, leeway: unknown): string {
  const str = text(s);
  const len = length === undefined ? 255 : (numValue(length) as number);
  const e = end === undefined ? '...' : text(end);
  const lw = leeway === undefined || leeway === null ? 5 : (numValue(leeway) as number);
  if (len < strLen(e)) fail(`expected length >= ${strLen(e)}, got ${len}`);
  if (lw < 0) fail(`expected leeway >= 0, got ${lw}`);
  if (s === undefined) return '';
  if (!isStr(s)) {
    if (pyLen(s) <= len + lw) return s as string;
    fail(`'${typeName(s)}' object has no attribute 'rsplit'`);
  }
  const c = chars(str);
  if (c.length <= len + lw) return str;
  if (truthy(killwords)) return c.slice(0, len - strLen(e)).join('') + e;
  const head = c.slice(0, len - strLen(e)).join('');
  const at = head.lastIndexOf(' ');
  return (at >= 0 ? head.slice(0, at) : head) + e;
}

function jsonDump(v: unknown, ind: string | null, level: number): string {
  const nl = ind === null ? '' : `\n${ind.repeat(level + 1)}`;
  const close = ind === null ? '' : `\n${ind.repeat(level)}`;
  const sep = ind === null ? ', ' : ',';
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (isInt(v)) return String(v);
  if (isFloat(v)) {
    const n = numValue(v) as number;
    return Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : floatRepr(n);
  }
  if (isStr(v)) return jsonString(v.toString());
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => jsonDump(x, ind, level + 1)).join(sep + nl)}${close}]`;
  }
  if (isDict(v)) {
    const keys = dictKeys(v).map((k) => [jsonKey(k), k] as const);
    keys.sort((a, b) => pyCmp(a[0], b[0]));
    if (keys.length === 0) return '{}';
    return `{${nl}${keys.map(([ks, k]) => `${jsonString(ks)}: ${jsonDump(dictGet(v, k), ind, level + 1)}`).join(sep + nl)}${close}}`;
  }
  return fail(`Object of type ${typeName(v)} is not JSON serializable`);
}

function jsonKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (isInt(k)) return String(k);
  if (isFloat(k)) return floatRepr(numValue(k) as number);
  return fail(`keys must be str, int, float, bool or None, not ${typeName(k)}`);
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function pprint(v: unknown): string {
  const sortDicts = (x: unknown): unknown => x;
  void sortDicts;
  const repr = pprintRepr(v);
  if (repr.length > 80) fail('unsupported: pprint of a value longer than 80 characters (Python wraps it)');
  return repr;
}

function pprintRepr(v: unknown): string {
  if (isDict(v)) {
    const keys = dictKeys(v);
    const sortedKeys = [...keys];
    try {
      sortedKeys.sort((a, b) => pyCmp(a, b));
    } catch {
      /* Python falls back to an order-safe key; keep insertion order */
    }
    return `{${sortedKeys.map((k) => `${pprintRepr(k)}: ${pprintRepr(dictGet(v, k))}`).join(', ')}}`;
  }
  if (v instanceof Tuple) return v.length === 1 ? `(${pprintRepr(v[0])},)` : `(${v.map(pprintRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pprintRepr).join(', ')}]`;
  return pyRepr(v);
}

const URL_SAFE = /[A-Za-z0-9_.\-~]/;

function urlQuote(v: unknown, forQs: boolean): string {
  const s = isStr(v) ? v.toString() : pyStr(v);
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += URL_SAFE.test(ch) || (!forQs && ch === '/') ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'", '#34': '"' };

function striptags(v: unknown): string {
  let s = text(v).replace(/<!--[\s\S]*?-->/g, '').replace(/<[\s\S]*?>/g, '');
  s = s.split(new RegExp(`${WS_CLASS}+`)).filter((x) => x !== '').join(' ');
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const known = ENTITIES[e];
    if (known === undefined) fail(`unsupported: the HTML entity &${e}; in striptags`);
    return known;
  });
}

function select(ec: EvalContext, value: unknown, args: unknown[], kwargs: Kw, reject: boolean, lookupAttr: boolean): PyIter {
  return new PyIter(
    (function* () {
      if (!truthy(value)) return;
      let trans = (x: unknown): unknown => x;
      let off = 0;
      if (lookupAttr) {
        if (args.length === 0) fail('Missing parameter for attribute name');
        trans = attrGetter(args[0]);
        off = 1;
      }
      let test: (x: unknown) => boolean = truthy;
      if (args.length > off) {
        const name = text(args[off]);
        const rest = args.slice(off + 1);
        const tests = TESTS_REF.tests;
        if (!Object.hasOwn(tests, name)) fail(`No test named '${name}'.`);
        test = (x) => truthy(callFilter(tests, name, ec, x, rest, kwargs));
      }
      for (const x of iter(value)) if (test(trans(x)) !== reject) yield x;
    })(),
  );
}

/** Set by the tests module, to break the import cycle. */
export const TESTS_REF: { tests: Record<string, FilterFn> } = { tests: {} };

function xmlattr(ec: EvalContext, d: unknown, autospace: unknown): unknown {
  if (!isDict(d)) fail(`'${typeName(d)}' object has no attribute 'items'`);
  const parts: string[] = [];
  for (const k of dictKeys(d)) {
    const v = dictGet(d, k);
    if (v === null || v === undefined) continue;
    parts.push(`${escapeValue(k).s}="${escapeValue(v).s}"`);
  }
  let rv = parts.join(' ');
  if ((autospace === undefined || truthy(autospace)) && rv) rv = ` ${rv}`;
  return ec.ae ? new Markup(rv) : rv;
}

function join(ec: EvalContext, value: unknown, d: unknown, attribute: unknown): unknown {
  let items = iter(value);
  if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
  const sep = d === undefined ? '' : d;
  if (!ec.ae) return items.map(text).join(text(sep));
  if (!(sep instanceof Markup)) {
    const anyMarkup = items.some((x) => x instanceof Markup);
    if (anyMarkup) return new Markup(items.map((x) => escapeValue(x).s).join(escapeValue(sep).s));
    return items.map(text).join(text(sep));
  }
  return new Markup(items.map((x) => escapeValue(x).s).join(sep.s));
}

function minmax(value: unknown, caseSensitive: unknown, attribute: unknown, max: boolean): unknown {
  const items = iter(value);
  if (items.length === 0) return undefined;
  const key = attrGetter(attribute, truthy(caseSensitive) ? undefined : ignoreCase);
  let best = items[0];
  let bestKey = key(best);
  for (const x of items.slice(1)) {
    const k = key(x);
    const c = pyCmp(k, bestKey);
    if (max ? c > 0 : c < 0) {
      best = x;
      bestKey = k;
    }
  }
  return best;
}

function map(ec: EvalContext, value: unknown, args: unknown[], kwargs: Kw): PyIter {
  return new PyIter(
    (function* () {
      if (!truthy(value)) return;
      let fn: (x: unknown) => unknown;
      if (args.length === 0 && kwargs?.has('attribute')) {
        const kw = new Map(kwargs);
        const attribute = kw.get('attribute');
        kw.delete('attribute');
        const dflt = kw.get('default');
        kw.delete('default');
        if (kw.size) fail(`Unexpected keyword argument '${[...kw.keys()][0] as string}'`);
        fn = attrGetter(attribute, undefined, dflt);
      } else {
        if (args.length === 0) fail('map requires a filter argument');
        const name = text(args[0]);
        if (!Object.hasOwn(FILTERS, name)) fail(`No filter named '${name}'.`);
        const spec = DEFS[name] as Def;
        if (spec.spec.unsupported) fail(`unsupported: the filter '${name}'`);
        const rest = args.slice(1);
        fn = (x) => (spec.spec.varargs ? (spec.fn as unknown as (e: EvalContext, v: unknown, a: unknown[], k: Kw) => unknown)(ec, x, rest, kwargs) : callFilter(FILTERS, name, ec, x, rest, kwargs));
      }
      for (const x of iter(value)) yield fn(x);
    })(),
  );
}

function groupby(value: unknown, attribute: unknown, dflt: unknown, caseSensitive: unknown): unknown[] {
  const cs = truthy(caseSensitive);
  const expr = attrGetter(attribute, cs ? undefined : ignoreCase, dflt);
  const items = sorted(iter(value), expr, false);
  const out: [unknown, unknown[]][] = [];
  for (const item of items) {
    const k = expr(item);
    const last = out[out.length - 1];
    if (last && pyEq(last[0], k)) last[1].push(item);
    else out.push([k, [item]]);
  }
  const real = attrGetter(attribute, undefined, dflt);
  return out.map(([k, vs]) => groupTuple(cs ? k : real(vs[0]), vs));
}

function groupTuple(grouper: unknown, list: unknown[]): Tuple {
  const t = tuple([grouper, list]);
  Object.defineProperty(t, 'pyNamed', { value: { grouper, list }, enumerable: false });
  return t;
}

function dictsort(value: unknown, caseSensitive: unknown, by: unknown, reverse: unknown): unknown[] {
  const b = by === undefined ? 'key' : by;
  if (b !== 'key' && b !== 'value') fail('You can only sort by either "key" or "value"');
  if (!isDict(value)) fail(`'${typeName(value)}' object has no attribute 'items'`);
  const pos = b === 'key' ? 0 : 1;
  const pairs = dictKeys(value).map((k) => tuple([k, dictGet(value, k)]));
  return sorted(pairs, (p) => (truthy(caseSensitive) ? (p as unknown[])[pos] : ignoreCase((p as unknown[])[pos])), truthy(reverse));
}

function batch(value: unknown, linecount: unknown, fill: unknown): PyIter {
  return new PyIter(
    (function* () {
      const n = numValue(linecount) as number;
      let tmp: unknown[] = [];
      for (const item of iter(value)) {
        if (tmp.length === n) {
          yield tmp;
          tmp = [];
        }
        tmp.push(item);
      }
      if (tmp.length) {
        if (fill !== undefined && fill !== null) while (tmp.length < n) tmp.push(fill);
        yield tmp;
      }
    })(),
  );
}

function sliceFilter(value: unknown, slices: unknown, fill: unknown): PyIter {
  return new PyIter(
    (function* () {
      const seq = iter(value);
      const n = numValue(slices) as number;
      const per = Math.floor(seq.length / n);
      const extra = seq.length % n;
      let offset = 0;
      for (let i = 0; i < n; i++) {
        const start = offset + i * per;
        if (i < extra) offset++;
        const end = offset + (i + 1) * per;
        const tmp = seq.slice(start, end);
        if (fill !== undefined && fill !== null && i >= extra) tmp.push(fill);
        yield tmp;
      }
    })(),
  );
}

function sum(value: unknown, attribute: unknown, start: unknown): unknown {
  let items = iter(value);
  if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
  let total: unknown = start === undefined ? 0 : start;
  if (isStr(total)) fail("sum() can't sum strings [use ''.join(seq) instead]");
  for (const x of items) total = add(total, x);
  return total;
}

function unique(value: unknown, caseSensitive: unknown, attribute: unknown): PyIter {
  return new PyIter(
    (function* () {
      const key = attrGetter(attribute, truthy(caseSensitive) ? undefined : ignoreCase);
      const seen = new Set<unknown>();
      for (const item of iter(value)) {
        const k = hashKey(key(item));
        if (seen.has(k)) continue;
        seen.add(k);
        yield item;
      }
    })(),
  );
}

function title(s: unknown): unknown {
  const str = text(s);
  const parts = str.split(/([-\s({[<]+)/u);
  return keepMarkup(s, parts.filter((p) => p !== '').map((p) => (chars(p)[0] as string).toUpperCase() + chars(p).slice(1).join('').toLowerCase()).join(''));
}

function wordcount(s: unknown): number {
  return (text(s).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? []).length;
}

function reverse(value: unknown): unknown {
  if (typeof value === 'string') return chars(value).reverse().join('');
  if (value instanceof Markup) return new Markup(chars(value.s).reverse().join(''));
  if (value instanceof PyIter) return value.take().reverse();
  return new PyIter(reversedList(value), 'list_reverseiterator');
}

function sortFilter(value: unknown, rev: unknown, caseSensitive: unknown, attribute: unknown): unknown[] {
  const key = multiAttrGetter(attribute, truthy(caseSensitive) ? undefined : ignoreCase);
  return sorted(iter(value), key, truthy(rev));
}

function random(value: unknown): unknown {
  const items = value instanceof PyIter ? fail("object of type 'generator' has no len()") : isDict(value) ? fail('unsupported: random of a dict') : iter(value);
  if (items.length === 0) return undefined;
  return items[Math.floor(Math.random() * items.length)];
}

function defaultFilter(_ec: EvalContext, value: unknown, dflt: unknown = '', boolean?: unknown): unknown {
  if (value === undefined || (truthy(boolean) && !truthy(value))) return dflt;
  return value;
}

const DEFS: Record<string, Def> = {
  abs: def([], 0, (_ec, v) => {
    const n = numValue(v);
    if (n === undefined) fail(`bad operand type for abs(): '${typeName(v)}'`);
    return isFloat(v) ? float(Math.abs(n)) : Math.abs(n);
  }),
  attr: def(['name'], 1, (_ec, v, name: unknown) => {
    if (v === undefined) fail('the value whose attribute is read is undefined');
    return attributeOnly(v, text(name));
  }),
  batch: def(['linecount', 'fill_with'], 1, (_ec, v, n: unknown, f: unknown) => batch(v, n, f)),
  capitalize: def([], 0, (_ec, v) => keepMarkup(v, pyCapitalize(text(v)))),
  center: def(['width'], 0, (_ec, v, w: unknown) => pyCenter(text(v), w === undefined ? 80 : (numValue(w) as number))),
  count: def([], 0, (_ec, v) => pyLen(v)),
  d: def(['default_value', 'boolean'], 0, defaultFilter as never),
  default: def(['default_value', 'boolean'], 0, defaultFilter as never),
  dictsort: def(['case_sensitive', 'by', 'reverse'], 0, (_ec, v, c: unknown, b: unknown, r: unknown) => dictsort(v, c, b, r)),
  e: def([], 0, (_ec, v) => escapeValue(v)),
  escape: def([], 0, (_ec, v) => escapeValue(v)),
  filesizeformat: def(['binary'], 0, (_ec, v, b: unknown) => filesizeformat(v, b)),
  first: def([], 0, (_ec, v) => {
    if (v instanceof PyIter) return v.take()[0];
    return iter(v)[0];
  }),
  float: def(['default'], 0, (_ec, v, d: unknown) => {
    const f = pyFloat(v);
    if (f === undefined) return d === undefined ? float(0) : d;
    return float(f);
  }),
  forceescape: def([], 0, (_ec, v) => new Markup(htmlEscape(text(v)))),
  format: vdef((_ec, v, args, kwargs) => {
    if (args.length && kwargs && kwargs.size) fail("can't handle positional and keyword arguments at the same time");
    const s = text(v);
    if (kwargs && kwargs.size) return percentFormat(s, [new Map(kwargs)], new Map(kwargs));
    return percentFormat(s, args);
  }),
  groupby: def(['attribute', 'default', 'case_sensitive'], 1, (_ec, v, a: unknown, d: unknown, c: unknown) => groupby(v, a, d, c)),
  indent: def(['width', 'first', 'blank'], 0, (_ec, v, w: unknown, f: unknown, b: unknown) => indent(v, w, f, b)),
  int: def(['default', 'base'], 0, (_ec, v, d: unknown, b: unknown) => pyInt(v, d, b)),
  items: def([], 0, (_ec, v) =>
    new PyIter(
      (function* () {
        if (v === undefined) return;
        if (!isDict(v)) fail('Can only get item pairs from a mapping.');
        yield* new DictView('items', v).list();
      })(),
    ),
  ),
  join: def(['d', 'attribute'], 0, (ec, v, d: unknown, a: unknown) => join(ec, v, d, a)),
  last: def([], 0, (_ec, v) => reversedList(v)[0]),
  length: def([], 0, (_ec, v) => pyLen(v)),
  list: def([], 0, (_ec, v) => [...iter(v)]),
  lower: def([], 0, (_ec, v) => keepMarkup(v, text(v).toLowerCase())),
  map: vdef(map),
  max: def(['case_sensitive', 'attribute'], 0, (_ec, v, c: unknown, a: unknown) => minmax(v, c, a, true)),
  min: def(['case_sensitive', 'attribute'], 0, (_ec, v, c: unknown, a: unknown) => minmax(v, c, a, false)),
  pprint: def([], 0, (_ec, v) => pprint(v)),
  random: def([], 0, (_ec, v) => random(v)),
  reject: vdef((ec, v, a, k) => select(ec, v, a, k, true, false)),
  rejectattr: vdef((ec, v, a, k) => select(ec, v, a, k, true, true)),
  replace: def(['old', 'new', 'count'], 2, (ec, v, o: unknown, n: unknown, c: unknown) => {
    const count = c === undefined || c === null ? -1 : (numValue(c) as number);
    if (!ec.ae) return pyReplace(text(v), text(o), text(n), count);
    const escapeSelf = (o instanceof Markup || n instanceof Markup) && !(v instanceof Markup);
    const s = escapeSelf ? escapeValue(v) : softStr(v);
    if (s instanceof Markup) return new Markup(pyReplace(s.s, escapeValue(o).s, escapeValue(n).s, count));
    return pyReplace(s, text(o), text(n), count);
  }),
  reverse: def([], 0, (_ec, v) => reverse(v)),
  round: def(['precision', 'method'], 0, (_ec, v, p: unknown, m: unknown) => round(v, p, m)),
  safe: def([], 0, (_ec, v) => (v instanceof Markup ? v : new Markup(text(v)))),
  select: vdef((ec, v, a, k) => select(ec, v, a, k, false, false)),
  selectattr: vdef((ec, v, a, k) => select(ec, v, a, k, false, true)),
  slice: def(['slices', 'fill_with'], 1, (_ec, v, n: unknown, f: unknown) => sliceFilter(v, n, f)),
  sort: def(['reverse', 'case_sensitive', 'attribute'], 0, (_ec, v, r: unknown, c: unknown, a: unknown) => sortFilter(v, r, c, a)),
  string: def([], 0, (_ec, v) => softStr(v)),
  striptags: def([], 0, (_ec, v) => striptags(v)),
  sum: def(['attribute', 'start'], 0, (_ec, v, a: unknown, s: unknown) => sum(v, a, s)),
  title: def([], 0, (_ec, v) => title(v)),
  tojson: def(['indent'], 0, (_ec, v, ind: unknown) => {
    const indText = ind === undefined || ind === null ? null : typeof ind === 'string' ? ind : ' '.repeat(numValue(ind) as number);
    return new Markup(jsonDump(v, indText, 0).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'));
  }),
  trim: def(['chars'], 0, (_ec, v, c: unknown) => keepMarkup(v, stripChars(text(v), c, true, true))),
  truncate: def(['length', 'killwords', 'end', 'leeway'], 0, (_ec, v, l: unknown, k: unknown, e: unknown, lw: unknown) => truncate(v, l, k, e, lw)),
  unique: def(['case_sensitive', 'attribute'], 0, (_ec, v, c: unknown, a: unknown) => unique(v, c, a)),
  upper: def([], 0, (_ec, v) => keepMarkup(v, text(v).toUpperCase())),
  urlencode: def([], 0, (_ec, v) => {
    if (isStr(v) || !(Array.isArray(v) || isDict(v) || v instanceof PyIter || v instanceof DictView || v instanceof PyRange || v === undefined)) return urlQuote(v, false);
    const pairs = isDict(v) ? dictKeys(v).map((k) => [k, dictGet(v, k)]) : iter(v).map((p) => unpack(p, 2));
    return pairs.map(([k, x]) => `${urlQuote(k, true)}=${urlQuote(x, true)}`).join('&');
  }),
  urlize: def(['trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'], 0, (ec, v, limit: unknown, nofollow: unknown, target: unknown, rel: unknown, schemes: unknown) => {
    const parts = new Set(text(rel ?? '').split(/\s+/).filter((x) => x !== ''));
    if (truthy(nofollow)) parts.add('nofollow');
    parts.add('noopener');
    const relText = [...parts].sort((a, b) => pyCmp(a, b)).join(' ') || null;
    const extra = schemes === undefined || schemes === null ? [] : iter(schemes).map(text);
    for (const scheme of extra) if (!/^[a-zA-Z][\w+.-]*:(\/\/)?$/.test(scheme)) fail(`'${scheme}' is not a valid URI scheme prefix.`);
    const out = urlize(text(v), limit === undefined || limit === null ? null : (numValue(limit) as number), relText, target === undefined || target === null ? null : text(target), extra);
    return ec.ae ? new Markup(out) : out;
  }),
  wordcount: def([], 0, (_ec, v) => wordcount(v)),
  wordwrap: def(['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], 0, (_ec, v, w: unknown, blw: unknown, ws: unknown, boh: unknown) => {
    if (!isStr(v)) fail(v === undefined ? 'the value wrapped is undefined' : `'${typeName(v)}' object has no attribute 'splitlines'`);
    const width = w === undefined ? 79 : (numValue(w) as number);
    if (width <= 0) fail(`invalid width ${width} (must be > 0)`);
    const sep = ws === undefined || ws === null ? '\n' : text(ws);
    const lines = pySplitlines(text(v)).map((line) => wrap(line, width, blw === undefined ? true : truthy(blw), boh === undefined ? true : truthy(boh)).join(sep));
    return lines.join(sep);
  }),
  xmlattr: def(['autospace'], 0, (ec, v, a: unknown) => xmlattr(ec, v, a)),
};

import { attribute as pyAttribute } from './methods';

function attributeOnly(v: unknown, name: string): unknown {
  return pyAttribute(v, name);
}

/** The filter functions. */
export const FILTERS: Record<string, FilterFn> = Object.fromEntries(Object.entries(DEFS).map(([k, v]) => [k, v.fn]));
/** What the compiler knows of each filter. */
export const FILTER_SPECS: Record<string, CallableSpec> = Object.fromEntries(Object.entries(DEFS).map(([k, v]) => [k, v.spec]));

export { pyFloat, pyInt, pyIsLower, text as filterText };
