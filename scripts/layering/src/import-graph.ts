/**
 * The import graph of TypeScript sources: which module imports which (relative imports resolved to files), and which
 * packages each module imports. Type-only imports count: a cycle of types is still a cycle of modules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One module and what it imports. */
export interface ModuleImports {
  /** Modules of the same package it imports, as absolute file paths. */
  modules: string[];
  /** Bare specifiers it imports (packages), e.g. `@provd/sdk` or `node:fs`. */
  packages: string[];
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The specifiers `source` imports or re-exports (static and literal dynamic imports), comments left out. */
export function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return [...code.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

/** The `.ts` sources under `dir` (recursively), tests, type tests and `node_modules`/`dist` left out. */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist' && name !== 'fixtures') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier of `from` names (`./x` → `x.ts` or `x/index.ts`), or `undefined`. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The import graph of `files`: for each file, the files (among any) and packages it imports. */
export function importGraph(files: readonly string[]): Map<string, ModuleImports> {
  const graph = new Map<string, ModuleImports>();
  for (const file of files) {
    const entry: ModuleImports = { modules: [], packages: [] };
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target) entry.modules.push(target);
      } else entry.packages.push(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
    graph.set(file, entry);
  }
  return graph;
}

/**
 * The cycles of a directed graph: every strongly connected component with more than one node, or a node that points
 * at itself, each as a list of nodes in one cycle order starting from its smallest node (Tarjan's algorithm).
 *
 * @example
 * ```ts
 * findCycles(new Map([['a', ['b']], ['b', ['a']], ['c', []]])); // [['a', 'b']]
 * ```
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        onStack.delete(top);
        component.push(top);
      } while (top !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((c) => cycleOrder(c, edges)).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** One cycle through the nodes of a strongly connected component, starting at its smallest node. */
function cycleOrder(component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first search for the shortest way back to `start`.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(next) && next !== start) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/** `path` relative to `root`, with `/` separators, for messages. */
export function rel(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
