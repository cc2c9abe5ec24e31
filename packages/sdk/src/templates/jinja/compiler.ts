/**
 * The Jinja2 code generator: a template tree to one JavaScript function per template and per block (no tree walk at
 * render time), following Jinja2 3.1's `compiler.py` for scoping, loops, macros, blocks and inheritance.
 */
import { TemplateSyntaxError } from './lexer';
import type { Node } from './parser';
import { Symbols, childNodes, findAll, findUndeclared, visitSymbols } from './symbols';

/** What the generated code needs to know about a filter or a test. */
export interface CallableSpec {
  /** Names of the parameters after the value. */
  params: readonly string[];
  /** How many of them are required. */
  required: number;
  /** Takes `*args, **kwargs` (called with an argument list and a keyword map). */
  varargs?: boolean;
  /** Why it is refused, when it is. */
  unsupported?: string;
}

/** The filters and tests the compiler accepts. */
export interface CompileSpecs {
  filters: Readonly<Record<string, CallableSpec>>;
  tests: Readonly<Record<string, CallableSpec>>;
}

interface Frame {
  sym: Symbols;
  /** The template's top level (or an `if` in it): assignments go to the context too. */
  toplevel: boolean;
  /** A block's top level. */
  block?: boolean;
  /** Inside an `if` or an inline `if`: an unknown filter or test is an error only when it runs (Jinja2's soft frame). */
  soft?: boolean;
  /** A constant `{{ }}` expression, which Jinja2 evaluates at compile time: a failed slice gives undefined. */
  folded?: boolean;
}

interface Fn {
  temps: number;
  /** Root function of a template that extends another: output only while no parent is set. */
  guard: boolean;
}

const js = JSON.stringify;

/** Compiles a parsed template to the source of a function `(r, F, T) => { root, blocks }`. */
export class Compiler {
  private readonly blocks = new Map<string, string>();
  private fn: Fn = { temps: 0, guard: false };
  private hasExtends = false;

  constructor(
    private readonly specs: CompileSpecs,
  ) {}

  private fail(message: string, line: number): never {
    throw new TemplateSyntaxError(message, line);
  }

  compileTemplate(tree: Node): string {
    const body: Node[] = tree.body;
    const seen = new Set<string>();
    for (const b of findAll(tree, 'Block')) {
      if (seen.has(b.name)) this.fail(`block '${b.name}' defined twice`, b.line);
      seen.add(b.name);
    }
    this.hasExtends = findAll(tree, 'Extends').length > 0;
    const sym = new Symbols(0);
    for (const n of body) visitSymbols(sym, n);
    const frame: Frame = { sym, toplevel: true };
    const rootCode = this.func({ temps: 0, guard: this.hasExtends }, () => {
      let code = 'let o="",p=null;const ae=ctx.ae,ef=ctx.ef,ec={ae,ef,ctx},P=r.printer(ae,ef);';
      code += this.selfRef(body, frame);
      code += this.enterFrame(sym);
      code += this.stmts(body, frame);
      code += this.hasExtends ? 'if(p!==null)return o+p.root(ctx);return o;' : 'return o;';
      return code;
    });
    let out = `const blocks={};`;
    for (const [name, code] of this.blocks) out += `blocks[${js(name)}]=${code};`;
    out += `function root(ctx){${rootCode}}return{root,blocks};`;
    return out;
  }

  private func(fn: Fn, build: () => string): string {
    const saved = this.fn;
    this.fn = fn;
    try {
      const code = build();
      const temps = Array.from({ length: fn.temps }, (_, i) => `t${i}`);
      return `let ln=1;${temps.length ? `let ${temps.join(',')};` : ''}try{${code}}catch(e){throw r.where(e,ctx,ln)}`;
    } finally {
      this.fn = saved;
    }
  }

  private temp(): string {
    return `t${this.fn.temps++}`;
  }

  private selfRef(body: readonly Node[], frame: Frame): string {
    if (!findUndeclared(body, ['self']).has('self')) return '';
    const ref = frame.sym.declareParameter('self');
    return `let ${ref}=r.selfRef(ctx);`;
  }

