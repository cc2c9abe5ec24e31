/**
 * Python's string formatting: `%` (printf-style, also the `format` filter) and `str.format()`, with Python's
 * correctly rounded float conversions (round half to even on the exact binary value).
 */
import { DictView, Markup, PyFloat, PyRange, Tuple, dictGet, dictHas, fail, floatRepr, isDict, isFloat, isStr, numValue, pyRepr, pyStr, strLen, typeName, chars } from './values';

/** `|x|` as an exact decimal: `int / 10**scale`. */
function exact(x: number): { int: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) return { int: mant << BigInt(e), scale: 0 };
  return { int: mant * 5n ** BigInt(-e), scale: -e };
}

/** Divides by `10**cut`, rounding half to even. */
function roundDiv(n: bigint, cut: number): bigint {
  if (cut <= 0) return n * 10n ** BigInt(-cut);
  const d = 10n ** BigInt(cut);
  let q = n / d;
  const rem = n % d;
  const twice = rem * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  return q;
}

/** `|x|` with `p` digits after the point (`%.{p}f` without the sign). */
export function fixedDigits(x: number, p: number): string {
  const { int, scale } = exact(x);
  const q = roundDiv(int, scale - p).toString();
  if (p === 0) return q;
  const padded = q.padStart(p + 1, '0');
  return `${padded.slice(0, padded.length - p)}.${padded.slice(padded.length - p)}`;
}

/** `|x|` in exponent form with `p` digits after the point (`%.{p}e` without the sign), and the exponent. */
function expDigits(x: number, p: number): { mant: string; exp: number } {
  if (x === 0) return { mant: p > 0 ? `0.${'0'.repeat(p)}` : '0', exp: 0 };
  const { int, scale } = exact(x);
  const digits = int.toString().length;
  let exp = digits - 1 - scale;
  let q = roundDiv(int, digits - (p + 1)).toString();
  if (q.length > p + 1) {
    q = q.slice(0, p + 1);
    exp++;
  }
  return { mant: p > 0 ? `${q[0]}.${q.slice(1)}` : q, exp };
}

