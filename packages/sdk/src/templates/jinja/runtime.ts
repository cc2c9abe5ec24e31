/**
 * What compiled templates call at render time (`r` in the generated code): operators with Python semantics,
 * attribute and item look-up, calls, loops, macros, blocks, includes and imports.
 */
import { percentFormat } from './format';
import { attribute } from './methods';
import {
  DictView,
  Markup,
  PyCallable,
  PyFloat,
  PyIter,
  PyRange,
  TemplateRuntimeError,
  Tuple,
  chars,
  dictGet,
  dictHas,
  dictKeys,
  dictSet,
  fail,
  float,
  isDict,
  isFloat,
  isPlainObject,
  isStr,
  mapKey,
  numValue,
  pyCmp,
  pyEq,
  pyRepr,
  pyStr,
  strRepr,
  truthy,
  tuple,
  typeName,
} from './values';

/** A compiled template: its root render function and its blocks. */
export interface CompiledTemplate {
  /** The template name. */
  name: string;
  /** Renders the template body in `ctx`. */
  root: (ctx: Context) => string;
  /** The block functions by name. */
  blocks: Record<string, BlockFn>;
}

/** A block's render function. */
export type BlockFn = (ctx: Context) => string;

/** Where compiled templates find the templates they extend, include and import. */
export interface TemplateSource {
  /** The compiled template `name`; throws a not-found error (`notFound: true`) when there is none. */
  load(name: string): CompiledTemplate;
  /** The globals (`range`, `dict`, `namespace`...). */
  globals: Record<string, unknown>;
}

/** The error thrown when a template is not found. */
export class TemplateNotFound extends TemplateRuntimeError {
  override name = 'TemplateNotFound';
  constructor(readonly template: string) {
    super(`template not found: ${template}`);
  }
}

/** A render's variables: the template's own assignments, then the layers it was given, then the globals. */
export class Context {
  /** Assignments at the top level of the template. */
  vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** Names assigned at the top level (what `import` exports). */
  exported = new Set<string>();
  /** Block functions by name, the most derived first. */
  blocks: Record<string, BlockFn[]> = Object.create(null) as Record<string, BlockFn[]>;
  constructor(
    readonly env: TemplateSource,
    readonly template: CompiledTemplate,
    readonly layers: readonly object[],
    /** Whether output is escaped. */
    readonly ae: boolean,
    /** The escaping, when output is escaped. */
    readonly ef: ((s: string) => string) | null,
  ) {
    for (const [name, fn] of Object.entries(template.blocks)) this.blocks[name] = [fn];
  }

  resolve(name: string): unknown {
    if (name in this.vars) return this.vars[name];
    for (const layer of this.layers) {
      if (Object.hasOwn(layer, name)) return (layer as Record<string, unknown>)[name];
    }
    const g = this.env.globals;
    return Object.hasOwn(g, name) ? g[name] : undefined;
  }

  /** A context over the same variables plus `locals` (a scoped block, an include). */
  derived(locals: Record<string, unknown>): Context {
    const c = new Context(this.env, this.template, [definedOnly(locals), this.vars, ...this.layers], this.ae, this.ef);
    c.blocks = this.blocks;
    return c;
  }
}

function definedOnly(locals: Record<string, unknown>): Record<string, unknown> {
  for (const k in locals) if (locals[k] === undefined) delete locals[k];
  return locals;
}