  private enterFrame(sym: Symbols): string {
    let code = '';
    for (const [ident, load] of sym.loads) {
      if (load.k === 'param') continue;
      if (load.k === 'resolve') code += `let ${ident}=ctx.resolve(${js(load.name)});`;
      else if (load.k === 'alias') code += `let ${ident}=${load.ident};`;
      else code += `let ${ident};`;
    }
    return code;
  }

  private emitOut(expr: string): string {
    return this.fn.guard ? `if(p===null)o+=${expr};` : `o+=${expr};`;
  }

  private stmts(nodes: readonly Node[], frame: Frame): string {
    let code = '';
    for (const n of nodes) code += this.stmt(n, frame);
    return code;
  }

  private stmt(n: Node, frame: Frame): string {
    const ln = `ln=${n.line};`;
    switch (n.k) {
      case 'Output': {
        let code = '';
        for (const c of n.nodes as Node[]) {
          if (c.k === 'TemplateData') {
            if (c.data !== '') code += this.emitOut(js(c.data));
          } else code += `ln=${c.line};${this.emitOut(`P(${this.expr(c, isConstant(c) ? { ...frame, folded: true } : frame)})`)}`;
        }
        return code;
      }
      case 'If': {
        const soft: Frame = { ...frame, soft: true };
        let code = `${ln}if(r.truthy(${this.expr(n.test, soft)})){${this.stmts(n.body, soft)}}`;
        for (const e of n.elif as Node[]) code += `else if(r.truthy(${this.expr(e.test, soft)})){${this.stmts(e.body, soft)}}`;
        if ((n.else_ as Node[]).length > 0) code += `else{${this.stmts(n.else_, soft)}}`;
        return code;
      }
      case 'For':
        return ln + this.forLoop(n, frame);
      case 'Assign':
        return ln + this.assign(n.target, this.expr(n.node, frame), frame);
      case 'AssignBlock': {
        const { inner, open, buf } = this.buffered(n.body, frame);
        let value = `(ae?new r.Markup(o):o)`;
        if (n.filter) value = this.filter(n.filter, inner, value);
        return `${ln}{${open}const v=(ae?r.markup(${value}):${value});o=${buf};${this.assign(n.target, 'v', frame)}}`;
      }
      case 'With': {
        const sym = frame.sym.inner();
        for (const t of n.targets as Node[]) visitSymbols(sym, t);
        for (const c of n.body as Node[]) visitSymbols(sym, c);
        const inner: Frame = { sym, toplevel: false };
        let code = `${ln}{${this.enterFrame(sym)}`;
        (n.targets as Node[]).forEach((t, i) => {
          code += this.assign(t, this.expr((n.values as Node[])[i] as Node, frame), inner, true);
        });
        return `${code}${this.stmts(n.body, inner)}}`;
      }
      case 'Macro': {
        const m = this.macro(n, frame, n.name);
        return ln + this.assign({ k: 'Name', line: n.line, name: n.name, ctx: 'store' }, m, frame);
      }
      case 'CallBlock': {
        const caller = this.macro(n, frame, 'caller');
        const call = this.call(n.call, frame, caller);
        return `${ln}${this.emitOut(`r.s(${call})`)}`;
      }
      case 'FilterBlock': {
        const { inner, open, buf } = this.buffered(n.body, frame);
        const value = this.filter(n.filter, inner, `(ae?new r.Markup(o):o)`);
        return `${ln}{${open}const v=${value};o=${buf};${this.emitOut('r.written(v)')}}`;
      }
      case 'Block':
        return ln + this.block(n, frame);
      case 'Extends': {
        if (!frame.toplevel) this.fail('cannot use extend from a non top-level scope', n.line);
        return `${ln}if(p!==null)throw r.error("extended multiple times");p=r.parentTemplate(ctx,${this.expr(n.template, frame)});`;
      }
      case 'Include': {
        const locals = this.locals(frame);
        return `${ln}${this.emitOut(`r.include(ctx,${this.expr(n.template, frame)},${n.ignoreMissing},${n.withContext ? locals : 'null'})`)}`;
      }
      case 'Import': {
        const mod = `r.importModule(ctx,${this.expr(n.template, frame)},${n.withContext ? this.locals(frame) : 'null'})`;
        return ln + this.assign({ k: 'Name', line: n.line, name: n.target, ctx: 'store' }, mod, frame);
      }
      case 'FromImport': {
        const mod = this.temp();
        let code = `${ln}${mod}=r.importModule(ctx,${this.expr(n.template, frame)},${n.withContext ? this.locals(frame) : 'null'});`;
        for (const [name, alias] of n.names as [string, string][]) {
          code += this.assign({ k: 'Name', line: n.line, name: alias, ctx: 'store' }, `r.fromImport(${mod},${js(name)})`, frame);
        }
        return code;
      }
      case 'Autoescape': {
        if (n.value.k !== 'Const' || typeof n.value.value !== 'boolean') this.fail('unsupported: autoescape with a value that is not true or false', n.line);
        const on = n.value.value as boolean;
        return `${ln}{const ae=${on},ef=${on ? 'ctx.ef||r.htmlEscape' : 'null'},ec={ae,ef,ctx},P=r.printer(ae,ef);${this.stmts(n.body, frame)}}`;
      }
      default:
        return this.fail(`unsupported: ${n.k}`, n.line);
    }
  }

