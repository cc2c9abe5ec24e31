/**
 * The generated part of the differential corpus: random combinations of statements, expressions, filters and tests
 * (seeded, so a run is reproducible), over the variables of `contexts.ts`.
 */
import type { Case } from './corpus';

/** A small seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VARS = ['n', 'f', 's', 'keys', 'nums', 'floats', 'words', 'sip_lines', 'funckeys', 'users', 'none', 'empty', 'el', 'ed', 'flag', 'off', 'u', 'num_str', 'mixed', 'pairs', 'nested', 'zero', 'neg', 'missing', 'html', 'padded', 'csv', 'multiline', 'big'];
const LITERALS = ['1', '0', '-3', '2.5', '1.0', "'a'", '"b c"', "''", 'none', 'true', 'false', '[1, 2]', '[]', "(1, 'x')", "{'k': 1, '2': 'v'}", 'range(4)', "'%s-%d'"];
const ATTRS = ['.items()', '.keys()', '.values()', "['1']", '[0]', '[-1]', '[1:]', '[::-1]', '.upper()', '.split()', ".get('1')", '.username', '.name', '|length', '.0', ".startswith('a')", ".replace('a', 'b')", ".format(1)", '.a.b'];
const FILTERS = [
  'length', 'first', 'last', 'list', 'sort', "join(',')", "d('x')", "default('y', true)", 'int', 'float', 'string', 'upper', 'lower', 'title', 'capitalize',
  'reverse|list', 'e', 'tojson', 'trim', "replace('a', 'b')", 'abs', 'round', 'round(1)', 'sum', 'min', 'max', 'unique|list', 'batch(2)|list', 'dictsort', 'items|list',
  'count', 'wordcount', "center(9)", 'truncate(5, leeway=0)', "indent(2)", 'pprint', "map('string')|list", "select('odd')|list", "reject('none')|list", "selectattr('name')|list",
  "map(attribute='name')|list", "groupby('city')|list", 'slice(2)|list', "format('z')", 'striptags', 'urlencode', 'filesizeformat', 'xmlattr', 'safe', 'forceescape',
];
const TESTS = ['defined', 'undefined', 'none', 'number', 'string', 'iterable', 'odd', 'even', 'sequence', 'mapping', 'integer', 'float', 'boolean', 'true', 'false', 'callable', 'lower', 'upper', 'divisibleby 3', 'in keys', 'eq 5', 'gt 1', 'sameas none', 'escaped'];
const BINOPS = ['+', '-', '*', '/', '//', '%', '**', '~', 'and', 'or', '==', '!=', '<', '>=', 'in', 'not in'];

class Gen {
  private counter = 0;
  constructor(private readonly r: () => number) {}
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.r() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  fresh(): string {
    return `v${this.counter++}`;
  }

  /** An expression of a kind (`num`, `str`, `seq`, `map`), or of any kind; mostly well typed, sometimes not. */
  typed(kind: 'num' | 'str' | 'seq' | 'map' | 'any', depth: number, names: readonly string[]): string {
    if (kind === 'any' || this.chance(0.08)) return this.expr(depth, names);
    const leaf = depth <= 0 || this.chance(0.35);
    switch (kind) {
      case 'num':
        if (leaf) return this.pick(['n', 'f', 'zero', 'neg', 'big', '1', '2.5', '-3', '1.0', '7', 'true', ...names]);
        return this.pick([
          () => `(${this.typed('num', depth - 1, names)} ${this.pick(['+', '-', '*', '/', '//', '%', '**'])} ${this.pick(['2', '3', '0.5', 'n', '-2'])})`,
          () => `(${this.typed('seq', depth - 1, names)}|${this.pick(['length', 'count', 'sum', 'min', 'max', 'first', 'last'])})`,
          () => `(${this.typed('str', depth - 1, names)}|${this.pick(['length', 'int', 'float', 'wordcount'])})`,
          () => `(${this.typed('num', depth - 1, names)}|${this.pick(['abs', 'round', 'round(1)', "round(0, 'floor')", 'int', 'float', 'string|length', 'filesizeformat|length'])})`,
          () => `-${this.typed('num', depth - 1, names)}`,
        ])();
      case 'str':
        if (leaf) return this.pick(['s', 'u', 'empty', 'num_str', 'padded', 'html', 'csv', 'multiline', "'abc'", "'A b-c'", "'%s:%d'", ...names]);
        return this.pick([
          () => `(${this.typed('str', depth - 1, names)}|${this.pick(['upper', 'lower', 'title', 'capitalize', 'trim', 'e', "replace('a', 'X')", 'center(12)', 'truncate(6, leeway=0)', 'wordwrap(4)', 'wordwrap(3, false)', 'urlize', 'indent(2)', 'striptags', 'urlencode', 'reverse', 'string', 'tojson', 'forceescape', 'first', 'last', "format(1, 2)"])})`,
          () => `(${this.typed('str', depth - 1, names)})${this.pick(['.upper()', '.strip()', ".split(',')|join('+')", '.title()', ".zfill(6)", ".replace(' ', '_')", '[1:4]', '[::-1]', '[0]', ".startswith('H')", ".center(11, '*')", '.swapcase()', ".partition(' ')|join"])}`,
          () => `(${this.typed('str', depth - 1, names)} ~ ${this.typed('any', depth - 1, names)})`,
          () => `(${this.typed('seq', depth - 1, names)}|join(${this.pick(["','", "' '", ''])}))`,
          () => `'${this.pick(['%s', '%05.1f', '%-4s|', '%r', '%x', '%d'])}' % ${this.typed(this.pick(['num', 'str']), depth - 1, names)}`,
          () => `'{}|{:>4}'.format(${this.typed('any', depth - 1, names)}, ${this.typed('num', depth - 1, names)})`,
          () => `(${this.typed('any', depth - 1, names)}|string)`,
          () => `(${this.typed('map', depth - 1, names)}|xmlattr)`,
        ])();
      case 'seq':
        if (leaf) return this.pick(['keys', 'nums', 'floats', 'words', 'users', 'mixed', 'pairs', 'el', 'nested.list', 'range(4)', '[1, 2, 3]', "('a', 'b')", ...names]);
        return this.pick([
          () => `(${this.typed('seq', depth - 1, names)}|${this.pick(['sort', 'reverse|list', 'unique|list', 'list', 'batch(2)|list', 'slice(2)|list', "map('string')|list", "select('odd')|list", "reject('none')|list", "sort(reverse=true)", 'dictsort', "selectattr('admin')|list", "map(attribute='name')|list", "groupby('city')|list", 'first|list'])})`,
          () => `(${this.typed('map', depth - 1, names)}${this.pick(['.items()|list', '.keys()|list', '.values()|list', '|dictsort', '|list', '|items|list'])})`,
          () => `(${this.typed('str', depth - 1, names)}${this.pick(['.split()', "|list", ".split(',')", '.splitlines()'])})`,
          () => `(${this.typed('seq', depth - 1, names)} + ${this.typed('seq', depth - 1, names)})`,
          () => `(${this.typed('seq', depth - 1, names)})[${this.pick(['1:', ':2', '::-1', '::2', '-2:'])}]`,
        ])();
      default:
        if (leaf) return this.pick(['sip_lines', 'funckeys', 'ed', 'nested.a', "{'b': 1, 'a': none}", 'users[0]', "sip_lines['1']", 'dict(x=1, y=n)', ...names]);
        return this.pick([() => `(${this.typed('map', depth - 1, names)}).copy()`, () => `(${this.typed('map', depth - 1, names)} or {'z': 0})`])();
    }
  }

  expr(depth: number, names: readonly string[] = []): string {
    const atoms = [...VARS, ...names];
    if (this.chance(0.6)) return this.typed(this.pick(['num', 'str', 'seq', 'map'] as const), depth, names);
    if (depth <= 0 || this.chance(0.3)) return this.chance(0.7) ? this.pick(atoms) : this.pick(LITERALS);
    switch (Math.floor(this.r() * 7)) {
      case 0:
        return `(${this.expr(depth - 1, names)})${this.pick(ATTRS)}`;
      case 1:
        return `(${this.expr(depth - 1, names)}|${this.pick(FILTERS)})`;
      case 2:
        return `(${this.expr(depth - 1, names)} ${this.pick(BINOPS)} ${this.expr(depth - 1, names)})`;
      case 3:
        return `(${this.expr(depth - 1, names)} is ${this.chance(0.3) ? 'not ' : ''}${this.pick(TESTS)})`;
      case 4:
        return `(${this.expr(depth - 1, names)} if ${this.expr(depth - 1, names)}${this.chance(0.6) ? ` else ${this.expr(depth - 1, names)}` : ''})`;
      case 5:
        return `${this.chance(0.5) ? 'not ' : '-'}${this.expr(depth - 1, names)}`;
      default:
        return `[${this.expr(depth - 1, names)}, ${this.expr(depth - 1, names)}]`;
    }
  }

  ws(): [string, string] {
    return [this.chance(0.3) ? '-' : '', this.chance(0.3) ? '-' : ''];
  }

  block(depth: number, names: readonly string[]): string {
    const n = 1 + Math.floor(this.r() * 3);
    let out = '';
    for (let i = 0; i < n; i++) out += this.stmt(depth, names) + (this.chance(0.4) ? '\n' : this.chance(0.5) ? ' | ' : '');
    return out;
  }

  stmt(depth: number, names: readonly string[]): string {
    const [l, r] = this.ws();
    if (depth <= 0 || this.chance(0.35)) return `{{${l} ${this.expr(2, names)} ${r}}}`;
    switch (Math.floor(this.r() * 9)) {
      case 0: {
        let out = `{%${l} if ${this.expr(2, names)} ${r}%}${this.block(depth - 1, names)}`;
        if (this.chance(0.4)) out += `{% elif ${this.expr(2, names)} %}${this.block(depth - 1, names)}`;
        if (this.chance(0.5)) out += `{% else %}${this.block(depth - 1, names)}`;
        return `${out}{%${l} endif ${r}%}`;
      }
      case 1: {
        const two = this.chance(0.4);
        const a = this.fresh();
        const b = this.fresh();
        const target = two ? `${a}, ${b}` : a;
        const iterable = two ? this.pick(['sip_lines.items()', 'funckeys.items()', 'pairs', 'sip_lines|dictsort', 'users|groupby("city")', 'nested.list']) : this.expr(1, names);
        const filter = this.chance(0.3) ? ` if ${this.expr(1, two ? [...names, a, b] : [...names, a])}` : '';
        const inner = [...names, a, ...(two ? [b] : []), 'loop.index', 'loop.first', 'loop.last', 'loop.length', 'loop.revindex', 'loop.previtem', 'loop.cycle(1, 2)'];
        const els = this.chance(0.3) ? `{% else %}${this.block(depth - 1, names)}` : '';
        return `{%${l} for ${target} in ${iterable}${filter} ${r}%}${this.block(depth - 1, inner)}${els}{% endfor %}`;
      }
      case 2: {
        const v = this.fresh();
        if (this.chance(0.3)) {
          const w = this.fresh();
          return `{% set ${v}, ${w} = ${this.pick(['(1, 2)', 'pairs|first', 'sip_lines.items()|first', "'ab'", 'keys[:2]', this.expr(1, names)])} %}${this.block(depth - 1, [...names, v, w])}`;
        }
        if (this.chance(0.3)) return `{% set ${v} %}${this.block(depth - 1, names)}{% endset %}{{ ${v}|length }}{{ ${v} }}`;
        return `{% set ${v} = ${this.expr(2, names)} %}${this.block(depth - 1, [...names, v])}`;
      }
      case 3: {
        const v = this.fresh();
        return `{% with ${v} = ${this.expr(2, names)} %}${this.block(depth - 1, [...names, v])}{% endwith %}`;
      }
      case 4: {
        const m = this.fresh();
        const a = this.fresh();
        const body = this.block(depth - 1, [...names, a]);
        return `{% macro ${m}(${a}, b=${this.pick(LITERALS)}) %}${body}[{{ b }}]{% endmacro %}{{ ${m}(${this.expr(1, names)}) }}{{ ${m}(${this.expr(1, names)}, b=${this.expr(1, names)}) }}`;
      }
      case 5:
        return `{% filter ${this.pick(['upper', 'trim', 'title', "replace('a', 'A')", 'e', 'indent(2)', 'wordcount'])} %}${this.block(depth - 1, names)}{% endfilter %}`;
      case 6: {
        const ns = this.fresh();
        return `{% set ${ns} = namespace(acc=0, s='') %}{% for x in ${this.pick(['nums', 'keys', 'sip_lines', 'range(3)', 'words'])} %}{% set ${ns}.acc = ${ns}.acc + 1 %}{% set ${ns}.s = ${ns}.s ~ x %}{% endfor %}{{ ${ns}.acc }}:{{ ${ns}.s }}`;
      }
      case 7:
        return `{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}${this.block(depth - 1, names)}{% endcall %}`;
      default:
        return `{% raw %}{{ ${this.expr(1, names)} }}{% endraw %}{# ${this.expr(1, names)} #}`;
    }
  }
}

/** `count` generated cases from `seed`. */
export function generateCases(count: number, seed = 1): Case[] {
  const g = new Gen(rng(seed));
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) cases.push({ src: g.block(3, []) });
  return cases;
}
