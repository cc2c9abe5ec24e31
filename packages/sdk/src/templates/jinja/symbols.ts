/**
 * Jinja2's scoping rules (`idtracking.py`): which names a frame (the template, a loop body, a macro, a `with`...)
 * stores, and how each is initialised when the frame is entered: a parameter, an alias of the enclosing frame's
 * variable, a look-up in the context (`resolve`), or undefined.
 */
import type { Node } from './parser';

/** How a variable of a frame gets its value when the frame is entered. */
export type Load = { k: 'param' } | { k: 'resolve'; name: string } | { k: 'alias'; ident: string } | { k: 'undefined' };

function identOf(level: number, name: string): string {
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `u${Array.from(name, (c) => (c.codePointAt(0) as number).toString(16)).join('_')}`;
  return `l_${level}_${safe}`;
}

/** The symbols of one frame. */
export class Symbols {
  refs = new Map<string, string>();
  loads = new Map<string, Load>();
  stores = new Set<string>();
  constructor(
    readonly level: number,
    readonly parent?: Symbols,
  ) {}

  /** A frame nested in this one. */
  inner(): Symbols {
    return new Symbols(this.level + 1, this);
  }

  private define(name: string, load: Load): string {
    const ident = identOf(this.level, name);
    this.refs.set(name, ident);
    this.loads.set(ident, load);
    return ident;
  }

  findRef(name: string): string | undefined {
    for (let s: Symbols | undefined = this; s; s = s.parent) {
      const ref = s.refs.get(name);
      if (ref !== undefined) return ref;
    }
    return undefined;
  }

  ref(name: string): string {
    const ref = this.findRef(name);
    if (ref === undefined) throw new Error(`internal: no identifier for ${name}`);
    return ref;
  }

  declareParameter(name: string): string {
    this.stores.add(name);
    return this.define(name, { k: 'param' });
  }

  load(name: string): void {
    if (this.findRef(name) === undefined) this.define(name, { k: 'resolve', name });
  }

  store(name: string): void {
    this.stores.add(name);
    if (this.refs.has(name)) return;
    const outer = this.parent?.findRef(name);
    if (outer !== undefined) this.define(name, { k: 'alias', ident: outer });
    else this.define(name, { k: 'undefined' });
  }

  copy(): Symbols {
    const c = new Symbols(this.level, this.parent);
    c.refs = new Map(this.refs);
    c.loads = new Map(this.loads);
    c.stores = new Set(this.stores);
    return c;
  }

  branchUpdate(branches: Symbols[]): void {
    const counts = new Map<string, number>();
    for (const b of branches) {
      for (const target of b.stores) {
        if (this.stores.has(target)) continue;
        counts.set(target, (counts.get(target) ?? 0) + 1);
      }
    }
    for (const b of branches) {
      for (const [k, v] of b.refs) this.refs.set(k, v);
      for (const [k, v] of b.loads) this.loads.set(k, v);
      for (const s of b.stores) this.stores.add(s);
    }
    for (const [name, count] of counts) {
      if (count === branches.length) continue;
      const target = this.ref(name);
      const outer = this.parent?.findRef(name);
      this.loads.set(target, outer !== undefined ? { k: 'alias', ident: outer } : { k: 'resolve', name });
    }
  }

  /** The names stored in this frame and the enclosing ones, with their identifiers (inner first). */
  dumpStores(): Map<string, string> {
    const out = new Map<string, string>();
    for (let s: Symbols | undefined = this; s; s = s.parent) {
      for (const name of s.stores) if (!out.has(name)) out.set(name, s.ref(name));
    }
    return out;
  }
}