function expText(exp: number): string {
  return `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A float conversion (`e f g %` and upper-case forms) of `|x|`, without the sign. */
function floatBody(x: number, type: string, precision: number | undefined, alt: boolean): string {
  const upper = type === 'E' || type === 'F' || type === 'G';
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    return upper ? t.toUpperCase() : t;
  }
  const ax = Math.abs(x);
  const t = type.toLowerCase();
  let body: string;
  if (t === 'f' || t === '%') {
    body = fixedDigits(t === '%' ? ax * 100 : ax, precision ?? 6);
    if (alt && (precision ?? 6) === 0) body += '.';
    if (t === '%') body += '%';
  } else if (t === 'e') {
    const { mant, exp } = expDigits(ax, precision ?? 6);
    body = `${mant}${alt && (precision ?? 6) === 0 ? '.' : ''}e${expText(exp)}`;
  } else {
    const P = precision === undefined ? 6 : precision === 0 ? 1 : precision;
    const { exp } = expDigits(ax, P - 1);
    if (exp >= -4 && exp < P) {
      body = fixedDigits(ax, P - 1 - exp);
    } else {
      const e = expDigits(ax, P - 1);
      body = `${e.mant}e${expText(e.exp)}`;
    }
    if (!alt) {
      body = body.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
    } else if (!body.includes('.')) body = body.replace(/(e|$)/, '.$1');
  }
  return upper ? body.toUpperCase() : body;
}

function intValue(v: unknown, conv: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (conv === 'd' || conv === 'i' || conv === 'u') {
    const n = numValue(v);
    if (n !== undefined) {
      if (!Number.isFinite(n)) fail('cannot convert float infinity or NaN to integer');
      return Math.trunc(n);
    }
    return fail(`%${conv} format: a real number is required, not ${typeName(v)}`);
  }
  return fail(`%${conv} format: an integer is required, not ${typeName(v)}`);
}

function pad(sign: string, prefix: string, body: string, width: number, left: boolean, zero: boolean): string {
  const len = sign.length + prefix.length + strLen(body);
  if (len >= width) return sign + prefix + body;
  if (left) return sign + prefix + body + ' '.repeat(width - len);
  if (zero) return sign + prefix + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + prefix + body;
}

function percentOne(v: unknown, flags: string, width: number, precision: number | undefined, conv: string): string {
  const left = flags.includes('-');
  const alt = flags.includes('#');
  const plus = flags.includes('+');
  const space = flags.includes(' ');
  if (conv === 's' || conv === 'r' || conv === 'a') {
    let text = conv === 's' ? pyStr(v) : pyRepr(v);
    if (conv === 'a') text = text.replace(/[^\x00-\x7f]/gu, (c) => asciiEscape(c));
    if (precision !== undefined) text = chars(text).slice(0, precision).join('');
    return pad('', '', text, width, left, false);
  }
  if (conv === 'c') {
    let ch: string;
    if (isStr(v) && strLen(v.toString()) === 1) ch = v.toString();
    else if (typeof v === 'number' && Number.isInteger(v)) ch = String.fromCodePoint(v);
    else return fail('%c requires int or char');
    return pad('', '', ch, width, left, false);
  }
  const zero = flags.includes('0') && !left;
  if ('diuoxX'.includes(conv)) {
    const n = intValue(v, conv);
    const sign = n < 0 ? '-' : plus ? '+' : space ? ' ' : '';
    const a = Math.abs(n);
    let body = conv === 'o' ? a.toString(8) : conv === 'x' ? a.toString(16) : conv === 'X' ? a.toString(16).toUpperCase() : String(a);
    if (precision !== undefined) body = body.padStart(precision, '0');
    const prefix = alt && conv === 'o' ? '0o' : alt && conv === 'x' ? '0x' : alt && conv === 'X' ? '0X' : '';
    return pad(sign, prefix, body, width, left, zero);
  }
  const x = numValue(v);
  if (x === undefined) return fail(`must be real number, not ${typeName(v)}`);
  const sign = x < 0 || Object.is(x, -0) ? '-' : plus ? '+' : space ? ' ' : '';
  return pad(sign, '', floatBody(x, conv, precision, alt), width, left, zero && Number.isFinite(x));
}

function asciiEscape(c: string): string {
  const cp = c.codePointAt(0) as number;
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
}

const PERCENT = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/** Python's `template % args` (`mapping` when the right side is a dict). */
export function percentFormat(template: string, args: readonly unknown[], mapping?: unknown): string {
  let next = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (next >= args.length) fail('not enough arguments for format string');
    return args[next++];
  };
  const out = template.replace(PERCENT, (m, key: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string | undefined) => {
    if (conv === undefined) fail(`unsupported format character '${m.slice(-1)}'`);
    if (conv === '%' && m === '%%') return '%';
    let value: unknown;
    const width = w === '*' ? Number(numValue(take())) : w ? Number(w) : 0;
    const precision = p === '*' ? Number(numValue(take())) : p === undefined ? undefined : p === '' ? 0 : Number(p);
    if (key !== undefined) {
      if (mapping === undefined) fail('format requires a mapping');
      usedMapping = true;
      if (!isDict(mapping) || !dictHas(mapping, key)) fail(`KeyError: '${key}'`);
      value = dictGet(mapping, key);
    } else if (conv === '%') return '%';
    else value = take();
    const text = percentOne(value, flags, width < 0 ? -width : width, precision, conv);
    return width < 0 ? text.padEnd(-width) : text;
  });
  void usedMapping;
  const only = args.length === 1 ? args[0] : null;
  const isMapping = mapping !== undefined || (args.length === 1 && (only === undefined || (Array.isArray(only) && !(only instanceof Tuple)) || isDict(only) || only instanceof PyRange));
  if (next < args.length && !isMapping) fail('not all arguments converted during string formatting');
  return out;
}

interface Spec {
  fill: string;
  align: string | undefined;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | undefined;
  type: string;
}

const SPEC = /^(?:([\s\S])?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/u;

function parseSpec(spec: string): Spec {
  const m = SPEC.exec(spec);
  if (!m) fail(`Invalid format specifier '${spec}'`);
  return {
    fill: m[1] ?? (m[5] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[5] ? '=' : undefined),
    sign: m[3] ?? '-',
    alt: m[4] !== undefined,
    zero: m[5] !== undefined,
    width: m[6] ? Number(m[6]) : 0,
    grouping: m[7] ?? '',
    precision: m[8] !== undefined ? Number(m[8]) : undefined,
    type: m[9] ?? '',
  };
}

function group(intPart: string, sep: string, every: number): string {
  if (!sep) return intPart;
  let out = '';
  for (let i = 0; i < intPart.length; i++) {
    if (i > 0 && (intPart.length - i) % every === 0) out += sep;
    out += intPart[i];
  }
  return out;
}

function align(text: string, spec: Spec, dflt: string, signLen: number): string {
  const len = strLen(text);
  if (len >= spec.width) return text;
  const n = spec.width - len;
  const how = spec.align ?? dflt;
  if (how === '<') return text + spec.fill.repeat(n);
  if (how === '^') return spec.fill.repeat(Math.floor(n / 2)) + text + spec.fill.repeat(n - Math.floor(n / 2));
  if (how === '=') return text.slice(0, signLen) + spec.fill.repeat(n) + text.slice(signLen);
  return spec.fill.repeat(n) + text;
}

/** Python's `format(value, spec)`. */
export function formatValue(v: unknown, specText: string): string {
  if (specText === '') return pyStr(v);
  const spec = parseSpec(specText);
  if (isStr(v)) {
    if (spec.type !== '' && spec.type !== 's') fail(`Unknown format code '${spec.type}' for object of type 'str'`);
    if (spec.align === '=') fail("'=' alignment not allowed in string format specifier");
    let text = v.toString();
    if (spec.precision !== undefined) text = chars(text).slice(0, spec.precision).join('');
    return align(text, spec, '<', 0);
  }
  const n = numValue(v);
  if (n === undefined) {
    if (v instanceof DictView || Array.isArray(v) || isDict(v) || v === null || v === undefined) fail(`unsupported format string passed to ${typeName(v)}.__format__`);
    return fail(`unsupported format string passed to ${typeName(v)}.__format__`);
  }
  const intLike = !isFloat(v);
  let type = spec.type;
  if (intLike && (type === '' || 'bcdoxXn'.includes(type))) {
    if (spec.precision !== undefined) fail('Precision not allowed in integer format specifier');
    if (type === 'c') return align(String.fromCodePoint(n), spec, '<', 0);
    const a = Math.abs(n);
    let digits = type === 'b' ? a.toString(2) : type === 'o' ? a.toString(8) : type === 'x' ? a.toString(16) : type === 'X' ? a.toString(16).toUpperCase() : String(a);
    digits = group(digits, spec.grouping, type === '' || type === 'd' || type === 'n' ? 3 : 4);
    const prefix = spec.alt ? (type === 'b' ? '0b' : type === 'o' ? '0o' : type === 'x' ? '0x' : type === 'X' ? '0X' : '') : '';
    const sign = n < 0 ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
    return align(sign + prefix + digits, spec, '>', sign.length + prefix.length);
  }
  if (!'eEfFgG%'.includes(type) && type !== '') fail(`Unknown format code '${type}' for object of type '${intLike ? 'int' : 'float'}'`);
  const x = n;
  let body: string;
  if (type === '') {
    if (spec.precision === undefined) body = floatRepr(Math.abs(x));
    else {
      body = floatBody(x, 'g', spec.precision, spec.alt);
      if (/^\d+$/.test(body)) body += '.0';
    }
    type = 'g';
  } else body = floatBody(x, type, spec.precision, spec.alt);
  if (spec.grouping && Number.isFinite(x)) {
    const m = /^(\d*)(.*)$/s.exec(body) as RegExpExecArray;
    body = group(m[1] as string, spec.grouping, 3) + (m[2] as string);
  }
  const sign = x < 0 || Object.is(x, -0) ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return align(sign + body, spec, '>', sign.length);
}

function fieldValue(field: string, args: readonly unknown[], kwargs: Map<string, unknown>, auto: { next: number }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(field) as RegExpExecArray;
  const head = m[1] as string;
  let value: unknown;
  if (head === '') {
    if (auto.next < 0) fail('cannot switch from manual field specification to automatic field numbering');
    if (auto.next >= args.length) fail(`Replacement index ${auto.next} out of range for positional args tuple`);
    value = args[auto.next++];
  } else if (/^\d+$/.test(head)) {
    if (auto.next > 0) fail('cannot switch from automatic field numbering to manual field specification');
    auto.next = -1;
    const i = Number(head);
    if (i >= args.length) fail(`Replacement index ${i} out of range for positional args tuple`);
    value = args[i];
  } else {
    if (!kwargs.has(head)) fail(`KeyError: '${head}'`);
    value = kwargs.get(head);
  }
  let rest = m[2] as string;
  while (rest !== '') {
    const attr = /^\.([^.[]+)/.exec(rest);
    if (attr) {
      fail(`unsupported: attribute access {…${attr[0]}} in str.format`);
    }
    const idx = /^\[([^\]]*)\]/.exec(rest);
    if (!idx) fail('Only \'.\' or \'[\' may follow \']\' in format field specifier');
    const key = /^\d+$/.test(idx[1] as string) ? Number(idx[1]) : idx[1];
    if (Array.isArray(value) && typeof key === 'number') value = value[key];
    else if (isDict(value)) {
      if (!dictHas(value, key)) fail(`KeyError: ${pyRepr(key)}`);
      value = dictGet(value, key);
    } else fail(`unsupported: item access in str.format on ${typeName(value)}`);
    rest = rest.slice(idx[0].length);
  }
  return value;
}

/** Python's `template.format(*args, **kwargs)`. */
export function braceFormat(template: string, args: readonly unknown[], kwargs: Map<string, unknown>): string {
  const auto = { next: 0 };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      while (j < template.length && depth > 0) {
        if (template[j] === '{') depth++;
        else if (template[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth > 0) fail("Single '{' encountered in format string");
      const inner = template.slice(i + 1, j);
      const fm = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(inner);
      if (!fm) fail('invalid format field');
      let value = fieldValue(fm[1] as string, args, kwargs, auto);
      if (fm[2] === 'r' || fm[2] === 'a') value = pyRepr(value);
      else if (fm[2] === 's') value = pyStr(value);
      const spec = (fm[3] ?? '').replace(/\{([^{}]*)\}/g, (_m, f: string) => pyStr(fieldValue(f, args, kwargs, auto)));
      out += value instanceof Markup ? formatValue(value.s, spec) : formatValue(value, spec);
      i = j + 1;
    } else if (c === '}') {
      if (template[i + 1] !== '}') fail("Single '}' encountered in format string");
      out += '}';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export { PyFloat };
