/**
 * The layering rules of the workspace, checked on its sources: no import cycle between the modules of a package nor
 * between packages, and plugin-facing code (the SDK and the plugins) importing no host machinery.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCycles, importGraph, rel, sourceFiles } from './import-graph';

/** One workspace package: its name, folder and source files. */
export interface WorkspacePackage {
  /** The package name, e.g. `@provd/sdk`. */
  name: string;
  /** Its folder, absolute. */
  dir: string;
  /** Whether plugins build on it or it is a plugin: it may import only `@provd/sdk` among workspace packages. */
  pluginFacing: boolean;
  /** Its sources (no tests), absolute. */
  files: string[];
}

/** The packages that only host and tools use; a plugin-facing package must not import them. */
export const HOST_MACHINERY: readonly string[] = ['@provd/core', '@provd/firmware', '@provd/build', '@provd/host'];

/** The source folders of a package: `src/`, or for a plugin family every folder holding its code. */
function sourceDirs(dir: string): string[] {
  if (existsSync(join(dir, 'src'))) return [join(dir, 'src')];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['node_modules', 'dist', 'test'].includes(e.name))
    .map((e) => join(dir, e.name));
}

/** The workspace packages under `root` (`packages/*`, `examples/*`), the SDK and the plugins marked plugin-facing. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const top of ['packages', 'examples']) {
    const topDir = join(root, top);
    if (!existsSync(topDir)) continue;
    for (const name of readdirSync(topDir).sort()) {
      const dir = join(topDir, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; keywords?: string[] };
      const isPlugin = top === 'examples' || (pkg.keywords ?? []).includes('provd-plugin');
      out.push({ name: pkg.name, dir, pluginFacing: pkg.name === '@provd/sdk' || isPlugin, files: sourceDirs(dir).flatMap(sourceFiles) });
    }
  }
  return out;
}

/** A breach of the layering rules, as one readable line. */
export type LayeringProblem = string;

/**
 * Every breach of the layering rules in `packages`: module cycles inside a package, cycles between packages, and
 * plugin-facing packages importing host machinery (`HOST_MACHINERY`). Paths are given relative to `root`.
 *
 * @example
 * ```ts
 * expect(layeringProblems(repoRoot, workspacePackages(repoRoot))).toEqual([]);
 * ```
 */
export function layeringProblems(root: string, packages: readonly WorkspacePackage[]): LayeringProblem[] {
  const problems: LayeringProblem[] = [];
  const names = new Set(packages.map((p) => p.name));
  const packageEdges = new Map<string, string[]>();
  for (const pkg of packages) {
    const graph = importGraph(pkg.files);
    const edges = new Map([...graph].map(([file, imports]) => [file, imports.modules]));
    for (const cycle of findCycles(edges)) {
      problems.push(`${pkg.name}: import cycle ${[...cycle, cycle[0]!].map((f) => rel(root, f)).join(' -> ')}`);
    }
    const used = new Set<string>();
    for (const [file, imports] of graph) {
      for (const target of imports.packages) {
        if (!names.has(target) || target === pkg.name) continue;
        used.add(target);
        if (pkg.pluginFacing && HOST_MACHINERY.includes(target)) problems.push(`${pkg.name}: ${rel(root, file)} imports host machinery ${target}`);
      }
    }
    packageEdges.set(pkg.name, [...used].sort());
  }
  for (const cycle of findCycles(packageEdges)) problems.push(`package import cycle ${[...cycle, cycle[0]!].join(' -> ')}`);
  return problems;
}
