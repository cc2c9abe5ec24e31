import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_FILTERS, BUILTIN_TESTS } from './jinja/environment';
import { normalizeNewlines } from './jinja/lexer';
import { parse, type Node } from './jinja/parser';
import { findAll } from './jinja/symbols';
import { TemplateLoader, tryCompileSource } from './template-loader';
import { isValidTemplateName } from './template-name';

/** Options of {@link compileTemplates}. */
export interface CompileTemplatesOptions {
  /** Which files are templates, by their path relative to the folder. @defaultValue names ending in `.tpl` or `.btpl` */
  match?: (relPath: string) => boolean;
  /**
   * Whether `extends`/`include`/`import` of a literal name must find that template in the folder. Turn it off when
   * the folder is only one layer of a plugin's templates. @defaultValue true
   */
  references?: boolean;
}

const defaultMatch = (rel: string): boolean => /\.b?tpl$/.test(rel);

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)));
    else if (entry.isFile()) files.push(child);
  }
  return files;
}

function where(node: Node): string {
  return `line ${node.line}`;
}

const REFERENCES: Record<string, string> = { Extends: 'extends', Include: 'include', Import: 'import', FromImport: 'import' };

/**
 * Checks every template in `dir` (recursively) the way provd will render it: it compiles (Jinja2 syntax, known
 * filters and tests, no construct provd does not implement), UTF-8, and, unless turned off, that literal `extends`/`include` names exist in
 * `dir` and have no `..`. Returns one `path: message` string per problem (paths relative to `dir`); an empty list
 * means every template compiles. The build tool calls it on every plugin's templates.
 *
 * @example
 * ```ts
 * const errors = await compileTemplates(join(pluginDir, 'templates'));
 * // [ 'D40.tpl: line 3, column 12: expected block end in if statement' ]
 * ```
 */
export async function compileTemplates(dir: string, options: CompileTemplatesOptions = {}): Promise<string[]> {
  const match = options.match ?? defaultMatch;
  const checkRefs = options.references ?? true;
  const loader = new TemplateLoader([dir], dir);
  const files = (await listFiles(dir)).filter(match);
  const errors: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const rel of files) {
    let text: string;
    try {
      text = decoder.decode(await readFile(join(dir, rel)));
    } catch (err) {
      errors.push(`${rel}: ${err instanceof TypeError ? 'not valid UTF-8' : (err as Error).message}`);
      continue;
    }
    const result = tryCompileSource(text, rel);
    if ('problem' in result) {
      const { line, column, message } = result.problem;
      const at = line !== undefined ? `line ${line}${column !== undefined ? `, column ${column}` : ''}: ` : '';
      errors.push(`${rel}: ${at}${message}`);
      continue;
    }
    const tree = parse(normalizeNewlines(text));
    // Inside an `if`, Jinja2 (and provd) accept an unknown filter or test until it runs; it fails then.
    for (const [kind, known] of [['Filter', BUILTIN_FILTERS], ['Test', BUILTIN_TESTS]] as const) {
      for (const node of findAll(tree, kind)) {
        if (!known.has(node.name)) errors.push(`${rel}: ${where(node)}: No ${kind.toLowerCase()} named '${node.name}'.`);
      }
    }
    if (!checkRefs) continue;
    for (const kind of Object.keys(REFERENCES)) {
      for (const node of findAll(tree, kind)) {
        const target = node.template as Node;
        const names = target.k === 'Const' ? [target.value] : target.k === 'List' || target.k === 'Tuple' ? (target.items as Node[]).map((i) => (i.k === 'Const' ? i.value : undefined)) : [];
        const literal = names.filter((n): n is string => typeof n === 'string');
        for (const name of literal) {
          if (!isValidTemplateName(name)) errors.push(`${rel}: ${where(node)}: template name "${name}" is not allowed (no "..", no absolute path)`);
        }
        const ok = literal.filter(isValidTemplateName);
        if (ok.length === 0 || ok.length !== names.length || (kind === 'Include' && node.ignoreMissing === true)) continue;
        if (!ok.some((name) => loader.find(name))) {
          errors.push(`${rel}: ${where(node)}: ${REFERENCES[kind]} of ${ok.map((n) => `"${n}"`).join(' or ')}, which is not in the folder`);
        }
      }
    }
  }
  return errors;
}
