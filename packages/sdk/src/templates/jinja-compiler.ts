/**
 * A nunjucks compiler that gives templates Jinja2's (Python's) semantics where provd templates depend on them:
 * truthiness of empty lists and dicts, `and`/`or` returning an operand, `==` without coercion, `in` on a missing
 * value, `+` on lists, `%` formatting, tuples, Python methods on strings and dicts, dict keys in one-variable loops,
 * `set` lasting one loop iteration, `loop.previtem`/`loop.nextitem`, 1-based error positions, and output through
 * the helper's escaping. What it emits calls the {@link JinjaRuntime} found at `env.provd` of the rendering
 * environment, so nothing of nunjucks is patched globally.
 */
import {
  NunjucksCompiler,
  forEachNode,
  TemplateDataNode,
  parseTemplate,
  transformTemplate,
  type NunjucksCompilerBase,
  type NunjucksNode,
} from './nunjucks-internals';

/** The functions compiled templates call at render time (installed as `env.provd`). */
export interface JinjaRuntime {
  /** Python truthiness. */
  truthy(value: unknown): boolean;
  /** Attribute or item lookup with Python string/dict methods. */
  member(obj: unknown, key: unknown): unknown;
  /** Python's `in`. */
  contains(item: unknown, container: unknown): boolean;
  /** The sequence a one-variable `for` loop walks: the keys of a dict, else the value itself. */
  iter(value: unknown): unknown;
  /** Python's `+`: lists concatenate, everything else as JavaScript adds. */
  add(left: unknown, right: unknown): unknown;
  /** A comparison (or chain of them): `left, op, right, op, right...`, with Python's `==`. */
  compare(left: unknown, ...opsAndOperands: unknown[]): boolean;
  /** Python's `~`: the texts of both sides joined. */
  concat(left: unknown, right: unknown): string;
  /** Python's `%`: string formatting when the left side is a string, else the remainder. */
  mod(left: unknown, right: unknown): unknown;
  /** Turns an expression's value into output text (escaping it when the render asks for it). */
  output(value: unknown): string;
}

/** The compiled form of a template: its root render function and one function per block. */
export type CompiledTemplate = Record<string, unknown>;

class JinjaCompiler extends NunjucksCompiler {
  /** The iterables of `for` loops with one loop variable, compiled through `env.provd.iter` (dicts give keys). */
  private readonly iterables = new Set<NunjucksNode>();
  /** How many `for` loops enclose the code being compiled. */
  private loopDepth = 0;
  /** Whether a `set` inside a loop is being compiled (its assignment stays in the loop, as in Jinja). */
  private localSet = false;

  override _compileExpression(node: NunjucksNode, frame: unknown): void {
    if (!this.iterables.delete(node)) return super._compileExpression(node, frame);
    this._emit('env.provd.iter(');
    super._compileExpression(node, frame);
    this._emit(')');
  }

  override compileFor(node: NunjucksNode, frame: unknown): void {
    if ((node.name as NunjucksNode).typename === 'Symbol') this.iterables.add(node.arr as NunjucksNode);
    this.loopDepth++;
    try {
      super.compileFor(node, frame);
    } finally {
      this.loopDepth--;
    }
  }

  override compileSet(node: NunjucksNode, frame: unknown): void {
    this.localSet = this.loopDepth > 0;
    try {
      super.compileSet(node, frame);
    } finally {
      this.localSet = false;
    }
  }

  /** Comparisons with Python's equality (`'1' == 1` is false) and chains (`a < b < c` is `a < b and b < c`). */
  compileCompare(node: NunjucksNode, frame: unknown): void {
    this._emit('env.provd.compare(');
    this.compile(node.expr as NunjucksNode, frame);
    for (const op of node.ops as NunjucksNode[]) {
      this._emit(`,${JSON.stringify(op.type)},`);
      this.compile(op.expr as NunjucksNode, frame);
    }
    this._emit(')');
  }

  /** `a ~ b` joins the texts of both sides (Python's `str()`). */
  compileConcat(node: NunjucksNode, frame: unknown): void {
    this.binary('concat', node, frame);
  }

  /** `(a, b)` is a tuple in Jinja (a JavaScript array here), not JavaScript's comma operator. */
  compileGroup(node: NunjucksNode, frame: unknown): void {
    const children = node.children as NunjucksNode[];
    this._emit(children.length > 1 ? '[' : '(');
    children.forEach((child, i) => {
      if (i > 0) this._emit(',');
      this._compileExpression(child, frame);
    });
    this._emit(children.length > 1 ? ']' : ')');
  }

  compileAdd(node: NunjucksNode, frame: unknown): void {
    this.binary('add', node, frame);
  }

  compileMod(node: NunjucksNode, frame: unknown): void {
    this.binary('mod', node, frame);
  }

  private binary(op: string, node: NunjucksNode, frame: unknown): void {
    this._emit(`env.provd.${op}(`);
    this.compile(node.left as NunjucksNode, frame);
    this._emit(',');
    this.compile(node.right as NunjucksNode, frame);
    this._emit(')');
  }

