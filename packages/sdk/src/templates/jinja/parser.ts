/**
 * The Jinja2 parser: tokens to a tree of nodes, following Jinja2 3.1's grammar and precedence (`parser.py`).
 */
import { TemplateSyntaxError, tokenize, type Token } from './lexer';

/** A node of the template tree. `k` is its kind (Jinja2's node class names); the other fields depend on it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loose node shape keeps parser and compiler short
export interface Node { k: string; line: number; [field: string]: any }

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);

function node(k: string, line: number, fields: Record<string, unknown> = {}): Node {
  return { k, line, ...fields };
}

function describe(tok: Token): string {
  if (tok.t === 'name' || tok.t === 'integer' || tok.t === 'float') return String(tok.v);
  if (tok.t === 'string') return 'string';
  if (tok.t === 'var_end') return 'end of print statement';
  if (tok.t === 'block_end') return 'end of statement block';
  if (tok.t === 'eof') return 'end of template';
  if (tok.t === 'data') return 'template data';
  return tok.t;
}

const TAGS = new Set(['for', 'if', 'block', 'extends', 'print', 'macro', 'include', 'from', 'import', 'set', 'with', 'autoescape', 'filter', 'call']);
/** Tags of Jinja2 extensions (not enabled by the default environment): Jinja2 refuses them too. */
const EXTENSION_TAGS = new Set(['do', 'break', 'continue', 'trans', 'pluralize', 'endtrans', 'debug']);

class Parser {
  private i = 0;
  private readonly tagStack: string[] = [];
  constructor(private readonly tokens: Token[]) {}

  private get cur(): Token {
    return this.tokens[this.i] as Token;
  }
  private look(): Token {
    return (this.tokens[this.i + 1] ?? this.tokens[this.tokens.length - 1]) as Token;
  }
  private next(): Token {
    const t = this.cur;
    if (t.t !== 'eof') this.i++;
    return t;
  }
  private is(t: string, v?: string): boolean {
    return this.cur.t === t && (v === undefined || this.cur.v === v);
  }
  private isName(v: string): boolean {
    return this.cur.t === 'name' && this.cur.v === v;
  }
  private skipName(v: string): boolean {
    if (!this.isName(v)) return false;
    this.next();
    return true;
  }
  private skip(t: string): boolean {
    if (!this.is(t)) return false;
    this.next();
    return true;
  }
  fail(message: string, line = this.cur.line): never {
    throw new TemplateSyntaxError(message, line);
  }
  private expect(t: string, v?: string): Token {
    if (!this.is(t, v)) {
      const want = v ?? (t === 'var_end' ? 'end of print statement' : t === 'block_end' ? 'end of statement block' : t);
      if (this.cur.t === 'eof') this.fail(`unexpected end of template, expected '${want}'.`);
      this.fail(`expected token '${want}', got '${describe(this.cur)}'`);
    }
    return this.next();
  }

  parseTemplate(): Node {
    const body = this.subparse(null);
    return node('Template', 1, { body });
  }

  private subparse(end: readonly string[] | null): Node[] {
    const body: Node[] = [];
    let out: Node[] = [];
    const flush = (): void => {
      if (out.length > 0) body.push(node('Output', (out[0] as Node).line, { nodes: out }));
      out = [];
    };
    while (!this.is('eof')) {
      const tok = this.cur;
      if (tok.t === 'data') {
        out.push(node('TemplateData', tok.line, { data: tok.v }));
        this.next();
      } else if (tok.t === 'var_begin') {
        this.next();
        out.push(this.parseTuple({ withCondexpr: true }));
        this.expect('var_end');
      } else if (tok.t === 'block_begin') {
        flush();
        this.next();
        if (end && this.cur.t === 'name' && end.includes(String(this.cur.v))) return body;
        body.push(this.parseStatement());
        this.expect('block_end');
      } else this.fail('internal parser error');
    }
    flush();
    if (end) {
      const expected = end.map((e) => `'${e}'`).join(' or ');
      this.fail(`Unexpected end of template. Jinja was looking for the following tags: ${expected}. The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1] ?? ''}'.`);
    }
    return body;
  }

