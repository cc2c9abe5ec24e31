/**
 * Python attributes of values: the methods of `str`, `list`, `tuple` and `dict` that templates call
 * (`.items()`, `.split()`, `.format()`...), and the attributes of the template objects (loops, namespaces, modules).
 * A Python method that provd does not implement is a render error, never a silent undefined.
 */
import { braceFormat } from './format';
import {
  DictView,
  Markup,
  PyCallable,
  PyRange,
  Tuple,
  chars,
  dictGet,
  dictHas,
  dictKeys,
  dictSet,
  dictSize,
  fail,
  float,
  isDict,
  isFloat,
  isPlainObject,
  isStr,
  numValue,
  pyCmp,
  pyEq,
  pyRepr,
  strLen,
  tuple,
  typeName,
  type Dict,
} from './values';

type Args = unknown[];
type Kw = Map<string, unknown> | null;

/** Python's whitespace characters (`str.isspace`). */
export const PY_WS = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WS_RE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const LINE_BREAKS = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Binds positional and keyword arguments to parameter names (Python call semantics, no `*args`). */
export function bind(name: string, params: readonly string[], args: Args, kw: Kw, required = 0): unknown[] {
  if (args.length > params.length) fail(`${name}() takes at most ${params.length} argument${params.length === 1 ? '' : 's'} (${args.length} given)`);
  const out: unknown[] = [...args];
  while (out.length < params.length) out.push(undefined);
  const given = new Set<number>(args.map((_, i) => i));
  if (kw) {
    for (const [k, v] of kw) {
      const at = params.indexOf(k);
      if (at < 0) fail(`${name}() got an unexpected keyword argument '${k}'`);
      if (given.has(at)) fail(`${name}() got multiple values for argument '${k}'`);
      out[at] = v;
      given.add(at);
    }
  }
  for (let i = 0; i < required; i++) if (!given.has(i)) fail(`${name}() missing required argument: '${params[i]}'`);
  return out;
}

function str(v: unknown, what: string): string {
  if (!isStr(v)) fail(`${what} must be str, not ${typeName(v)}`);
  return v.toString();
}

function optInt(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = numValue(v);
  if (n === undefined || isFloat(v)) fail(`${what} must be an integer, not ${typeName(v)}`);
  return n;
}

/** `str.strip` and friends. */
export function stripChars(s: string, chars_: unknown, left: boolean, right: boolean): string {
  const set = chars_ === undefined || chars_ === null ? PY_WS : str(chars_, 'strip arg');
  const c = chars(s);
  let a = 0;
  let b = c.length;
  if (left) while (a < b && set.includes(c[a] as string)) a++;
  if (right) while (b > a && set.includes(c[b - 1] as string)) b--;
  return c.slice(a, b).join('');
}

/** `str.split(sep, maxsplit)`. */
export function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = optInt(maxsplit, 'maxsplit') ?? -1;
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = s.replace(new RegExp(`^${WS_RE.source}`), '');
    while (rest !== '') {
      if (max >= 0 && out.length === max) {
        out.push(rest);
        break;
      }
      const m = WS_RE.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const d = str(sep, 'sep');
  if (d === '') fail('empty separator');
  const parts = s.split(d);
  if (max < 0 || parts.length - 1 <= max) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

function pyRsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = optInt(maxsplit, 'maxsplit') ?? -1;
  if (max < 0) return pySplit(s, sep, -1);
  if (sep === undefined || sep === null) {
    const rev = pySplit(chars(s).reverse().join(''), null, max);
    return rev.map((p) => chars(p).reverse().join('')).reverse();
  }
  const d = str(sep, 'sep');
  if (d === '') fail('empty separator');
  const parts = s.split(d);
  if (parts.length - 1 <= max) return parts;
  return [parts.slice(0, parts.length - max).join(d), ...parts.slice(parts.length - max)];
}

