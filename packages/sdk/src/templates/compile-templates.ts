import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createJinjaEnvironment, knownFiltersAndTests } from './jinja-environment';
import { forEachNode, parseTemplate, type NunjucksNode } from './nunjucks-internals';
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

function where(node: NunjucksNode): string {
  return `line ${node.lineno + 1}`;
}

/**
 * Checks every template in `dir` (recursively) the way provd will render it: syntax (Jinja2 as nunjucks parses
 * it), UTF-8, known filters and tests, and, unless turned off, that literal `extends`/`include` names exist in
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
  const { filters, tests } = knownFiltersAndTests(createJinjaEnvironment(loader));
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
    forEachNode(parseTemplate(text), (node) => {
      if (node.typename === 'Filter') {
        const name = (node.name as NunjucksNode | undefined)?.value;
        if (typeof name === 'string' && !filters.has(name)) errors.push(`${rel}: ${where(node)}: unknown filter "${name}"`);
      } else if (node.typename === 'Is') {
        const right = node.right as NunjucksNode & { name?: NunjucksNode };
        const name = right.name ? right.name.value : right.value;
        if (typeof name === 'string' && !tests.has(name)) errors.push(`${rel}: ${where(node)}: unknown test "${name}"`);
      } else if (checkRefs && ['Extends', 'Include', 'Import', 'FromImport'].includes(node.typename)) {
        const target = node.template as NunjucksNode | undefined;
        if (target?.typename !== 'Literal' || typeof target.value !== 'string') return;
        const name = target.value;
        if (!isValidTemplateName(name)) errors.push(`${rel}: ${where(node)}: template name "${name}" is not allowed (no "..", no absolute path)`);
        else if (!loader.find(name) && !(node.typename === 'Include' && node.ignoreMissing === true)) {
          errors.push(`${rel}: ${where(node)}: ${node.typename.toLowerCase()} of "${name}", which is not in the folder`);
        }
      }
    });
  }
  return errors;
}