/** The escaping of `{% autoescape true %}` and `|e`: markupsafe's entities. */
export function htmlEscape(s: string): string {
  if (!/[&<>"']/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** `str()` of a value. */
export function s(v: unknown): string {
  return typeof v === 'string' ? v : pyStr(v);
}

/** markupsafe's `escape()`: Markup as it is, anything else as escaped text. */
export function escapeValue(v: unknown, ef: (s: string) => string = htmlEscape): Markup {
  if (v instanceof Markup) return v;
  return new Markup(ef(pyStr(v)));
}

/** How `{{ }}` turns a value into output. */
export function printer(ae: boolean, ef: ((s: string) => string) | null): (v: unknown) => string {
  if (!ae) return s;
  const esc = ef ?? htmlEscape;
  return (v) => (v instanceof Markup ? v.s : esc(s(v)));
}

/** Markup of a str. */
export function markup(v: unknown): Markup {
  return v instanceof Markup ? v : new Markup(s(v));
}

export { Markup, float, tuple, truthy };

/** A dict literal. */
export function dict(items: [unknown, unknown][]): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  for (const [k, v] of items) m.set(mapKey(k), v);
  return m;
}

/** Thrown for an operation on an undefined value (Jinja2's `UndefinedError`). */
export function undefinedError(what = 'a value'): never {
  throw new TemplateRuntimeError(`${what} is undefined`);
}

function checkInt(n: number): number {
  if (!Number.isSafeInteger(n)) fail('unsupported: an integer result beyond 2**53 (Python integers have no limit)');
  return n === 0 ? 0 : n;
}

function numbers(a: unknown, b: unknown, op: string): [number, number, boolean] {
  const x = numValue(a);
  const y = numValue(b);
  if (x === undefined || y === undefined) {
    if (a === undefined || b === undefined) undefinedError();
    fail(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }
  return [x, y, isFloat(a) || isFloat(b)];
}

/** `a + b`. */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) return checkInt(a + b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof Markup || b instanceof Markup) {
    if (isStr(a) && isStr(b)) return new Markup(escapeValue(a).s + escapeValue(b).s);
  }
  if (Array.isArray(a) && Array.isArray(b) && a instanceof Tuple === b instanceof Tuple) {
    const out = [...a, ...b];
    return a instanceof Tuple ? tuple(out) : out;
  }
  if (isStr(a) || isStr(b) || Array.isArray(a) || Array.isArray(b)) {
    if (a === undefined || b === undefined) undefinedError();
    fail(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
  }
  const [x, y, f] = numbers(a, b, '+');
  return f ? float(x + y) : checkInt(x + y);
}

/** `a - b`. */
export function sub(a: unknown, b: unknown): unknown {
  const [x, y, f] = numbers(a, b, '-');
  return f ? float(x - y) : checkInt(x - y);
}

function repeat(seq: unknown, times: unknown): unknown {
  const n = numValue(times) as number;
  if (typeof seq === 'string') return n > 0 ? seq.repeat(n) : '';
  if (seq instanceof Markup) return new Markup(n > 0 ? seq.s.repeat(n) : '');
  const items = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return seq instanceof Tuple ? tuple(out) : out;
}

/** `a * b`. */
export function mul(a: unknown, b: unknown): unknown {
  const intLike = (v: unknown): boolean => typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
  if ((isStr(a) || Array.isArray(a)) && intLike(b)) return repeat(a, b);
  if ((isStr(b) || Array.isArray(b)) && intLike(a)) return repeat(b, a);
  const [x, y, f] = numbers(a, b, '*');
  return f ? float(x * y) : checkInt(x * y);
}

/** `a / b` (always a float). */
export function div(a: unknown, b: unknown): unknown {
  const [x, y] = numbers(a, b, '/');
  if (y === 0) fail('division by zero');
  return float(x / y);
}

/** `a // b`. */
export function floordiv(a: unknown, b: unknown): unknown {
  const [x, y, f] = numbers(a, b, '//');
  if (y === 0) fail(f ? 'float floor division by zero' : 'integer division or modulo by zero');
  return f ? float(Math.floor(x / y)) : checkInt(Math.floor(x / y));
}

/** `a % b`: formatting for a str, Python's modulo for numbers. */
export function mod(a: unknown, b: unknown): unknown {
  if (isStr(a)) {
    const args = b instanceof Tuple ? [...b] : [b];
    const text = percentFormat(a.toString(), args, isDict(b) && !(b instanceof Tuple) ? b : undefined);
    return a instanceof Markup ? new Markup(text) : text;
  }
  const [x, y, f] = numbers(a, b, '%');
  if (y === 0) fail(f ? 'float modulo' : 'integer division or modulo by zero');
  let r = x % y;
  if (r !== 0 && r < 0 !== y < 0) r += y;
  return f ? float(r === 0 ? (y < 0 ? -0 : 0) : r) : checkInt(r);
}

/** `a ** b`. */
export function pow(a: unknown, b: unknown): unknown {
  const [x, y, f] = numbers(a, b, '**');
  if (!f && y >= 0) return checkInt(x ** y);
  if (x === 0 && y < 0) fail('0.0 cannot be raised to a negative power');
  if (x < 0 && !Number.isInteger(y)) fail('unsupported: a negative number to a fractional power is a complex number');
  // C's pow() is correctly rounded for these; 1 / x**n is too, where V8's x ** -n is not always.
  if (Number.isInteger(y) && y < 0 && Number.isSafeInteger(x ** -y)) return float(1 / x ** -y);
  return float(x ** y);
}

/** `-a`. */
export function neg(a: unknown): unknown {
  const x = numValue(a);
  if (x === undefined) {
    if (a === undefined) undefinedError();
    fail(`bad operand type for unary -: '${typeName(a)}'`);
  }
  return isFloat(a) ? float(-x) : x === 0 ? 0 : -x;
}

/** `+a`. */
export function pos(a: unknown): unknown {
  const x = numValue(a);
  if (x === undefined) {
    if (a === undefined) undefinedError();
    fail(`bad operand type for unary +: '${typeName(a)}'`);
  }
  return isFloat(a) ? a : x;
}

/** `a ~ b ~ ...`: the texts joined (escaped as markup when output is escaped and one side is markup). */
export function concat(ae: boolean, parts: unknown[]): unknown {
  if (ae) return new Markup(parts.map((p) => escapeValue(p).s).join(''));
  let out = '';
  for (const p of parts) out += s(p);
  return out;
}

export const eq = pyEq;

/** `a < b` and the other orderings. */
export function cmp(a: unknown, b: unknown, op: string): boolean {
  const c = pyCmp(a, b, op);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** `item in container`. */
export function contains(container: unknown, item: unknown): boolean {
  if (isStr(container)) {
    if (!isStr(item)) fail(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.toString().includes(item.toString());
  }
  if (Array.isArray(container)) return container.some((x) => pyEq(x, item));
  if (isDict(container)) {
    if ((Array.isArray(item) && !(item instanceof Tuple)) || isDict(item)) fail(`unhashable type: '${typeName(item)}'`);
    return dictHas(container, item);
  }
  if (container === undefined) return false;
  if (container instanceof DictView || container instanceof PyRange || container instanceof PyIter) return iter(container).some((x) => pyEq(x, item));
  const custom = container as { pyContains?: (x: unknown) => boolean };
  if (typeof custom.pyContains === 'function') return custom.pyContains(item);
  return fail(`argument of type '${typeName(container)}' is not iterable`);
}

/** The items a `for` loop (or any Python iteration) walks. */
export function iter(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isPlainObject(v)) return Object.keys(v);
  if (typeof v === 'string') return chars(v);
  if (v === undefined) return [];
  if (v instanceof Map) return [...v.keys()];
  if (v instanceof DictView) return v.list();
  if (v instanceof PyRange) return v.list();
  if (v instanceof PyIter) return v.take();
  if (v instanceof Markup) return chars(v.s);
  const custom = v as { pyIter?: () => unknown[] };
  if (typeof custom.pyIter === 'function') return custom.pyIter();
  return fail(`'${typeName(v)}' object is not iterable`);
}

/** Unpacks `v` into `n` values (`a, b = v`). */
export function unpack(v: unknown, n: number): unknown[] {
  const items = iter(v);
  if (items.length < n) fail(`not enough values to unpack (expected ${n}, got ${items.length})`);
  if (items.length > n) fail(`too many values to unpack (expected ${n})`);
  return items;
}

/** `obj.name`: the attribute first (methods of str, list and dict), then the item. */
export function getattr(obj: unknown, name: string): unknown {
  if (isPlainObject(obj)) {
    const a = attribute(obj, name);
    if (a !== undefined) return a;
    return Object.hasOwn(obj, name) ? obj[name] : undefined;
  }
  if (obj === undefined) undefinedError(`the value whose attribute '${name}' is read`);
  const a = attribute(obj, name);
  if (a !== undefined) return a;
  return item(obj, name);
}

/** `obj[key]`: the item first, then (for a str key) the attribute. */
export function getitem(obj: unknown, key: unknown): unknown {
  if (isPlainObject(obj) && typeof key === 'string' && Object.hasOwn(obj, key)) return obj[key];
  if (obj === undefined) undefinedError(`the value whose item ${pyStr(key)} is read`);
  const v = item(obj, key);
  if (v !== undefined || typeof key !== 'string') return v;
  return attribute(obj, key);
}

function index(key: unknown): number | undefined {
  if (typeof key === 'boolean') return key ? 1 : 0;
  return typeof key === 'number' && Number.isInteger(key) ? key : undefined;
}

function item(obj: unknown, key: unknown): unknown {
  if (isDict(obj)) {
    if (Array.isArray(key) && !(key instanceof Tuple)) return undefined;
    return dictHas(obj, key) ? dictGet(obj, key) : undefined;
  }
  const i = index(key);
  if (Array.isArray(obj)) {
    if (i === undefined) return undefined;
    const at = i < 0 ? obj.length + i : i;
    return at >= 0 && at < obj.length ? obj[at] : undefined;
  }
  if (isStr(obj)) {
    if (i === undefined) return undefined;
    const c = chars(obj.toString());
    const at = i < 0 ? c.length + i : i;
    return at >= 0 && at < c.length ? c[at] : undefined;
  }
  if (obj instanceof PyRange) {
    if (i === undefined) return undefined;
    const at = i < 0 ? obj.length + i : i;
    return at >= 0 && at < obj.length ? obj.at(at) : undefined;
  }
  const custom = obj as { pyGetitem?: (k: unknown) => unknown };
  if (obj !== null && typeof custom.pyGetitem === 'function') return custom.pyGetitem(key);
  return undefined;
}

/** Python's slice indices for a sequence of `len` items. */
export function sliceIndices(len: number, start: unknown, stop: unknown, step: unknown): number[] | undefined {
  const part = (v: unknown): number | null | undefined => (v === null ? null : index(v));
  const a = part(start);
  const b = part(stop);
  const c = part(step);
  if (a === undefined || b === undefined || c === undefined) return undefined;
  const st = c ?? 1;
  if (st === 0) fail('slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    const x = v < 0 ? v + len : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const from = clamp(a, 0, 0, len);
    const to = clamp(b, len, 0, len);
    for (let i = from; i < to; i += st) out.push(i);
  } else {
    const from = clamp(a, len - 1, -1, len - 1);
    const to = clamp(b, -1, -1, len - 1);
    for (let i = from; i > to; i += st) out.push(i);
  }
  return out;
}

/** `obj[start:stop:step]`. */
export function slice(obj: unknown, start: unknown, stop: unknown, step: unknown, lenient = false): unknown {
  if (lenient) {
    try {
      return slice(obj, start, stop, step);
    } catch {
      return undefined;
    }
  }
  if (obj === undefined) undefinedError();
  if (Array.isArray(obj) || isStr(obj) || obj instanceof PyRange) {
    const items = Array.isArray(obj) ? obj : obj instanceof PyRange ? obj.list() : chars(obj.toString());
    const idx = sliceIndices(items.length, start, stop, step);
    if (!idx) return fail('slice indices must be integers or None or have an __index__ method');
    const picked = idx.map((i) => items[i]);
    if (typeof obj === 'string') return picked.join('');
    if (obj instanceof Markup) return new Markup(picked.join(''));
    if (obj instanceof Tuple) return tuple(picked);
    if (obj instanceof PyRange) {
      const st = (numValue(step ?? 1) ?? 1) * obj.step;
      const first = idx.length ? (picked[0] as number) : obj.start;
      return new PyRange(first, idx.length ? first + st * idx.length : first, st);
    }
    return picked;
  }
  if (isDict(obj)) return fail("unhashable type: 'slice'");
  return fail(`'${typeName(obj)}' object is not subscriptable`);
}

/** The sentinel of a macro argument that was not passed. */
export const MISSING = Symbol('missing');

/** A macro (or a call block's `caller`). */
export class Macro {
  readonly pyType = 'Macro';
  constructor(
    readonly name: string,
    readonly args: readonly string[],
    readonly defaultNames: readonly string[],
    readonly usesCaller: boolean,
    readonly catchKwargs: boolean,
    readonly catchVarargs: boolean,
    readonly explicitCaller: boolean,
    private readonly fn: (...args: unknown[]) => string,
  ) {}

  invoke(ae: boolean, args: unknown[], kwargs: Map<string, unknown> | null): unknown {
    const kw = new Map(kwargs ?? []);
    const bound: unknown[] = args.slice(0, this.args.length);
    let foundCaller = false;
    if (bound.length !== this.args.length) {
      for (const name of this.args.slice(bound.length)) {
        if (kw.has(name)) {
          bound.push(kw.get(name));
          kw.delete(name);
        } else bound.push(MISSING);
        if (name === 'caller') foundCaller = true;
      }
    } else foundCaller = this.explicitCaller;
    if (this.usesCaller && !foundCaller) {
      const caller = kw.get('caller');
      kw.delete('caller');
      bound.push(caller ?? undefined);
    }
    if (this.catchKwargs) bound.push(new Map([...kw]));
    else if (kw.size > 0) {
      if (kw.has('caller')) fail(`macro '${this.name}' was invoked with two values for the special caller argument. This is most likely a bug.`);
      fail(`macro '${this.name}' takes no keyword argument '${[...kw.keys()][0] as string}'`);
    }
    if (this.catchVarargs) bound.push(tuple(args.slice(this.args.length)));
    else if (args.length > this.args.length) fail(`macro '${this.name}' takes not more than ${this.args.length} argument(s)`);
    const out = this.fn(...bound);
    return ae ? new Markup(out) : out;
  }

  pyRepr(): string {
    return `<Macro ${strRepr(this.name)}>`;
  }
}

/** The special `loop` variable of a `for` loop. */
export class Loop {
  readonly pyType = 'LoopContext';
  /** The index of the current item (0-based). */
  i = 0;
  private lastChanged: unknown = MISSING;
  constructor(
    private readonly items: unknown[],
    readonly depth0: number,
    readonly recurse: ((v: unknown, depth: number) => unknown) | null,
  ) {}
  get length(): number {
    return this.items.length;
  }
  attr(name: string): unknown {
    const n = this.items.length;
    switch (name) {
      case 'index':
        return this.i + 1;
      case 'index0':
        return this.i;
      case 'revindex':
        return n - this.i;
      case 'revindex0':
        return n - this.i - 1;
      case 'first':
        return this.i === 0;
      case 'last':
        return this.i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth0 + 1;
      case 'depth0':
        return this.depth0;
      case 'previtem':
        return this.i > 0 ? this.items[this.i - 1] : undefined;
      case 'nextitem':
        return this.i + 1 < n ? this.items[this.i + 1] : undefined;
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (args.length === 0) fail('no items for cycling given');
          return args[this.i % args.length];
        });
      case 'changed':
        return new PyCallable('changed', (args) => {
          const value = tuple(args);
          if (this.lastChanged !== MISSING && pyEq(value, this.lastChanged)) return false;
          this.lastChanged = value;
          return true;
        });
      default:
        return undefined;
    }
  }
  pyRepr(): string {
    return `<LoopContext ${this.i + 1}/${this.items.length}>`;
  }
}

/** The object of `namespace()`. */
export class Namespace {
  readonly pyType = 'Namespace';
  readonly attrs = new Map<string, unknown>();
  pyRepr(): string {
    return `<Namespace {${[...this.attrs].map(([k, v]) => `${strRepr(k)}: ${pyRepr(v)}`).join(', ')}}>`;
  }
}


/** `ns.attr = value`. */
export function nsSet(ns: unknown, attr: string, value: unknown): void {
  if (!(ns instanceof Namespace)) fail('cannot assign attribute on non-namespace object');
  ns.attrs.set(attr, value);
}

/** A module made by `import`: the exported names and the rendered text. */
export class TemplateModule {
  readonly pyType = 'TemplateModule';
  constructor(
    readonly exports: Map<string, unknown>,
    readonly body: string,
  ) {}
  pyRepr(): string {
    return this.body;
  }
}

/** `*args` of a call. */
export function starArgs(args: unknown[], more: unknown): unknown[] {
  return [...args, ...iter(more)];
}

/** `**kwargs` of a call. */
export function starKwargs(kwargs: Map<string, unknown> | null, more: unknown): Map<string, unknown> {
  const out = new Map(kwargs ?? []);
  if (!isDict(more)) fail(`argument after ** must be a mapping, not ${typeName(more)}`);
  for (const k of dictKeys(more)) {
    if (typeof k !== 'string') fail('keywords must be strings');
    if (out.has(k)) fail(`got multiple values for keyword argument '${k}'`);
    out.set(k, dictGet(more, k));
  }
  return out;
}

/** The keyword arguments of a call block's call, with `caller`. */
export function withCaller(kwargs: Map<string, unknown> | null, caller: Macro): Map<string, unknown> {
  const out = new Map(kwargs ?? []);
  out.set('caller', caller);
  return out;
}

/** Calls a template value. */
export function call(ec: { ae: boolean }, f: unknown, args: unknown[], kwargs: Map<string, unknown> | null): unknown {
  if (f instanceof Macro) return f.invoke(ec.ae, args, kwargs);
  if (f instanceof PyCallable) return f.fn(args, kwargs);
  if (f instanceof Loop) {
    if (!f.recurse) fail('The loop must have the \'recursive\' marker to be called recursively.');
    if (args.length !== 1 || (kwargs && kwargs.size)) fail('loop() takes exactly one argument');
    return f.recurse(args[0], f.depth0 + 1);
  }
  if (f === undefined) undefinedError('the function called');
  return fail(`'${typeName(f)}' object is not callable`);
}

/** The specification of a filter or test function. */
export interface FilterFn {
  (ec: EvalContext, value: unknown, ...args: unknown[]): unknown;
  params?: readonly string[];
}

/** What filters and tests know of where they run. */
export interface EvalContext {
  ae: boolean;
  ef: ((s: string) => string) | null;
  ctx: Context;
}

/** Calls a filter or test with keyword arguments or `*args`/`**kwargs`, binding them by name. */
export function callFilter(table: Record<string, FilterFn>, name: string, ec: EvalContext, value: unknown, args: unknown[], kwargs: Map<string, unknown> | null): unknown {
  const fn = table[name] as FilterFn;
  const params = fn.params ?? [];
  const bound: unknown[] = [...args];
  if (bound.length > params.length) fail(`${name}() takes at most ${params.length} argument(s)`);
  if (kwargs) {
    for (const [k, v] of kwargs) {
      const at = params.indexOf(k);
      if (at < 0) fail(`${name}() got an unexpected keyword argument '${k}'`);
      if (at < args.length) fail(`${name}() got multiple values for argument '${k}'`);
      while (bound.length < at) bound.push(MISSING);
      bound[at] = v;
    }
  }
  return fn(ec, value, ...bound.map((b) => (b === MISSING ? undefined : b)));
}

/** Where a render error happened: the template and line are added once, where it was thrown. */
export function where(e: unknown, ctx: Context, line: number): unknown {
  if (e instanceof Error && (e as { templateName?: string }).templateName === undefined) {
    Object.assign(e, { templateName: ctx.template.name, templateLine: line });
  }
  return e;
}

/** A runtime error. */
export function error(message: string): TemplateRuntimeError {
  return new TemplateRuntimeError(message);
}

/** Throws a runtime error (from an expression). */
export function raise(message: string): never {
  throw new TemplateRuntimeError(message);
}

/** What a filter block writes: Jinja2 joins the output, so the filter must give a str. */
export function written(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Markup) return v.s;
  return fail(`sequence item: expected str instance, ${typeName(v)} found`);
}