/** The child nodes of `n` in Jinja2's field order. */
export function childNodes(n: Node): Node[] {
  const out: Node[] = [];
  const add = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) add(y);
    else if (x && typeof x === 'object' && typeof (x as Node).k === 'string') out.push(x as Node);
  };
  switch (n.k) {
    case 'Template':
      add(n.body);
      break;
    case 'Output':
      add(n.nodes);
      break;
    case 'For':
      add([n.target, n.iter, n.body, n.else_, n.test]);
      break;
    case 'If':
      add([n.test, n.body, n.elif, n.else_]);
      break;
    case 'Macro':
      add([n.args, n.defaults, n.body]);
      break;
    case 'CallBlock':
      add([n.call, n.args, n.defaults, n.body]);
      break;
    case 'FilterBlock':
      add([n.body, n.filter]);
      break;
    case 'With':
      add([n.targets, n.values, n.body]);
      break;
    case 'Block':
      add(n.body);
      break;
    case 'Extends':
    case 'Include':
    case 'Import':
    case 'FromImport':
      add(n.template);
      break;
    case 'Assign':
      add([n.target, n.node]);
      break;
    case 'AssignBlock':
      add([n.target, n.filter, n.body]);
      break;
    case 'Autoescape':
      add([n.value, n.body]);
      break;
    case 'Tuple':
    case 'List':
      add(n.items);
      break;
    case 'Dict':
      for (const [k, v] of n.items as [Node, Node][]) add([k, v]);
      break;
    case 'CondExpr':
      add([n.test, n.expr1, n.expr2]);
      break;
    case 'BinOp':
    case 'And':
    case 'Or':
      add([n.left, n.right]);
      break;
    case 'Concat':
      add(n.nodes);
      break;
    case 'Not':
    case 'Neg':
    case 'Pos':
      add(n.node);
      break;
    case 'Compare':
      add(n.expr);
      for (const [, e] of n.ops as [string, Node][]) add(e);
      break;
    case 'Getattr':
      add(n.node);
      break;
    case 'Getitem':
      add([n.node, n.arg]);
      break;
    case 'Slice':
      add([n.start, n.stop, n.step]);
      break;
    case 'Call':
    case 'Filter':
    case 'Test':
      add([n.node, n.args]);
      for (const [, e] of n.kwargs as [string, Node][]) add(e);
      add([n.dynArgs, n.dynKwargs]);
      break;
    default:
      break;
  }
  return out;
}

/** Records the names `n` uses in the frame of `sym` (Jinja2's `FrameSymbolVisitor`). */
export function visitSymbols(sym: Symbols, n: Node, storeAsParam = false): void {
  switch (n.k) {
    case 'Name':
      if (storeAsParam || n.ctx === 'param') sym.declareParameter(n.name);
      else if (n.ctx === 'store') sym.store(n.name);
      else sym.load(n.name);
      return;
    case 'NSRef':
      sym.load(n.name);
      return;
    case 'Tuple':
      for (const item of n.items as Node[]) visitSymbols(sym, item, storeAsParam);
      return;
    case 'If': {
      visitSymbols(sym, n.test);
      const branch = (nodes: Node[]): Symbols => {
        const b = sym.copy();
        for (const x of nodes) visitSymbols(b, x);
        return b;
      };
      sym.branchUpdate([branch(n.body), branch(n.elif), branch(n.else_)]);
      return;
    }
    case 'Macro':
      sym.store(n.name);
      return;
    case 'Import':
      sym.store(n.target);
      return;
    case 'FromImport':
      for (const [, alias] of n.names as [string, string][]) sym.store(alias);
      return;
    case 'Assign':
      visitSymbols(sym, n.node);
      visitSymbols(sym, n.target);
      return;
    case 'For':
      visitSymbols(sym, n.iter);
      return;
    case 'CallBlock':
      visitSymbols(sym, n.call);
      return;
    case 'FilterBlock':
      visitSymbols(sym, n.filter);
      return;
    case 'With':
      for (const v of n.values as Node[]) visitSymbols(sym, v);
      return;
    case 'AssignBlock':
      visitSymbols(sym, n.target);
      return;
    case 'Block':
      return;
    default:
      for (const c of childNodes(n)) visitSymbols(sym, c);
  }
}

/** Whether `names` are loaded (used) in `nodes`, outside blocks (Jinja2's `find_undeclared`). */
export function findUndeclared(nodes: readonly Node[], names: readonly string[]): Set<string> {
  const found = new Set<string>();
  const wanted = new Set(names);
  const walk = (n: Node): void => {
    if (n.k === 'Block') return;
    if (n.k === 'Name') {
      if (n.ctx === 'load' && wanted.has(n.name)) found.add(n.name);
      else if (!found.has(n.name)) wanted.delete(n.name);
    }
    for (const c of childNodes(n)) walk(c);
  };
  for (const n of nodes) walk(n);
  return found;
}

/** Every node of `root` of kind `k` (depth first). */
export function findAll(root: Node | readonly Node[], k: string): Node[] {
  const out: Node[] = [];
  const walk = (n: Node): void => {
    if (n.k === k) out.push(n);
    for (const c of childNodes(n)) walk(c);
  };
  for (const n of Array.isArray(root) ? root : [root]) walk(n as Node);
  return out;
}