function isCased(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

/** Python's `str.title()`. */
export function pyTitle(s: string): string {
  return s.replace(/[\p{L}\p{M}]+/gu, (word) => {
    const c = chars(word);
    return (c[0] as string).toUpperCase() + c.slice(1).join('').toLowerCase();
  });
}

/** Python's `str.capitalize()`. */
export function pyCapitalize(s: string): string {
  const c = chars(s);
  if (c.length === 0) return '';
  return (c[0] as string).toUpperCase() + c.slice(1).join('').toLowerCase();
}

/** Python's `str.center(width, fill)`. */
export function pyCenter(s: string, width: number, fill = ' '): string {
  const len = strLen(s);
  if (width <= len) return s;
  const marg = width - len;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

function fillArg(v: unknown): string {
  if (v === undefined) return ' ';
  const f = str(v, 'fill character');
  if (strLen(f) !== 1) fail('The fill character must be exactly one character long');
  return f;
}

/** Python's `str.splitlines(keepends)`. */
export function pySplitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(LINE_BREAKS)) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

/** Python's `str.replace(old, new, count)`. */
export function pyReplace(s: string, old: string, rep: string, count?: number): string {
  const max = count === undefined || count < 0 ? Infinity : count;
  if (old === '') {
    const c = chars(s);
    let out = '';
    let n = 0;
    for (let i = 0; i <= c.length; i++) {
      if (n < max) {
        out += rep;
        n++;
      }
      if (i < c.length) out += c[i];
    }
    return out;
  }
  if (max === Infinity) return s.split(old).join(rep);
  let out = '';
  let rest = s;
  for (let n = 0; n < max; n++) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + rep;
    rest = rest.slice(at + old.length);
  }
  return out + rest;
}

function affix(s: string, test: unknown, start: unknown, end: unknown, atEnd: boolean): boolean {
  const c = chars(s);
  const a = optInt(start, 'start') ?? 0;
  const b = optInt(end, 'end') ?? c.length;
  const norm = (x: number): number => Math.min(Math.max(x < 0 ? x + c.length : x, 0), c.length);
  const part = c.slice(norm(a), norm(b)).join('');
  if (norm(a) > c.length) return false;
  const options = test instanceof Tuple ? [...test] : [test];
  return options.some((o) => {
    const t = str(o, atEnd ? 'endswith first arg' : 'startswith first arg');
    return atEnd ? part.endsWith(t) : part.startsWith(t);
  });
}

function find(s: string, sub: unknown, start: unknown, end: unknown, last: boolean): number {
  const c = chars(s);
  const t = str(sub, 'substring');
  const norm = (x: number): number => Math.min(Math.max(x < 0 ? x + c.length : x, 0), c.length);
  const a = norm(optInt(start, 'start') ?? 0);
  const b = norm(optInt(end, 'end') ?? c.length);
  if (a > b) return -1;
  const hay = c.slice(a, b).join('');
  const at = last ? hay.lastIndexOf(t) : hay.indexOf(t);
  return at < 0 ? -1 : a + strLen(hay.slice(0, at));
}

const STR_UNSUPPORTED = ['encode', 'format_map', 'maketrans', 'translate', 'expandtabs', 'isprintable'];

type Method = (self: string, args: Args, kw: Kw) => unknown;