  /** The code rendering `body` in a frame of its own into a fresh `o` (the outer text kept in `buf`). */
  private buffered(body: readonly Node[], frame: Frame): { inner: Frame; open: string; buf: string } {
    const sym = frame.sym.inner();
    for (const c of body) visitSymbols(sym, c);
    const inner: Frame = { sym, toplevel: false };
    const saved = this.fn.guard;
    this.fn.guard = false;
    const code = this.stmts(body, inner);
    this.fn.guard = saved;
    const buf = this.temp();
    return { inner, buf, open: `const ${buf}=o;o="";${this.enterFrame(sym)}${code}` };
  }

  /** The object of the local variables stored so far (what `include` and scoped blocks see). */
  private locals(frame: Frame): string {
    const parts: string[] = [];
    for (const [name, ident] of frame.sym.dumpStores()) parts.push(`${js(name)}:${ident}`);
    return `{${parts.join(',')}}`;
  }

  private assign(target: Node, value: string, frame: Frame, declared = false): string {
    if (target.k === 'NSRef') return `r.nsSet(${frame.sym.ref(target.name)},${js(target.attr)},${value});`;
    if (target.k === 'Name') {
      const ref = frame.sym.ref(target.name);
      let code = `${declared && frame.sym.loads.get(ref)?.k === 'param' ? 'let ' : ''}${ref}=${value};`;
      if (frame.toplevel) {
        code += `ctx.vars[${js(target.name)}]=${ref};`;
        if (!target.name.startsWith('_')) code += `ctx.exported.add(${js(target.name)});`;
      }
      return code;
    }
    if (target.k === 'Tuple') {
      const items = target.items as Node[];
      const t = this.temp();
      return `${t}=r.unpack(${value},${items.length});` + items.map((item, i) => this.assign(item, `${t}[${i}]`, frame, declared)).join('');
    }
    return this.fail(`can't assign to ${target.k}`, target.line);
  }

