import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceSpec } from '../family/types';
import { globMatcher } from './glob';

/** One file of a plugin folder, after layering. */
export interface LayeredFile {
  /** Path inside the plugin folder, `/`-separated. */
  path: string;
  /** Where the contents come from: an absolute file path, or the contents themselves. */
  source: string | Uint8Array;
  /** Where the file comes from, for messages (the source file's path, or the family file for generated files). */
  origin: string;
  /** Whether the source file is executable (it is then packed with mode 0755 instead of 0644). */
  executable: boolean;
}

/** The layered contents of one target. */
export interface LayeredTree {
  /** The files, keyed by path inside the plugin folder. */
  files: Map<string, LayeredFile>;
  /** The folders that exist in the sources (also empty ones, and ones holding only dot files). */
  dirs: Set<string>;
  /** The absolute path of the entry to bundle: `entry.ts` of the last source folder having one. */
  entry: string | undefined;
}

/** A source folder resolved against the family folder. */
export interface ResolvedSource {
  /** The absolute folder path. */
  dir: string;
  /** The filters of the source. */
  spec: SourceSpec;
}

const CODE_FILE = /\.(?:c|m)?tsx?$/;

/** Whether a name is never copied: dot files, TypeScript sources and dependency folders. */
function skippedName(name: string, isDir: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (isDir) return name === 'node_modules';
  return CODE_FILE.test(name);
}

/** Normalises a source given as a string or a spec. */
export function sourceSpec(source: string | SourceSpec): SourceSpec {
  return typeof source === 'string' ? { dir: source } : source;
}

/**
 * Layers the source folders of a target onto each other, later folders winning file by file, then the generated
 * files. Dot files, TypeScript files and `node_modules` are skipped; the filters of each source apply to it.
 *
 * @example
 * ```ts
 * const tree = await layerSources([{ dir: '/f/common', spec: { dir: 'common' } }], {}, (p) => p);
 * ```
 */
export async function layerSources(
  sources: readonly ResolvedSource[],
  generated: Readonly<Record<string, string | Uint8Array>>,
  display: (absPath: string) => string,
  generatedOrigin = 'generated',
): Promise<LayeredTree> {
  const files = new Map<string, LayeredFile>();
  const dirs = new Set<string>();
  let entry: string | undefined;
  for (const { dir, spec } of sources) {
    const excludes = (spec.exclude ?? []).map(globMatcher);
    const includes = (spec.include ?? []).map(globMatcher);
    const matches = (tests: ((p: string) => boolean)[], rel: string): boolean =>
      tests.length > 0 && ancestorsAndSelf(rel).some((p) => tests.some((t) => t(p)));
    const kept = (rel: string): boolean => !matches(excludes, rel) || matches(includes, rel);
    const walk = async (abs: string, rel: string): Promise<boolean> => {
      const names = (await readdir(abs)).sort();
      let keep = names.every((n) => n.startsWith('.'));
      for (const name of names) {
        const childAbs = join(abs, name);
        const childRel = rel === '' ? name : `${rel}/${name}`;
        const info = await stat(childAbs);
        if (skippedName(name, info.isDirectory()) || !kept(childRel)) continue;
        if (info.isDirectory()) {
          if (await walk(childAbs, childRel)) keep = true;
        } else if (info.isFile()) {
          files.set(childRel, { path: childRel, source: childAbs, origin: display(childAbs), executable: (info.mode & 0o111) !== 0 });
          keep = true;
        }
      }
      if (keep && rel !== '') dirs.add(rel);
      return keep;
    };
    await walk(dir, '');
    const candidate = join(dir, 'entry.ts');
    if ((await stat(candidate).catch(() => undefined))?.isFile()) entry = candidate;
  }
  for (const [path, contents] of Object.entries(generated)) {
    files.set(path, { path, source: typeof contents === 'string' ? Buffer.from(contents) : contents, origin: `${generatedOrigin} (files[${JSON.stringify(path)}])`, executable: false });
  }
  for (const path of files.keys()) for (const dir of ancestorsAndSelf(path).slice(0, -1)) dirs.add(dir);
  return { files, dirs, entry };
}

/** `a/b/c` → `['a', 'a/b', 'a/b/c']`. */
function ancestorsAndSelf(rel: string): string[] {
  const parts = rel.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
