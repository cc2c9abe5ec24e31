/**
 * Jinja2 3.1's built-in tests (`x is defined`, `x is divisibleby 3`...) and its globals (`range`, `dict`,
 * `namespace`, `cycler`, `joiner`, `lipsum`).
 */
import type { CallableSpec } from './compiler';
import { FILTERS, TESTS_REF } from './filters';
import { pyIsLower, pyIsUpper } from './methods';
import { Loop, Macro, Namespace, cmp, contains, iter, mod, type EvalContext, type FilterFn } from './runtime';
import {
  DictView,
  Markup,
  PyCallable,
  PyIter,
  PyRange,
  dictGet,
  dictKeys,
  fail,
  isDict,
  isFloat,
  isInt,
  isNumber,
  isStr,
  numValue,
  pyEq,
  pyStr,
  truthy,
  typeName,
} from './values';

function def(params: string[], required: number, fn: (ec: EvalContext, value: unknown, ...args: never[]) => boolean): [FilterFn, CallableSpec] {
  const f = fn as FilterFn;
  f.params = params;
  return [f, { params, required }];
}

const eq = def(['other'], 1, (_ec, v, o: unknown) => pyEq(v, o));
const ne = def(['other'], 1, (_ec, v, o: unknown) => !pyEq(v, o));
const lt = def(['other'], 1, (_ec, v, o: unknown) => cmp(v, o, '<'));
const le = def(['other'], 1, (_ec, v, o: unknown) => cmp(v, o, '<='));
const gt = def(['other'], 1, (_ec, v, o: unknown) => cmp(v, o, '>'));
const ge = def(['other'], 1, (_ec, v, o: unknown) => cmp(v, o, '>='));

function isCallable(v: unknown): boolean {
  return v === undefined || v instanceof Macro || v instanceof PyCallable || v instanceof Loop || (v !== null && typeof v === 'object' && (v as { pyType?: string }).pyType === 'Joiner');
}

function isIterable(v: unknown): boolean {
  if (v === undefined || Array.isArray(v) || isStr(v) || isDict(v) || v instanceof DictView || v instanceof PyRange || v instanceof PyIter || v instanceof Loop) return true;
  return false;
}

const DEFS: Record<string, [FilterFn, CallableSpec]> = {
  boolean: def([], 0, (_ec, v) => v === true || v === false),
  callable: def([], 0, (_ec, v) => isCallable(v)),
  defined: def([], 0, (_ec, v) => v !== undefined),
  divisibleby: def(['num'], 1, (_ec, v, n: unknown) => pyEq(mod(v, n), 0)),
  eq,
  equalto: eq,
  '==': eq,
  escaped: def([], 0, (_ec, v) => v instanceof Markup),
  even: def([], 0, (_ec, v) => pyEq(mod(v, 2), 0)),
  false: def([], 0, (_ec, v) => v === false),
  filter: def([], 0, (_ec, v) => isStr(v) && Object.hasOwn(FILTERS, v.toString())),
  float: def([], 0, (_ec, v) => isFloat(v)),
  ge,
  '>=': ge,
  gt,
  '>': gt,
  greaterthan: gt,
  in: def(['seq'], 1, (_ec, v, seq: unknown) => contains(seq, v)),
  integer: def([], 0, (_ec, v) => isInt(v)),
  iterable: def([], 0, (_ec, v) => isIterable(v)),
  le,
  '<=': le,
  lower: def([], 0, (_ec, v) => pyIsLower(pyStr(v))),
  lt,
  '<': lt,
  lessthan: lt,
  mapping: def([], 0, (_ec, v) => isDict(v)),
  ne,
  '!=': ne,
  none: def([], 0, (_ec, v) => v === null),
  number: def([], 0, (_ec, v) => isNumber(v)),
  odd: def([], 0, (_ec, v) => pyEq(mod(v, 2), 1)),
  sameas: def(['other'], 1, (_ec, v, o: unknown) => v === o || (isNumber(v) && isNumber(o) && typeof v === typeof o && numValue(v) === numValue(o) && !isFloat(v))),
  sequence: def([], 0, (_ec, v) => v === undefined || Array.isArray(v) || isStr(v) || isDict(v) || v instanceof PyRange),
  string: def([], 0, (_ec, v) => isStr(v)),
  test: def([], 0, (_ec, v) => isStr(v) && Object.hasOwn(TESTS, v.toString())),
  true: def([], 0, (_ec, v) => v === true),
  undefined: def([], 0, (_ec, v) => v === undefined),
  upper: def([], 0, (_ec, v) => pyIsUpper(pyStr(v))),
};