  private forLoop(n: Node, frame: Frame): string {
    for (const name of findAll(n.target, 'Name')) if (name.name === 'loop') this.fail("Can't assign to special loop variable in for-loop target", name.line);
    const extended = n.recursive || findUndeclared(n.body, ['loop']).has('loop') || findAll(n.body, 'Block').some((b) => b.scoped);
    const loopSym = frame.sym.inner();
    const loopRef = extended ? loopSym.declareParameter('loop') : null;
    visitSymbols(loopSym, n.target, true);
    for (const c of n.body as Node[]) visitSymbols(loopSym, c);
    const loopFrame: Frame = { sym: loopSym, toplevel: false };
    const it = this.temp();
    const i = this.temp();
    const lp = this.temp();
    let filter = '';
    if (n.test) {
      const testSym = frame.sym.inner();
      visitSymbols(testSym, n.target, true);
      visitSymbols(testSym, n.test);
      const testFrame: Frame = { sym: testSym, toplevel: false };
      filter = `${it}=${it}.filter((item)=>{${this.assign(n.target, 'item', testFrame, true)}${this.enterFrame(testSym)}return r.truthy(${this.expr(n.test, testFrame)});});`;
    }
    let elseCode = '';
    if ((n.else_ as Node[]).length > 0) {
      const elseSym = frame.sym.inner();
      for (const c of n.else_ as Node[]) visitSymbols(elseSym, c);
      elseCode = `if(${it}.length===0){${this.enterFrame(elseSym)}${this.stmts(n.else_, { sym: elseSym, toplevel: false })}}`;
    }
    const body = (): string => {
      let code = `for(let ${i}=0;${i}<${it}.length;${i}++){`;
      code += this.assign(n.target, `${it}[${i}]`, loopFrame, true);
      if (loopRef) code += `${lp}.i=${i};let ${loopRef}=${lp};`;
      code += this.enterFrame(loopSym);
      code += this.stmts(n.body, loopFrame);
      return `${code}}`;
    };
    if (!n.recursive) {
      let code = `${it}=r.iter(${this.expr(n.iter, frame)});${filter}`;
      if (loopRef) code += `${lp}=new r.Loop(${it},0,null);`;
      return `${code}${body()}${elseCode}`;
    }
    // A recursive loop is a function of the iterable and the depth; `loop(children)` calls it again.
    const saved = this.fn;
    this.fn = { temps: saved.temps, guard: false };
    const fnName = this.temp();
    const inner = `${it}=r.iter(v);${filter}${lp}=new r.Loop(${it},d,${fnName});let o="";${body()}${elseCode}return ae?new r.Markup(o):o;`;
    const temps = this.fn.temps;
    this.fn = saved;
    this.fn.temps = Math.max(this.fn.temps, temps);
    return `${fnName}=(v,d)=>{let ${it},${lp};${inner}};${this.emitOut(`r.s(${fnName}(${this.expr(n.iter, frame)},0))`)}`;
  }

  private macro(n: Node, frame: Frame, name: string): string {
    const sym = frame.sym.inner();
    const args = n.args as Node[];
    const defaults = n.defaults as Node[];
    let explicitCaller = -1;
    const skip = new Set<string>();
    args.forEach((a, idx) => {
      if (a.name === 'caller') explicitCaller = idx;
      if (a.name === 'kwargs' || a.name === 'varargs') skip.add(a.name);
    });
    for (const a of args) sym.declareParameter(a.name);
    const undeclared = findUndeclared(n.body, ['caller', 'kwargs', 'varargs']);
    const special: string[] = [];
    let usesCaller = false;
    if (undeclared.has('caller')) {
      if (explicitCaller >= 0) {
        if (explicitCaller - args.length + defaults.length < 0) {
          this.fail("When defining macros or call blocks the special 'caller' argument must be omitted or be given a default.", n.line);
        }
      } else {
        special.push(sym.declareParameter('caller'));
        usesCaller = true;
      }
    }
    const catchKwargs = undeclared.has('kwargs') && !skip.has('kwargs');
    if (catchKwargs) special.push(sym.declareParameter('kwargs'));
    const catchVarargs = undeclared.has('varargs') && !skip.has('varargs');
    if (catchVarargs) special.push(sym.declareParameter('varargs'));
    for (const d of defaults) visitSymbols(sym, d);
    for (const c of n.body as Node[]) visitSymbols(sym, c);
    const mframe: Frame = { sym, toplevel: false };
    const params = [...args.map((a) => sym.ref(a.name)), ...special];
    const saved = this.fn;
    this.fn = { temps: 0, guard: false };
    let code = 'let o="";';
    // Parameters first (defaults may use them), then the other variables of the frame.
    args.forEach((a, idx) => {
      const ref = sym.ref(a.name);
      const d = defaults[idx - args.length + defaults.length];
      code += `if(${ref}===r.MISSING)${ref}=${d ? this.expr(d, mframe) : 'undefined'};`;
    });
    code = this.enterFrame(sym) + code;
    code += this.stmts(n.body, mframe);
    code += 'return o;';
    const temps = Array.from({ length: this.fn.temps }, (_, i) => `t${i}`);
    this.fn = saved;
    const fnCode = `function(${params.join(',')}){let ln=${n.line};${temps.length ? `let ${temps.join(',')};` : ''}try{${code}}catch(e){throw r.where(e,ctx,ln)}}`;
    const defaultNames = defaults.length ? args.slice(args.length - defaults.length).map((a) => a.name) : [];
    return `new r.Macro(${js(name)},${js(args.map((a) => a.name))},${js(defaultNames)},${usesCaller},${catchKwargs},${catchVarargs},${explicitCaller >= 0},${fnCode})`;
  }

