/**
 * The template loader: finds a template by name in an ordered list of folders (custom before default), reads it
 * as strict UTF-8, and compiles it with provd's Jinja2 engine (`jinja/`). Compiled templates are cached per file and reused while
 * the file's size and modification time are unchanged. Which file a name resolves to comes from
 * {@link TemplateFiles} (the folders listed once and watched), so a look-up costs no file-system call and a
 * template dropped into the custom folder still takes effect on the next render without a restart.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { createProvdError } from '../errors/sdk-errors';
import { compileTemplate, TemplateSyntaxError } from './jinja/environment';
import { TemplateNotFound, type CompiledTemplate } from './jinja/runtime';
import { TemplateFiles } from './template-files';
import { normalizeTemplateName } from './template-name';

/** Where a template name resolved to. */
export interface ResolvedTemplate {
  /** The normalised template name, e.g. `base.tpl`. */
  name: string;
  /** The absolute path of the file. */
  path: string;
  /** The index of the search folder it was found in (0 is searched first). */
  index: number;
  /** The file's metadata when it was found. */
  stats: Stats;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  ino: number;
  compiled: CompiledTemplate;
}

function statFile(path: string): Stats | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() ? stats : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How many names a loader remembers the candidate paths of before it forgets them all. */
const MAX_REMEMBERED_NAMES = 1024;

/** Loads and compiles templates from ordered search folders. */
export class TemplateLoader {
  private readonly compiled = new Map<string, CacheEntry>();
  /** Per name as given: its normal form and its path in each search folder (pure string work, kept to save it). */
  private readonly candidates = new Map<string, { normal: string; paths: string[] }>();
  /** The files of the search folders, listed once and watched. */
  private readonly files: TemplateFiles;

  /**
   * @param searchPaths - absolute folders, searched in order.
   * @param displayBase - folder that paths in error messages are relative to.
   */
  constructor(
    readonly searchPaths: readonly string[],
    private readonly displayBase: string,
  ) {
    this.files = new TemplateFiles(searchPaths);
  }

  /** Finds `name` in the search folders; `undefined` when no folder has it. Throws on an invalid name. */
  find(name: string): ResolvedTemplate | undefined {
    const { normal } = this.candidatesOf(name);
    const found = this.files.find(normal);
    return found && { name: normal, ...found };
  }

  /** Stops watching the template folders (look-ups then check the files each time). */
  close(): void {
    this.files.close();
  }

  /** The normal form of `name` and its path in each search folder (the files are looked at by {@link find}). */
  private candidatesOf(name: string): { normal: string; paths: string[] } {
    let known = this.candidates.get(name);
    if (!known) {
      const normal = normalizeTemplateName(name);
      known = { normal, paths: this.searchPaths.map((dir) => join(dir, normal)) };
      if (this.candidates.size >= MAX_REMEMBERED_NAMES) this.candidates.clear();
      this.candidates.set(name, known);
    }
    return known;
  }

  /** The path of `file` as error messages show it. */
  display(file: string): string {
    return relative(this.displayBase, file) || file;
  }

  /** Compiles the file at `path` (cached while it is unchanged). Throws `PROVD_TEMPLATE_*` errors. */
  compile(path: string, name: string, stats: Stats | undefined = statFile(path)): CompiledTemplate {
    const cached = this.compiled.get(path);
    if (stats && cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size && cached.ino === stats.ino) {
      return cached.compiled;
    }
    const file = this.display(path);
    let text: string;
    try {
      text = utf8.decode(readFileSync(path));
    } catch (err) {
      if (err instanceof TypeError) throw createProvdError('PROVD_TEMPLATE_NOT_UTF8', { file }, { cause: err });
      throw createProvdError('PROVD_TEMPLATE_NOT_FOUND', { name, dirs: this.searchPaths.map((d) => this.display(d)) }, { cause: err });
    }
    const compiled = compileSourceOrThrow(text, name, file);
    if (stats) this.compiled.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino, compiled });
    return compiled;
  }

  /**
   * Compiles the template `name` that resolved to `path` (a {@link find} earlier): with the metadata of the listing
   * when the name still resolves there (kept current by the folder watches: no `stat` per render), else of a `stat`.
   */
  compileFound(path: string, name: string): CompiledTemplate {
    const found = this.find(name);
    return this.compile(path, name, found?.path === path ? found.stats : statFile(path));
  }

  /**
   * The compiled template `name`, for `extends`/`include`/`import` at render time. Throws `TemplateNotFound` when
   * no folder has it (an `include ... ignore missing` skips it), or the `PROVD_TEMPLATE_*` error of a bad file.
   */
  load(name: string): CompiledTemplate {
    const found = this.find(name);
    if (!found) throw new TemplateNotFound(name);
    return this.compile(found.path, found.name, found.stats);
  }

  /** The sorted union of the template names found in all search folders. */
  list(): string[] {
    return this.files.list();
  }
}

/** A syntax error found while compiling a template: its message and position (1-based). */
export interface TemplateSyntaxProblem {
  /** What is wrong. */
  message: string;
  /** The line, when known. */
  line?: number;
  /** The column, when known. */
  column?: number;
}

/** Compiles template text, returning the compiled form or the syntax problem. */
export function tryCompileSource(text: string, name: string): { compiled: CompiledTemplate } | { problem: TemplateSyntaxProblem } {
  try {
    return { compiled: compileTemplate(text, name) };
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    return { problem: { message: err.message, line: err.line } };
  }
}

function compileSourceOrThrow(text: string, name: string, file: string): CompiledTemplate {
  const result = tryCompileSource(text, name);
  if ('compiled' in result) return result.compiled;
  throw createProvdError('PROVD_TEMPLATE_SYNTAX', { file, line: result.problem.line, reason: result.problem.message });
}