/** The test functions. */
export const TESTS: Record<string, FilterFn> = Object.fromEntries(Object.entries(DEFS).map(([k, v]) => [k, v[0]]));
/** What the compiler knows of each test. */
export const TEST_SPECS: Record<string, CallableSpec> = Object.fromEntries(Object.entries(DEFS).map(([k, v]) => [k, v[1]]));
TESTS_REF.tests = TESTS;

function intArg(v: unknown, what: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isInt(v)) return v;
  return fail(`'${typeName(v)}' object cannot be interpreted as an integer (${what})`);
}

/** A `cycler(...)` object. */
class Cycler {
  readonly pyType = 'Cycler';
  private pos = 0;
  constructor(private readonly items: unknown[]) {
    if (items.length === 0) fail('at least one item has to be provided');
  }
  pyAttr(name: string): unknown {
    if (name === 'current') return this.items[this.pos];
    if (name === 'items') return this.items;
    if (name === 'reset') return new PyCallable('reset', () => {
      this.pos = 0;
      return null;
    });
    if (name === 'next') return new PyCallable('next', () => {
      const v = this.items[this.pos];
      this.pos = (this.pos + 1) % this.items.length;
      return v;
    });
    return undefined;
  }
}

/** The globals of the default environment. */
export function createGlobals(): Record<string, unknown> {
  return {
    range: new PyCallable('range', (args, kw) => {
      if (kw && kw.size) fail('range() takes no keyword arguments');
      if (args.length === 0 || args.length > 3) fail(`range expected at most 3 arguments, got ${args.length}`);
      const [a, b, c] = args.map((x, i) => intArg(x, `range argument ${i + 1}`));
      const r = args.length === 1 ? new PyRange(0, a as number, 1) : new PyRange(a as number, b as number, c ?? 1);
      if (r.step === 0) fail('range() arg 3 must not be zero');
      return r;
    }),
    dict: new PyCallable('dict', (args, kw) => {
      const m = new Map<unknown, unknown>();
      if (args.length > 1) fail(`dict expected at most 1 argument, got ${args.length}`);
      if (args.length === 1) {
        const src = args[0];
        if (isDict(src)) for (const k of dictKeys(src)) m.set(k, dictGet(src, k));
        else
          for (const pair of iter(src)) {
            const kv = iter(pair);
            if (kv.length !== 2) fail('dictionary update sequence element has wrong length');
            m.set(kv[0], kv[1]);
          }
      }
      if (kw) for (const [k, v] of kw) m.set(k, v);
      return m;
    }),
    namespace: new PyCallable('namespace', (args, kw) => {
      const ns = new Namespace();
      if (args.length > 1) fail('namespace() takes at most one positional argument');
      if (args.length === 1) {
        const src = args[0];
        if (!isDict(src)) fail(`'${typeName(src)}' object is not iterable`);
        for (const k of dictKeys(src)) ns.attrs.set(pyStr(k), dictGet(src, k));
      }
      if (kw) for (const [k, v] of kw) ns.attrs.set(k, v);
      return ns;
    }),
    cycler: new PyCallable('cycler', (args) => new Cycler(args)),
    joiner: new PyCallable('joiner', (args, kw) => {
      const sep = args[0] ?? kw?.get('sep') ?? ', ';
      let used = false;
      const j = new PyCallable('joiner', () => {
        if (!used) {
          used = true;
          return '';
        }
        return sep;
      });
      Object.defineProperty(j, 'pyType', { value: 'Joiner' });
      return j;
    }),
    lipsum: new PyCallable('lipsum', () => fail('unsupported: lipsum() (random text)')),
  };
}

export { truthy };