  private block(n: Node, frame: Frame): string {
    const sym = new Symbols(0);
    const bframe: Frame = { sym, toplevel: false, block: true };
    const saved = this.fn;
    const blockFn = this.func({ temps: 0, guard: false }, () => {
      let code = 'ln=' + n.line + ';let o="";const ae=ctx.ae,ef=ctx.ef,ec={ae,ef,ctx},P=r.printer(ae,ef);';
      code += this.selfRef(n.body, bframe);
      if (findUndeclared(n.body, ['super']).has('super')) code += `let ${sym.declareParameter('super')}=r.superBlock(ctx,${js(n.name)},blocks[${js(n.name)}]);`;
      for (const c of n.body as Node[]) visitSymbols(sym, c);
      if (n.required) return `throw r.error(${js(`Required block '${n.name}' not found.`)});`;
      code += this.enterFrame(sym);
      code += this.stmts(n.body, bframe);
      return `${code}return o;`;
    });
    this.fn = saved;
    this.blocks.set(n.name, `function(ctx){${blockFn}}`);
    const target = n.scoped ? `ctx.derived(${this.locals(frame)})` : 'ctx';
    return this.emitOut(`r.renderBlock(ctx,${js(n.name)},${target})`);
  }

  // ---- expressions ----

  private expr(n: Node, frame: Frame): string {
    switch (n.k) {
      case 'Const':
        if (n.value === null) return 'null';
        if (typeof n.value === 'number' && n.float && Number.isInteger(n.value)) return `r.float(${n.value})`;
        return typeof n.value === 'number' && Object.is(n.value, -0) ? '-0' : js(n.value);
      case 'Name':
        return frame.sym.ref(n.name);
      case 'Tuple':
        return `r.tuple([${(n.items as Node[]).map((x) => this.expr(x, frame)).join(',')}])`;
      case 'List':
        return `[${(n.items as Node[]).map((x) => this.expr(x, frame)).join(',')}]`;
      case 'Dict':
        return `r.dict([${(n.items as [Node, Node][]).map(([k, v]) => `[${this.expr(k, frame)},${this.expr(v, frame)}]`).join(',')}])`;
      case 'CondExpr': {
        const soft: Frame = { ...frame, soft: true };
        return `(r.truthy(${this.expr(n.test, soft)})?${this.expr(n.expr1, soft)}:${n.expr2 ? this.expr(n.expr2, soft) : 'undefined'})`;
      }
      case 'And': {
        const t = this.temp();
        return `(r.truthy(${t}=${this.expr(n.left, frame)})?${this.expr(n.right, frame)}:${t})`;
      }
      case 'Or': {
        const t = this.temp();
        return `(r.truthy(${t}=${this.expr(n.left, frame)})?${t}:${this.expr(n.right, frame)})`;
      }
      case 'Not':
        return `!r.truthy(${this.expr(n.node, frame)})`;
      case 'Neg':
        return `r.neg(${this.expr(n.node, frame)})`;
      case 'Pos':
        return `r.pos(${this.expr(n.node, frame)})`;
      case 'BinOp': {
        const fn = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod', '**': 'pow' }[n.op as string];
        return `r.${fn}(${this.expr(n.left, frame)},${this.expr(n.right, frame)})`;
      }
      case 'Concat':
        return `r.concat(ae,[${(n.nodes as Node[]).map((x) => this.expr(x, frame)).join(',')}])`;
      case 'Compare': {
        const ops = n.ops as [string, Node][];
        if (ops.length === 1) {
          const [op, right] = ops[0] as [string, Node];
          return compareCode(op, this.expr(n.expr, frame), this.expr(right, frame));
        }
        const temps = ops.map(() => this.temp());
        let left = this.expr(n.expr, frame);
        const parts: string[] = [];
        ops.forEach(([op, right], i) => {
          const t = temps[i] as string;
          parts.push(compareCode(op, left, `(${t}=${this.expr(right, frame)})`));
          left = t;
        });
        return `(${parts.join('&&')})`;
      }
      case 'Getattr':
        if (n.attr.startsWith('__')) this.fail(`unsupported: the Python attribute ${n.attr}`, n.line);
        return `r.getattr(${this.expr(n.node, frame)},${js(n.attr)})`;
      case 'Getitem':
        if (n.arg.k === 'Slice') {
          const s = n.arg;
          const part = (x: Node | null): string => (x ? this.expr(x, frame) : 'null');
          // Jinja2 folds a constant `{{ }}` at compile time, slicing through its lenient getitem: an error gives undefined.
          return `r.slice(${this.expr(n.node, frame)},${part(s.start)},${part(s.stop)},${part(s.step)}${frame.folded ? ',true' : ''})`;
        }
        if (n.arg.k === 'Const' && typeof n.arg.value === 'string' && n.arg.value.startsWith('__')) this.fail(`unsupported: the Python attribute ${n.arg.value}`, n.line);
        return `r.getitem(${this.expr(n.node, frame)},${this.expr(n.arg, frame)})`;
      case 'Slice':
        return this.fail('unsupported: a slice outside of a subscript', n.line);
      case 'Call':
        return this.call(n, frame, null);
      case 'Filter':
        return this.filter(n, frame, null);
      case 'Test':
        return this.test(n, frame);
      case 'NSRef':
        return this.fail('unsupported: namespace reference in an expression', n.line);
      default:
        return this.fail(`unsupported expression: ${n.k}`, n.line);
    }
  }