  private parseStatements(end: readonly string[], drop = false): Node[] {
    this.skip(':');
    this.expect('block_end');
    const body = this.subparse(end);
    if (this.is('eof')) this.fail('unexpected end of template');
    if (drop) this.next();
    return body;
  }

  private parseStatement(): Node {
    const tok = this.cur;
    if (tok.t !== 'name') this.fail('tag name expected');
    const name = String(tok.v);
    if (!TAGS.has(name)) {
      if (EXTENSION_TAGS.has(name)) this.fail(`Encountered unknown tag '${name}' (an extension's tag: Jinja2's default environment, like provd, has no extensions)`);
      this.fail(`Encountered unknown tag '${name}'.`);
    }
    this.tagStack.push(name);
    try {
      switch (name) {
        case 'for':
          return this.parseFor();
        case 'if':
          return this.parseIf();
        case 'block':
          return this.parseBlock();
        case 'extends':
          this.next();
          return node('Extends', tok.line, { template: this.parseExpression() });
        case 'print':
          return this.parsePrint();
        case 'macro':
          return this.parseMacro();
        case 'include':
          return this.parseInclude();
        case 'from':
          return this.parseFrom();
        case 'import':
          return this.parseImport();
        case 'set':
          return this.parseSet();
        case 'with':
          return this.parseWith();
        case 'autoescape':
          this.next();
          return node('Autoescape', tok.line, { value: this.parseExpression(), body: this.parseStatements(['endautoescape'], true) });
        case 'filter':
          this.next();
          return node('FilterBlock', tok.line, { filter: this.parseFilter(null, true), body: this.parseStatements(['endfilter'], true) });
        default:
          return this.parseCallBlock();
      }
    } finally {
      this.tagStack.pop();
    }
  }

  private parseFor(): Node {
    const line = this.expect('name', 'for').line;
    const target = this.parseAssignTarget({ extraEnd: ['in'] });
    this.expect('name', 'in');
    const iter = this.parseTuple({ withCondexpr: false, extraEnd: ['recursive'] });
    const test = this.skipName('if') ? this.parseExpression() : null;
    const recursive = this.skipName('recursive');
    const body = this.parseStatements(['endfor', 'else']);
    const else_ = this.next().v === 'endfor' ? [] : this.parseStatements(['endfor'], true);
    return node('For', line, { target, iter, body, else_, test, recursive });
  }

  private parseIf(): Node {
    const result = node('If', this.expect('name', 'if').line, { elif: [], else_: [] });
    let current = result;
    for (;;) {
      current.test = this.parseTuple({ withCondexpr: false });
      current.body = this.parseStatements(['elif', 'else', 'endif']);
      current.elif ??= [];
      current.else_ ??= [];
      const tok = this.next();
      if (tok.v === 'elif') {
        current = node('If', this.cur.line, { elif: [], else_: [] });
        result.elif.push(current);
        continue;
      }
      if (tok.v === 'else') result.else_ = this.parseStatements(['endif'], true);
      break;
    }
    return result;
  }

  private parseBlock(): Node {
    const line = this.next().line;
    const name = String(this.expect('name').v);
    const scoped = this.skipName('scoped');
    const required = this.skipName('required');
    if (this.is('-')) this.fail('Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.');
    const body = this.parseStatements(['endblock'], true);
    if (required && !body.every((n) => n.k === 'Output' && n.nodes.every((c: Node) => c.k === 'TemplateData' && /^\s*$/.test(c.data)))) {
      this.fail('Required blocks can only contain comments or whitespace', line);
    }
    this.skipName(name);
    return node('Block', line, { name, scoped, required, body });
  }

  private parsePrint(): Node {
    const line = this.next().line;
    const nodes: Node[] = [];
    while (!this.is('block_end')) {
      if (nodes.length > 0) this.expect(',');
      nodes.push(this.parseExpression());
    }
    return node('Output', line, { nodes });
  }