function templateName(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) undefinedError('the template name');
  return fail(`a template name must be a string, not ${typeName(v)}`);
}

function loadFirst(ctx: Context, names: unknown, ignoreMissing: boolean): CompiledTemplate | null {
  const list = Array.isArray(names) ? names : [names];
  for (const n of list) {
    if (n instanceof TemplateModule) continue;
    try {
      return ctx.env.load(templateName(n));
    } catch (e) {
      if (!(e instanceof TemplateNotFound) || list.length === 0) throw e;
    }
  }
  if (ignoreMissing) return null;
  if (list.length === 1) throw new TemplateNotFound(pyStr(list[0]));
  throw new TemplateNotFound(`none of ${pyRepr(list)}`);
}

/** `{% extends name %}`: the parent, whose blocks come after this template's. */
export function parentTemplate(ctx: Context, name: unknown): CompiledTemplate {
  if (Array.isArray(name)) fail(`unhashable type: '${typeName(name)}'`);
  const parent = loadFirst(ctx, name, false) as CompiledTemplate;
  for (const [block, fn] of Object.entries(parent.blocks)) (ctx.blocks[block] ??= []).push(fn);
  return parent;
}

/** `{% include name %}`: the rendered text of the template. */
export function include(ctx: Context, name: unknown, ignoreMissing: boolean, locals: Record<string, unknown> | null): string {
  const t = loadFirst(ctx, name, ignoreMissing);
  if (!t) return '';
  const layers = locals ? [definedOnly(locals), ctx.vars, ...ctx.layers] : [];
  return t.root(new Context(ctx.env, t, layers, ctx.ae, ctx.ef));
}