  /** Makes the line and column that runtime errors report 1-based (nunjucks records them 0-based). */
  override _emit(code: string): void {
    const call = /^\(lineno = (\d+), colno = (\d+), $/.exec(code);
    if (call) return super._emit(`(lineno = ${Number(call[1]) + 1}, colno = ${Number(call[2]) + 1}, `);
    if (this.localSet) {
      const set = /^frame\.set\(("[^"]*"), (t_\d+), true\);\n$/.exec(code);
      if (set) return super._emit(`frame.set(${set[1]}, ${set[2]});\n`);
    }
    const start = /^var lineno = (\d+);\n$/.exec(code);
    if (start) return super._emit(`var lineno = ${Number(start[1]) + 1};\n`);
    super._emit(code);
  }

  private wrap(before: string, node: NunjucksNode, frame: unknown, after: string): void {
    this._emit(before);
    this._compileExpression(node, frame);
    this._emit(after);
  }

  compileLookupVal(node: NunjucksNode, frame: unknown): void {
    this._emit('env.provd.member((');
    this._compileExpression(node.target as NunjucksNode, frame);
    this._emit('),');
    this._compileExpression(node.val as NunjucksNode, frame);
    this._emit(')');
  }

  compileOutput(node: NunjucksNode, frame: unknown): void {
    for (const child of node.children as NunjucksNode[]) {
      if (child instanceof TemplateDataNode) {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
      } else {
        this._emit(`${this.buffer} += env.provd.output(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }

  compileIf(node: NunjucksNode, frame: unknown, async?: boolean): void {
    this.wrap('if(env.provd.truthy(', node.cond as NunjucksNode, frame, ')) {\n');
    this._withScopedSyntax(() => {
      this.compile(node.body as NunjucksNode, frame);
      if (async) this._emit('cb()');
    });
    if (node.else_) {
      this._emitLine('}\nelse {');
      this._withScopedSyntax(() => {
        this.compile(node.else_ as NunjucksNode, frame);
        if (async) this._emit('cb()');
      });
    } else if (async) {
      this._emitLine('}\nelse {');
      this._emit('cb()');
    }
    this._emitLine('}');
  }

  compileInlineIf(node: NunjucksNode, frame: unknown): void {
    this.wrap('(env.provd.truthy(', node.cond as NunjucksNode, frame, ')?');
    this.compile(node.body as NunjucksNode, frame);
    this._emit(':');
    if (node.else_ !== null) this.compile(node.else_ as NunjucksNode, frame);
    else this._emit('""');
    this._emit(')');
  }

  compileOr(node: NunjucksNode, frame: unknown): void {
    this.logical(node, frame, '');
  }

  compileAnd(node: NunjucksNode, frame: unknown): void {
    this.logical(node, frame, '!');
  }

  /** `a or b` gives `a` when it is true, else `b`; `a and b` gives `a` when it is false, else `b` (b lazily). */
  private logical(node: NunjucksNode, frame: unknown, negate: string): void {
    this._emit(`(function(l){return ${negate}env.provd.truthy(l)?l:(`);
    this.compile(node.right as NunjucksNode, frame);
    this._emit(');})(');
    this.compile(node.left as NunjucksNode, frame);
    this._emit(')');
  }

  compileNot(node: NunjucksNode, frame: unknown): void {
    this.wrap('!env.provd.truthy(', node.target as NunjucksNode, frame, ')');
  }

  compileIn(node: NunjucksNode, frame: unknown): void {
    this.binary('contains', node, frame);
  }

  override _emitLoopBindings(node: NunjucksNode, arr: string, i: string, len: string): void {
    super._emitLoopBindings(node, arr, i, len);
    // A `set` in a loop body lasts for one iteration, as in Jinja: forget the previous iteration's values.
    for (const name of namesSetIn(node.body)) this._emitLine(`delete frame.variables[${JSON.stringify(name)}];`);
    this._emitLine(`frame.set("loop.previtem", Array.isArray(${arr}) && ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", Array.isArray(${arr}) ? ${arr}[${i} + 1] : undefined);`);
  }
}

/** The variable names that `set` tags assign in `node`, outside nested loops, macros and blocks. */
function namesSetIn(node: unknown): Set<string> {
  const names = new Set<string>();
  forEachNode(node, (n) => {
    if (n.typename === 'Set') {
      for (const target of n.targets as NunjucksNode[]) if (typeof target.value === 'string') names.add(target.value);
      return false;
    }
    return !['For', 'AsyncEach', 'AsyncAll', 'Macro', 'Block', 'Caller'].includes(n.typename);
  });
  return names;
}

/**
 * Turns template source into Jinja2's form before parsing: line breaks normalised to `\n` and one trailing newline
 * dropped (Jinja's `keep_trailing_newline=False`).
 */
export function normalizeSource(src: string): string {
  const text = src.replace(/\r\n?/g, '\n');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Compiles normalised template source; throws the nunjucks `TemplateError` (with line and column) on syntax errors. */
export function compileJinja(src: string, name: string): CompiledTemplate {
  const compiler = new JinjaCompiler(name, false) as unknown as NunjucksCompilerBase;
  compiler.compile(transformTemplate(parseTemplate(src), [], name));
  const code = compiler.getCode();
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- this is how nunjucks turns compiled code into functions
  return new Function(code)() as CompiledTemplate;
}