  private parseImportContext(n: Node, dflt: boolean): Node {
    if ((this.isName('with') || this.isName('without')) && this.look().t === 'name' && this.look().v === 'context') {
      n.withContext = this.next().v === 'with';
      this.next();
    } else n.withContext = dflt;
    return n;
  }

  private parseInclude(): Node {
    const n = node('Include', this.next().line, { template: this.parseExpression(), ignoreMissing: false });
    if (this.isName('ignore') && this.look().t === 'name' && this.look().v === 'missing') {
      n.ignoreMissing = true;
      this.next();
      this.next();
    }
    return this.parseImportContext(n, true);
  }

  private parseImport(): Node {
    const n = node('Import', this.next().line, { template: this.parseExpression() });
    this.expect('name', 'as');
    n.target = String(this.expect('name').v);
    return this.parseImportContext(n, false);
  }

  private parseFrom(): Node {
    const n = node('FromImport', this.next().line, { template: this.parseExpression(), names: [] as [string, string][] });
    this.expect('name', 'import');
    const parseContext = (): boolean => {
      if ((this.isName('with') || this.isName('without')) && this.look().t === 'name' && this.look().v === 'context') {
        n.withContext = this.next().v === 'with';
        this.next();
        return true;
      }
      return false;
    };
    for (;;) {
      if (n.names.length > 0) this.expect(',');
      if (this.is('name')) {
        if (parseContext()) break;
        const tok = this.next();
        const target = String(tok.v);
        if (target.startsWith('_')) this.fail('names starting with an underline can not be imported', tok.line);
        const alias = this.skipName('as') ? String(this.expect('name').v) : target;
        n.names.push([target, alias]);
        if (parseContext() || !this.is(',')) break;
      } else this.expect('name');
    }
    n.withContext ??= false;
    return n;
  }

  private parseSignature(n: Node): void {
    const args: Node[] = [];
    const defaults: Node[] = [];
    this.expect('(');
    while (!this.is(')')) {
      if (args.length > 0) this.expect(',');
      const tok = this.expect('name');
      const arg = node('Name', tok.line, { name: String(tok.v), ctx: 'param' });
      if (this.skip('=')) defaults.push(this.parseExpression());
      else if (defaults.length > 0) this.fail('non-default argument follows default argument');
      args.push(arg);
    }
    this.expect(')');
    n.args = args;
    n.defaults = defaults;
  }

  private parseMacro(): Node {
    const n = node('Macro', this.next().line);
    n.name = String(this.expect('name').v);
    this.parseSignature(n);
    n.body = this.parseStatements(['endmacro'], true);
    return n;
  }

  private parseCallBlock(): Node {
    const n = node('CallBlock', this.next().line, { args: [], defaults: [] });
    if (this.is('(')) this.parseSignature(n);
    const call = this.parseExpression();
    if (call.k !== 'Call') this.fail('expected call', n.line);
    n.call = call;
    n.body = this.parseStatements(['endcall'], true);
    return n;
  }

