/**
 * The Jinja2 environment: compiles template source to functions (once; callers cache the result) and renders
 * compiled templates with a context, Jinja2's defaults and, when asked, escaped output.
 */
import { Compiler } from './compiler';
import { FILTER_SPECS, FILTERS } from './filters';
import { TemplateSyntaxError, normalizeNewlines } from './lexer';
import { parse } from './parser';
import * as runtime from './runtime';
import { Context, type CompiledTemplate, type TemplateSource } from './runtime';
import { TEST_SPECS, TESTS, createGlobals } from './tests';

/** The names of every built-in filter and test. */
export const BUILTIN_FILTERS: ReadonlySet<string> = new Set(Object.keys(FILTER_SPECS));
/** The names of every built-in test. */
export const BUILTIN_TESTS: ReadonlySet<string> = new Set(Object.keys(TEST_SPECS));

/**
 * Compiles template source (as read from its file) to a {@link CompiledTemplate}. Throws a
 * {@link TemplateSyntaxError} (with its line) for a syntax error or a construct provd does not implement.
 */
export function compileTemplate(source: string, name: string): CompiledTemplate {
  const tree = parse(normalizeNewlines(source));
  const code = new Compiler({ filters: FILTER_SPECS, tests: TEST_SPECS }).compileTemplate(tree);
  let factory: (r: unknown, F: unknown, T: unknown) => Omit<CompiledTemplate, 'name'>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- templates compile to functions once, not per render
    factory = new Function('r', 'F', 'T', code) as typeof factory;
  } catch (err) {
    throw new TemplateSyntaxError(`internal compiler error: ${(err as Error).message}`, 1);
  }
  const { root, blocks } = factory(runtime, FILTERS, TESTS);
  return { name, root, blocks };
}

/** Renders compiled templates; `load` finds the templates they extend, include and import. */
export class JinjaEnvironment implements TemplateSource {
  /** The globals (`range`, `dict`, `namespace`, `cycler`, `joiner`, `lipsum`). */
  readonly globals: Record<string, unknown> = createGlobals();

  constructor(private readonly loader: (name: string) => CompiledTemplate) {}

  /** The compiled template `name` (throws `TemplateNotFound`). */
  load(name: string): CompiledTemplate {
    return this.loader(name);
  }

  /** Renders `template` with `vars`; `escape` escapes every printed value (Jinja2's autoescape). */
  render(template: CompiledTemplate, vars: object, escape?: (text: string) => string): string {
    return template.root(new Context(this, template, [vars], escape !== undefined, escape ?? null));
  }
}

export { TemplateSyntaxError };