  private args(n: Node, frame: Frame): { args: string; kwargs: string; simple: boolean } {
    let args = `[${(n.args as Node[]).map((a) => this.expr(a, frame)).join(',')}]`;
    if (n.dynArgs) args = `r.starArgs(${args},${this.expr(n.dynArgs, frame)})`;
    const kw = n.kwargs as [string, Node][];
    let kwargs = kw.length ? `new Map([${kw.map(([k, v]) => `[${js(k)},${this.expr(v, frame)}]`).join(',')}])` : 'null';
    if (n.dynKwargs) kwargs = `r.starKwargs(${kwargs},${this.expr(n.dynKwargs, frame)})`;
    return { args, kwargs, simple: !n.dynArgs && !n.dynKwargs && kw.length === 0 };
  }

  private call(n: Node, frame: Frame, caller: string | null): string {
    const { args } = this.args(n, frame);
    let { kwargs } = this.args(n, frame);
    if (caller) kwargs = `r.withCaller(${kwargs},${caller})`;
    return `r.call(ec,${this.expr(n.node, frame)},${args},${kwargs})`;
  }

  /**
   * Checks a filter or test call: an unknown name is a compile error (outside `if`, as in Jinja2), a construct provd
   * refuses always is; wrong arguments are an error when the call runs (a Python TypeError in Jinja2). Returns the
   * code that throws instead of the call, if any.
   */
  private checkSpec(kind: 'filter' | 'test', n: Node, frame: Frame): string | null {
    const table = kind === 'filter' ? this.specs.filters : this.specs.tests;
    const spec = Object.hasOwn(table, n.name) ? table[n.name] : undefined;
    const raise = (message: string): string => `r.raise(${js(message)})`;
    if (!spec) {
      const message = `No ${kind} named '${n.name}'.`;
      if (frame.soft) return raise(message);
      this.fail(message, n.line);
    }
    if (spec.unsupported) this.fail(`unsupported: the ${kind} '${n.name}' (${spec.unsupported})`, n.line);
    if (spec.varargs || n.dynArgs || n.dynKwargs) return null;
    const args = n.args as Node[];
    const kw = n.kwargs as [string, Node][];
    if (args.length > spec.params.length) return raise(`the ${kind} '${n.name}' takes at most ${spec.params.length} argument(s), ${args.length} given`);
    for (const [k] of kw) {
      const at = spec.params.indexOf(k);
      if (at < 0) return raise(`the ${kind} '${n.name}' has no argument '${k}'`);
      if (at < args.length) return raise(`the ${kind} '${n.name}' got multiple values for argument '${k}'`);
    }
    for (let i = args.length; i < spec.required; i++) {
      if (!kw.some(([k]) => k === spec.params[i])) return raise(`the ${kind} '${n.name}' is missing its argument '${spec.params[i]}'`);
    }
    return null;
  }