/** `{% import %}`: the module of a template. */
export function importModule(ctx: Context, name: unknown, locals: Record<string, unknown> | null): TemplateModule {
  if (name instanceof TemplateModule) return name;
  if (Array.isArray(name)) fail(`unhashable type: '${typeName(name)}'`);
  const t = loadFirst(ctx, name, false) as CompiledTemplate;
  const layers = locals ? [definedOnly(locals), ctx.vars, ...ctx.layers] : [];
  const c = new Context(ctx.env, t, layers, ctx.ae, ctx.ef);
  const body = t.root(c);
  const exports = new Map<string, unknown>();
  for (const k of c.exported) exports.set(k, c.vars[k]);
  return new TemplateModule(exports, body);
}

/** `{% from x import name %}`. */
export function fromImport(mod: TemplateModule, name: string): unknown {
  return mod.exports.get(name);
}

/** Renders block `name` in `target`. */
export function renderBlock(ctx: Context, name: string, target: Context): string {
  const fn = ctx.blocks[name]?.[0];
  if (!fn) fail(`block '${name}' not found`);
  return fn(target);
}

/** `super()` in block `name` whose function is `current`. */
export function superBlock(ctx: Context, name: string, current: BlockFn): unknown {
  const list = ctx.blocks[name] ?? [];
  const at = list.indexOf(current);
  const parent = at >= 0 ? list[at + 1] : undefined;
  if (!parent) return undefined;
  return new PyCallable('super', () => {
    const out = parent(ctx);
    return ctx.ae ? new Markup(out) : out;
  });
}

/** `self`: the blocks of the template, callable by name. */
export function selfRef(ctx: Context): object {
  return new TemplateReference(ctx);
}

class TemplateReference {
  readonly pyType = 'TemplateReference';
  constructor(private readonly ctx: Context) {}
  pyRepr(): string {
    return `<TemplateReference ${strRepr(this.ctx.template.name)}>`;
  }
  pyAttr(name: string): unknown {
    const ctx = this.ctx;
    const fn = ctx.blocks[name]?.[0];
    if (!fn) return undefined;
    return new PyCallable(name, () => {
      const out = fn(ctx);
      return ctx.ae ? new Markup(out) : out;
    });
  }
}

export { PyFloat };