const STR_METHODS: Record<string, Method> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ'),
  swapcase: (s) => s.replace(/\p{Lu}+|\p{Ll}+/gu, (run) => (run === run.toUpperCase() ? run.toLowerCase() : run.toUpperCase())),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  strip: (s, a, k) => stripChars(s, bind('strip', ['chars'], a, k)[0], true, true),
  lstrip: (s, a, k) => stripChars(s, bind('lstrip', ['chars'], a, k)[0], true, false),
  rstrip: (s, a, k) => stripChars(s, bind('rstrip', ['chars'], a, k)[0], false, true),
  split: (s, a, k) => {
    const [sep, max] = bind('split', ['sep', 'maxsplit'], a, k);
    return pySplit(s, sep, max);
  },
  rsplit: (s, a, k) => {
    const [sep, max] = bind('rsplit', ['sep', 'maxsplit'], a, k);
    return pyRsplit(s, sep, max);
  },
  splitlines: (s, a, k) => pySplitlines(s, Boolean(bind('splitlines', ['keepends'], a, k)[0])),
  startswith: (s, a, k) => {
    const [p, st, e] = bind('startswith', ['prefix', 'start', 'end'], a, null, 1);
    void k;
    return affix(s, p, st, e, false);
  },
  endswith: (s, a) => {
    const [p, st, e] = bind('endswith', ['suffix', 'start', 'end'], a, null, 1);
    return affix(s, p, st, e, true);
  },
  replace: (s, a) => {
    const [o, n, c] = bind('replace', ['old', 'new', 'count'], a, null, 2);
    return pyReplace(s, str(o, 'replace() argument 1'), str(n, 'replace() argument 2'), optInt(c, 'count'));
  },
  find: (s, a) => {
    const [x, st, e] = bind('find', ['sub', 'start', 'end'], a, null, 1);
    return find(s, x, st, e, false);
  },
  rfind: (s, a) => {
    const [x, st, e] = bind('rfind', ['sub', 'start', 'end'], a, null, 1);
    return find(s, x, st, e, true);
  },
  index: (s, a) => {
    const [x, st, e] = bind('index', ['sub', 'start', 'end'], a, null, 1);
    const at = find(s, x, st, e, false);
    if (at < 0) fail('substring not found');
    return at;
  },
  rindex: (s, a) => {
    const [x, st, e] = bind('rindex', ['sub', 'start', 'end'], a, null, 1);
    const at = find(s, x, st, e, true);
    if (at < 0) fail('substring not found');
    return at;
  },
  count: (s, a) => {
    const [x] = bind('count', ['sub', 'start', 'end'], a, null, 1);
    const t = str(x, 'count arg');
    if (t === '') return strLen(s) + 1;
    return s.split(t).length - 1;
  },
  zfill: (s, a) => {
    const width = optInt(bind('zfill', ['width'], a, null, 1)[0], 'width') as number;
    const sign = s.startsWith('+') || s.startsWith('-') ? (s[0] as string) : '';
    const rest = s.slice(sign.length);
    const pad = Math.max(0, width - strLen(s));
    return sign + '0'.repeat(pad) + rest;
  },
  center: (s, a) => {
    const [w, f] = bind('center', ['width', 'fillchar'], a, null, 1);
    return pyCenter(s, optInt(w, 'width') as number, fillArg(f));
  },
  ljust: (s, a) => {
    const [w, f] = bind('ljust', ['width', 'fillchar'], a, null, 1);
    return s + fillArg(f).repeat(Math.max(0, (optInt(w, 'width') as number) - strLen(s)));
  },
  rjust: (s, a) => {
    const [w, f] = bind('rjust', ['width', 'fillchar'], a, null, 1);
    return fillArg(f).repeat(Math.max(0, (optInt(w, 'width') as number) - strLen(s))) + s;
  },
  join: (s, a) => {
    const [items] = bind('join', ['iterable'], a, null, 1);
    return iterItems(items).map((x, i) => {
      if (!isStr(x)) fail(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
      return x.toString();
    }).join(s);
  },
  format: (s, a, k) => braceFormat(s, a, k ?? new Map()),
  partition: (s, a) => {
    const sep = str(bind('partition', ['sep'], a, null, 1)[0], 'sep');
    if (sep === '') fail('empty separator');
    const at = s.indexOf(sep);
    return at < 0 ? tuple([s, '', '']) : tuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  rpartition: (s, a) => {
    const sep = str(bind('rpartition', ['sep'], a, null, 1)[0], 'sep');
    if (sep === '') fail('empty separator');
    const at = s.lastIndexOf(sep);
    return at < 0 ? tuple(['', '', s]) : tuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  removeprefix: (s, a) => {
    const p = str(bind('removeprefix', ['prefix'], a, null, 1)[0], 'prefix');
    return p !== '' && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, a) => {
    const p = str(bind('removesuffix', ['suffix'], a, null, 1)[0], 'suffix');
    return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  },
  isdigit: (s) => /^[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+$/u.test(s),
  isdecimal: (s) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isascii: (s) => /^[\x00-\x7f]*$/.test(s),
  isspace: (s) => s !== '' && chars(s).every((c) => PY_WS.includes(c)),
  islower: (s) => pyIsLower(s),
  isupper: (s) => pyIsUpper(s),
  istitle: (s) => s !== '' && pyTitle(s) === s && chars(s).some(isCased),
  isidentifier: (s) => /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(s),
};

/** Python's `str.islower()`. */
export function pyIsLower(s: string): boolean {
  const cased = chars(s).filter(isCased);
  return cased.length > 0 && cased.every((c) => c === c.toLowerCase() && c !== c.toUpperCase());
}

/** Python's `str.isupper()`. */
export function pyIsUpper(s: string): boolean {
  const cased = chars(s).filter(isCased);
  return cased.length > 0 && cased.every((c) => c === c.toUpperCase() && c !== c.toLowerCase());
}

function iterItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return chars(v);
  if (isDict(v)) return dictKeys(v);
  if (v instanceof DictView) return v.list();
  if (v instanceof PyRange) return v.list();
  const custom = v as { take?: () => unknown[] };
  if (v && typeof custom.take === 'function') return custom.take();
  if (v === undefined) return [];
  return fail(`'${typeName(v)}' object is not iterable`);
}

type ListMethod = (self: unknown[], args: Args, kw: Kw) => unknown;

function listIndex(self: unknown[], x: unknown): number {
  const at = self.findIndex((y) => pyEq(y, x));
  if (at < 0) fail(`${pyRepr(x)} is not in list`);
  return at;
}

const LIST_METHODS: Record<string, ListMethod> = {
  append: (l, a) => {
    l.push(bind('append', ['object'], a, null, 1)[0]);
    return null;
  },
  extend: (l, a) => {
    l.push(...iterItems(bind('extend', ['iterable'], a, null, 1)[0]));
    return null;
  },
  insert: (l, a) => {
    const [i, x] = bind('insert', ['index', 'object'], a, null, 2);
    let at = optInt(i, 'index') as number;
    if (at < 0) at = Math.max(0, l.length + at);
    l.splice(Math.min(at, l.length), 0, x);
    return null;
  },
  pop: (l, a) => {
    if (l.length === 0) fail('pop from empty list');
    let at = optInt(bind('pop', ['index'], a, null)[0], 'index') ?? -1;
    if (at < 0) at += l.length;
    if (at < 0 || at >= l.length) fail('pop index out of range');
    return l.splice(at, 1)[0];
  },
  remove: (l, a) => {
    const x = bind('remove', ['value'], a, null, 1)[0];
    const at = l.findIndex((y) => pyEq(y, x));
    if (at < 0) fail('list.remove(x): x not in list');
    l.splice(at, 1);
    return null;
  },
  index: (l, a) => listIndex(l, bind('index', ['value'], a, null, 1)[0]),
  count: (l, a) => {
    const x = bind('count', ['value'], a, null, 1)[0];
    return l.filter((y) => pyEq(y, x)).length;
  },
  reverse: (l) => {
    l.reverse();
    return null;
  },
  sort: (l, a, k) => {
    const [key, reverse] = bind('sort', ['key', 'reverse'], a, k);
    if (key !== undefined && key !== null) fail('unsupported: list.sort(key=...)');
    const sorted = [...l].sort((x, y) => pyCmp(x, y));
    if (reverse === true) sorted.reverse();
    l.splice(0, l.length, ...sorted);
    return null;
  },
  clear: (l) => {
    l.length = 0;
    return null;
  },
  copy: (l) => [...l],
};

type DictMethod = (self: Dict, args: Args, kw: Kw) => unknown;

function copyDict(d: Dict): Dict {
  return d instanceof Map ? new Map(d) : { ...d };
}

function dictDelete(d: Dict, key: unknown): void {
  if (d instanceof Map) d.delete(key);
  else delete d[key as string];
}

function dictUpdate(d: Dict, other: unknown, kw: Kw): void {
  if (other !== undefined) {
    if (isDict(other)) for (const k of dictKeys(other)) dictSet(d, k, dictGet(other, k));
    else
      for (const pair of iterItems(other)) {
        const [k, v] = iterItems(pair);
        dictSet(d, k, v);
      }
  }
  if (kw) for (const [k, v] of kw) dictSet(d, k, v);
}

const DICT_METHODS: Record<string, DictMethod> = {
  items: (d) => new DictView('items', d),
  keys: (d) => new DictView('keys', d),
  values: (d) => new DictView('values', d),
  get: (d, a) => {
    const [k, dflt] = bind('get', ['key', 'default'], a, null, 1);
    return dictHas(d, k) ? dictGet(d, k) : a.length > 1 ? dflt : null;
  },
  pop: (d, a) => {
    const [k, dflt] = bind('pop', ['key', 'default'], a, null, 1);
    if (!dictHas(d, k)) {
      if (a.length > 1) return dflt;
      fail(`KeyError: ${pyRepr(k)}`);
    }
    const v = dictGet(d, k);
    dictDelete(d, k);
    return v;
  },
  popitem: (d) => {
    const keys = dictKeys(d);
    if (keys.length === 0) fail("'popitem(): dictionary is empty'");
    const k = keys[keys.length - 1];
    const v = dictGet(d, k);
    dictDelete(d, k);
    return tuple([k, v]);
  },
  setdefault: (d, a) => {
    const [k, dflt] = bind('setdefault', ['key', 'default'], a, null, 1);
    if (!dictHas(d, k)) dictSet(d, k, a.length > 1 ? dflt : null);
    return dictGet(d, k);
  },
  update: (d, a, k) => {
    dictUpdate(d, bind('update', ['other'], a, null)[0], k);
    return null;
  },
  copy: (d) => copyDict(d),
  clear: (d) => {
    for (const k of dictKeys(d)) dictDelete(d, k);
    return null;
  },
};

const DICT_UNSUPPORTED = ['fromkeys'];
const LIST_UNSUPPORTED: string[] = [];
const NUMBER_UNSUPPORTED = ['conjugate', 'bit_length', 'bit_count', 'to_bytes', 'from_bytes', 'as_integer_ratio', 'hex', 'fromhex', 'numerator', 'denominator'];

function method<S>(name: string, self: S, fn: (self: S, args: Args, kw: Kw) => unknown): PyCallable {
  return new PyCallable(name, (args, kw) => fn(self, args, kw));
}

/** The Python attribute `name` of `obj`, or `undefined` when it has none. */
export function attribute(obj: unknown, name: string): unknown {
  if (typeof obj === 'string' || obj instanceof Markup) {
    if (Object.hasOwn(STR_METHODS, name)) {
      const m = STR_METHODS[name] as Method;
      if (obj instanceof Markup) return method(name, obj.s, (s, a, k) => {
        const r = m(s, a, k);
        return typeof r === 'string' ? new Markup(r) : r;
      });
      return method(name, obj, m);
    }
    if (STR_UNSUPPORTED.includes(name)) fail(`unsupported: the str method ${name}()`);
    return undefined;
  }
  if (isPlainObject(obj) || obj instanceof Map) {
    if (Object.hasOwn(DICT_METHODS, name)) return method(name, obj as Dict, DICT_METHODS[name] as DictMethod);
    if (DICT_UNSUPPORTED.includes(name)) fail(`unsupported: the dict method ${name}()`);
    return undefined;
  }
  if (Array.isArray(obj)) {
    if (obj instanceof Tuple) {
      const named = (obj as { pyNamed?: Record<string, unknown> }).pyNamed;
      if (named && Object.hasOwn(named, name)) return named[name];
      if (name === 'index' || name === 'count') {
        const m = LIST_METHODS[name] as ListMethod;
        return method(name, obj as unknown[], (l, a, k) => (name === 'index' ? listIndex(l, bind('index', ['value'], a, k, 1)[0]) : m(l, a, k)));
      }
      return undefined;
    }
    if (Object.hasOwn(LIST_METHODS, name)) return method(name, obj, LIST_METHODS[name] as ListMethod);
    if (LIST_UNSUPPORTED.includes(name)) fail(`unsupported: the list method ${name}()`);
    return undefined;
  }
  if (obj === null || obj === undefined) return undefined;
  if (typeof obj === 'number' || typeof obj === 'boolean' || isFloat(obj)) {
    const n = numValue(obj) as number;
    if (name === 'real') return typeof obj === 'boolean' ? n : obj;
    if (name === 'imag') return isFloat(obj) ? float(0) : 0;
    if (name === 'is_integer' && isFloat(obj)) return new PyCallable(name, () => Number.isInteger(n));
    if (NUMBER_UNSUPPORTED.includes(name) || name === 'is_integer' || name === 'imag') fail(`unsupported: the number attribute ${name}`);
    return undefined;
  }
  if (obj instanceof PyRange) {
    if (name === 'start' || name === 'stop' || name === 'step') return obj[name];
    return undefined;
  }
  if (obj instanceof DictView) return undefined;
  const custom = obj as { attr?: (n: string) => unknown; pyAttr?: (n: string) => unknown; attrs?: unknown; exports?: unknown };
  if (typeof custom.attr === 'function') return custom.attr(name);
  if (typeof custom.pyAttr === 'function') return custom.pyAttr(name);
  if (custom.attrs instanceof Map) return custom.attrs.get(name);
  if (custom.exports instanceof Map) return custom.exports.get(name);
  if (obj instanceof PyCallable) return undefined;
  const macro = obj as { pyType?: string; name?: string; args?: readonly string[]; catchKwargs?: boolean; catchVarargs?: boolean; usesCaller?: boolean };
  if (macro.pyType === 'Macro') {
    if (name === 'name') return macro.name;
    if (name === 'arguments') return tuple([...(macro.args ?? [])]);
    if (name === 'catch_kwargs') return macro.catchKwargs;
    if (name === 'catch_varargs') return macro.catchVarargs;
    if (name === 'caller') return macro.usesCaller;
    if (name === 'defaults') fail('unsupported: the macro attribute defaults');
    return undefined;
  }
  return undefined;
}

export { dictSize };