  private parseSet(): Node {
    const line = this.next().line;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skip('=')) return node('Assign', line, { target, node: this.parseTuple({}) });
    const filter = this.is('|') ? this.parseFilter(null) : null;
    return node('AssignBlock', line, { target, filter, body: this.parseStatements(['endset'], true) });
  }

  private parseWith(): Node {
    const line = this.next().line;
    const targets: Node[] = [];
    const values: Node[] = [];
    while (!this.is('block_end')) {
      if (targets.length > 0) this.expect(',');
      const target = this.parseAssignTarget({});
      setCtx(target, 'param');
      targets.push(target);
      this.expect('=');
      values.push(this.parseExpression());
    }
    return node('With', line, { targets, values, body: this.parseStatements(['endwith'], true) });
  }

  private parseAssignTarget(o: { extraEnd?: string[]; withNamespace?: boolean }): Node {
    let target: Node;
    if (o.withNamespace && this.look().t === '.') {
      const tok = this.expect('name');
      this.next();
      const attr = this.expect('name');
      target = node('NSRef', tok.line, { name: String(tok.v), attr: String(attr.v) });
    } else {
      target = this.parseTuple({ simplified: true, extraEnd: o.extraEnd });
      setCtx(target, 'store');
    }
    if (!canAssign(target)) this.fail(`can't assign to ${JSON.stringify(target.k.toLowerCase()).replace(/"/g, "'")}`, target.line);
    return target;
  }

  parseExpression(withCondexpr = true): Node {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Node {
    const line = this.cur.line;
    let expr1 = this.parseOr();
    while (this.skipName('if')) {
      const test = this.parseOr();
      const expr2 = this.skipName('else') ? this.parseCondexpr() : null;
      expr1 = node('CondExpr', line, { test, expr1, expr2 });
    }
    return expr1;
  }

  private parseOr(): Node {
    const line = this.cur.line;
    let left = this.parseAnd();
    while (this.skipName('or')) left = node('Or', line, { left, right: this.parseAnd() });
    return left;
  }

  private parseAnd(): Node {
    const line = this.cur.line;
    let left = this.parseNot();
    while (this.skipName('and')) left = node('And', line, { left, right: this.parseNot() });
    return left;
  }

  private parseNot(): Node {
    if (this.isName('not')) {
      const line = this.next().line;
      return node('Not', line, { node: this.parseNot() });
    }
    return this.parseCompare();
  }

  private parseCompare(): Node {
    const line = this.cur.line;
    const expr = this.parseMath1();
    const ops: [string, Node][] = [];
    for (;;) {
      if (COMPARE.has(this.cur.t)) {
        const op = this.next().t;
        ops.push([op, this.parseMath1()]);
      } else if (this.skipName('in')) ops.push(['in', this.parseMath1()]);
      else if (this.isName('not') && this.look().t === 'name' && this.look().v === 'in') {
        this.next();
        this.next();
        ops.push(['notin', this.parseMath1()]);
      } else break;
    }
    return ops.length === 0 ? expr : node('Compare', line, { expr, ops });
  }

  private parseMath1(): Node {
    const line = this.cur.line;
    let left = this.parseConcat();
    while (this.is('+') || this.is('-')) {
      const op = this.next().t;
      left = node('BinOp', line, { op, left, right: this.parseConcat() });
    }
    return left;
  }

  private parseConcat(): Node {
    const line = this.cur.line;
    const args = [this.parseMath2()];
    while (this.skip('~')) args.push(this.parseMath2());
    return args.length === 1 ? (args[0] as Node) : node('Concat', line, { nodes: args });
  }

  private parseMath2(): Node {
    const line = this.cur.line;
    let left = this.parsePow();
    while (this.is('*') || this.is('/') || this.is('//') || this.is('%')) {
      const op = this.next().t;
      left = node('BinOp', line, { op, left, right: this.parsePow() });
    }
    return left;
  }

  private parsePow(): Node {
    const line = this.cur.line;
    let left = this.parseUnary();
    while (this.skip('**')) left = node('BinOp', line, { op: '**', left, right: this.parseUnary() });
    return left;
  }

  private parseUnary(withFilter = true): Node {
    const line = this.cur.line;
    let n: Node;
    if (this.skip('-')) n = node('Neg', line, { node: this.parseUnary(false) });
    else if (this.skip('+')) n = node('Pos', line, { node: this.parseUnary(false) });
    else n = this.parsePrimary();
    n = this.parsePostfix(n);
    if (withFilter) n = this.parseFilterExpr(n);
    return n;
  }

  private parsePrimary(): Node {
    const tok = this.cur;
    if (tok.t === 'name') {
      this.next();
      const v = String(tok.v);
      if (v === 'true' || v === 'True') return node('Const', tok.line, { value: true });
      if (v === 'false' || v === 'False') return node('Const', tok.line, { value: false });
      if (v === 'none' || v === 'None') return node('Const', tok.line, { value: null });
      return node('Name', tok.line, { name: v, ctx: 'load' });
    }
    if (tok.t === 'string') {
      let s = '';
      while (this.is('string')) s += String(this.next().v);
      return node('Const', tok.line, { value: s });
    }
    if (tok.t === 'integer') return node('Const', this.next().line, { value: tok.v });
    if (tok.t === 'float') return node('Const', this.next().line, { value: tok.v, float: true });
    if (tok.t === '(') {
      this.next();
      const n = this.parseTuple({ explicitParentheses: true });
      this.expect(')');
      return n;
    }
    if (tok.t === '[') return this.parseList();
    if (tok.t === '{') return this.parseDict();
    return this.fail(`unexpected '${describe(tok)}'`, tok.line);
  }

  parseTuple(o: { simplified?: boolean; withCondexpr?: boolean; extraEnd?: string[]; explicitParentheses?: boolean }): Node {
    const line = this.cur.line;
    const parse = o.simplified ? () => this.parsePrimary() : () => this.parseExpression(o.withCondexpr ?? true);
    const args: Node[] = [];
    let isTuple = false;
    for (;;) {
      if (args.length > 0) this.expect(',');
      if (this.isTupleEnd(o.extraEnd)) break;
      args.push(parse());
      if (this.is(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (args.length > 0) return args[0] as Node;
      if (!o.explicitParentheses) this.fail(`Expected an expression, got '${describe(this.cur)}'`);
    }
    return node('Tuple', line, { items: args, ctx: 'load' });
  }

  private isTupleEnd(extra?: string[]): boolean {
    if (this.is('var_end') || this.is('block_end') || this.is(')')) return true;
    return extra !== undefined && this.cur.t === 'name' && extra.includes(String(this.cur.v));
  }

  private parseList(): Node {
    const line = this.expect('[').line;
    const items: Node[] = [];
    while (!this.is(']')) {
      if (items.length > 0) this.expect(',');
      if (this.is(']')) break;
      items.push(this.parseExpression());
    }
    this.expect(']');
    return node('List', line, { items });
  }

  private parseDict(): Node {
    const line = this.expect('{').line;
    const items: [Node, Node][] = [];
    while (!this.is('}')) {
      if (items.length > 0) this.expect(',');
      if (this.is('}')) break;
      const key = this.parseExpression();
      this.expect(':');
      items.push([key, this.parseExpression()]);
    }
    this.expect('}');
    return node('Dict', line, { items });
  }

  private parsePostfix(n: Node): Node {
    for (;;) {
      if (this.is('.') || this.is('[')) n = this.parseSubscript(n);
      else if (this.is('(')) n = this.parseCall(n);
      else return n;
    }
  }

  private parseFilterExpr(n: Node): Node {
    for (;;) {
      if (this.is('|')) n = this.parseFilter(n);
      else if (this.isName('is')) n = this.parseTest(n);
      else if (this.is('(')) n = this.parseCall(n);
      else return n;
    }
  }

  private parseSubscript(n: Node): Node {
    const tok = this.next();
    if (tok.t === '.') {
      const attr = this.next();
      if (attr.t === 'name') return node('Getattr', tok.line, { node: n, attr: String(attr.v) });
      if (attr.t !== 'integer') this.fail('expected name or number', attr.line);
      return node('Getitem', tok.line, { node: n, arg: node('Const', attr.line, { value: attr.v }) });
    }
    const args: Node[] = [];
    while (!this.is(']')) {
      if (args.length > 0) this.expect(',');
      args.push(this.parseSubscribed());
    }
    this.expect(']');
    const arg = args.length === 1 ? (args[0] as Node) : node('Tuple', tok.line, { items: args, ctx: 'load' });
    return node('Getitem', tok.line, { node: n, arg });
  }

  private parseSubscribed(): Node {
    const line = this.cur.line;
    const args: (Node | null)[] = [];
    if (this.is(':')) {
      this.next();
      args.push(null);
    } else {
      const n = this.parseExpression();
      if (!this.is(':')) return n;
      this.next();
      args.push(n);
    }
    if (this.is(':')) args.push(null);
    else if (!this.is(']') && !this.is(',')) args.push(this.parseExpression());
    else args.push(null);
    if (this.is(':')) {
      this.next();
      args.push(!this.is(']') && !this.is(',') ? this.parseExpression() : null);
    } else args.push(null);
    return node('Slice', line, { start: args[0], stop: args[1], step: args[2] });
  }

  private parseCallArgs(): { args: Node[]; kwargs: [string, Node][]; dynArgs: Node | null; dynKwargs: Node | null } {
    const tok = this.expect('(');
    const args: Node[] = [];
    const kwargs: [string, Node][] = [];
    let dynArgs: Node | null = null;
    let dynKwargs: Node | null = null;
    let requireComma = false;
    const ensure = (ok: boolean): void => {
      if (!ok) this.fail('invalid syntax for function call expression', tok.line);
    };
    while (!this.is(')')) {
      if (requireComma) {
        this.expect(',');
        if (this.is(')')) break;
      }
      if (this.is('*')) {
        ensure(dynArgs === null && dynKwargs === null);
        this.next();
        dynArgs = this.parseExpression();
      } else if (this.is('**')) {
        ensure(dynKwargs === null);
        this.next();
        dynKwargs = this.parseExpression();
      } else if (this.is('name') && this.look().t === '=') {
        ensure(dynKwargs === null);
        const key = String(this.next().v);
        this.next();
        kwargs.push([key, this.parseExpression()]);
      } else {
        ensure(dynArgs === null && dynKwargs === null && kwargs.length === 0);
        args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expect(')');
    return { args, kwargs, dynArgs, dynKwargs };
  }

  private parseCall(n: Node): Node {
    const line = this.cur.line;
    return node('Call', line, { node: n, ...this.parseCallArgs() });
  }

  parseFilter(n: Node | null, startInline = false): Node {
    let result = n as Node;
    while (this.is('|') || startInline) {
      if (!startInline) this.next();
      const tok = this.expect('name');
      let name = String(tok.v);
      while (this.is('.')) {
        this.next();
        name += `.${String(this.expect('name').v)}`;
      }
      const call = this.is('(') ? this.parseCallArgs() : { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
      result = node('Filter', tok.line, { node: result, name, ...call });
      startInline = false;
    }
    return result;
  }

  private parseTest(n: Node): Node {
    const tok = this.next();
    const negated = this.skipName('not');
    let name = String(this.expect('name').v);
    while (this.is('.')) {
      this.next();
      name += `.${String(this.expect('name').v)}`;
    }
    let call: { args: Node[]; kwargs: [string, Node][]; dynArgs: Node | null; dynKwargs: Node | null } = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    if (this.is('(')) call = this.parseCallArgs();
    else if (['name', 'string', 'integer', 'float', '(', '[', '{'].includes(this.cur.t) && !this.isName('else') && !this.isName('or') && !this.isName('and')) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      call.args = [this.parsePostfix(this.parsePrimary())];
    }
    const test = node('Test', tok.line, { node: n, name, ...call });
    return negated ? node('Not', tok.line, { node: test }) : test;
  }
}

function setCtx(n: Node, ctx: string): void {
  if (n.k === 'Name') n.ctx = ctx;
  else if (n.k === 'Tuple') {
    n.ctx = ctx;
    for (const item of n.items as Node[]) setCtx(item, ctx);
  }
}

function canAssign(n: Node): boolean {
  if (n.k === 'Name') return !['true', 'false', 'none', 'True', 'False', 'None'].includes(n.name);
  if (n.k === 'NSRef') return true;
  if (n.k === 'Tuple') return (n.items as Node[]).every(canAssign);
  return false;
}

/** Parses normalised template source into its tree; throws {@link TemplateSyntaxError}. */
export function parse(source: string): Node {
  return new Parser(tokenize(source)).parseTemplate();
}