  private filter(n: Node, frame: Frame, input: string | null): string {
    const value = n.node ? (n.node.k === 'Filter' ? this.filter(n.node, frame, input) : this.expr(n.node, frame)) : (input as string);
    const bad = this.checkSpec('filter', n, frame);
    if (bad) return `(${value},${bad})`;
    const spec = this.specs.filters[n.name] as CallableSpec;
    const { args, kwargs, simple } = this.args(n, frame);
    if (spec.varargs) return `F[${js(n.name)}](ec,${value},${args},${kwargs})`;
    if (simple) return `F[${js(n.name)}](ec,${value}${(n.args as Node[]).map((a) => `,${this.expr(a, frame)}`).join('')})`;
    return `r.callFilter(F,${js(n.name)},ec,${value},${args},${kwargs})`;
  }

  private test(n: Node, frame: Frame): string {
    const value = this.expr(n.node, frame);
    const bad = this.checkSpec('test', n, frame);
    if (bad) return `(${value},${bad})`;
    const spec = this.specs.tests[n.name] as CallableSpec;
    const { args, kwargs, simple } = this.args(n, frame);
    if (spec.varargs) return `T[${js(n.name)}](ec,${value},${args},${kwargs})`;
    if (simple) return `T[${js(n.name)}](ec,${value}${(n.args as Node[]).map((a) => `,${this.expr(a, frame)}`).join('')})`;
    return `r.callFilter(T,${js(n.name)},ec,${value},${args},${kwargs})`;
  }
}

/** Filters Jinja2's optimizer cannot fold (they take the render context). */
const CONTEXT_FILTERS = new Set(['map', 'select', 'reject', 'selectattr', 'rejectattr', 'random']);

/** Whether Jinja2's optimizer folds `n` to a constant at compile time (names and context filters prevent it). */
function isConstant(n: Node): boolean {
  switch (n.k) {
    case 'Const':
      return true;
    case 'Tuple':
    case 'List':
      return (n.items as Node[]).every(isConstant);
    case 'Dict':
      return (n.items as [Node, Node][]).every(([k, v]) => isConstant(k) && isConstant(v));
    case 'Filter':
    case 'Test':
    case 'Call':
      if (n.k === 'Filter' && CONTEXT_FILTERS.has(n.name)) return false;
      return (n.node === null || isConstant(n.node)) && (n.args as Node[]).every(isConstant) && (n.kwargs as [string, Node][]).every(([, v]) => isConstant(v)) && !n.dynArgs && !n.dynKwargs;
    case 'Slice':
      return [n.start, n.stop, n.step].every((x: Node | null) => x === null || isConstant(x));
    case 'CondExpr':
      return isConstant(n.test) && isConstant(n.expr1) && (n.expr2 === null || isConstant(n.expr2));
    default: {
      const kids = childNodes(n);
      return ['BinOp', 'Concat', 'Compare', 'And', 'Or', 'Not', 'Neg', 'Pos', 'Getattr', 'Getitem'].includes(n.k) && kids.every(isConstant);
    }
  }
}

function compareCode(op: string, a: string, b: string): string {
  switch (op) {
    case '==':
      return `r.eq(${a},${b})`;
    case '!=':
      return `!r.eq(${a},${b})`;
    case 'in':
      return `r.contains(${b},${a})`;
    case 'notin':
      return `!r.contains(${b},${a})`;
    default:
      return `r.cmp(${a},${b},${js(op)})`;
  }
}
