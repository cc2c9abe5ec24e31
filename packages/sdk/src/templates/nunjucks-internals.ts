/**
 * Typed handles on the parts of nunjucks that its public typings leave out (parser, compiler, transformer, nodes,
 * runtime). Only this module reaches into nunjucks internals.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);

/** A node of a parsed nunjucks template. */
export interface NunjucksNode {
  readonly typename: string;
  lineno: number;
  colno: number;
  [field: string]: unknown;
}

/** The members of the nunjucks compiler that the Jinja compiler overrides or calls. */
export interface NunjucksCompilerBase {
  buffer: string;
  codebuf: string[];
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  _withScopedSyntax(fn: () => void): void;
  _compileExpression(node: NunjucksNode, frame: unknown): void;
  _emitLoopBindings(node: NunjucksNode, arr: string, i: string, len: string): void;
  compile(node: NunjucksNode, frame?: unknown): void;
  compileLiteral(node: NunjucksNode, frame: unknown): void;
  compileFor(node: NunjucksNode, frame: unknown): void;
  compileSet(node: NunjucksNode, frame: unknown): void;
  getCode(): string;
}

/** The constructor of the nunjucks compiler. */
export type NunjucksCompilerClass = new (templateName: string, throwOnUndefined: boolean) => NunjucksCompilerBase;

interface NunjucksInternals {
  compiler: { Compiler: NunjucksCompilerClass };
  parser: { parse(src: string, extensions: unknown[], opts: object): NunjucksNode };
  nodes: { TemplateData: abstract new (...args: never[]) => NunjucksNode; NodeList: abstract new (...args: never[]) => NunjucksNode };
  runtime: { SafeString: new (value: string) => object; markSafe(value: string): object };
  lib: { TemplateError: new (message: string, lineno?: number, colno?: number) => Error };
}

const internals = nunjucks as unknown as NunjucksInternals;

/** The nunjucks compiler class (subclassed by the Jinja compiler). */
export const NunjucksCompiler: NunjucksCompilerClass = internals.compiler.Compiler;

/** Parses template source into a nunjucks AST. */
export function parseTemplate(src: string): NunjucksNode {
  return internals.parser.parse(src, [], {});
}

/** Applies nunjucks' own AST transforms (`super()` lifting, statement conversion). */
export const transformTemplate: (ast: NunjucksNode, asyncFilters: string[], name: string) => NunjucksNode = (
  require('nunjucks/src/transformer') as {
    transform(ast: NunjucksNode, asyncFilters: string[], name: string): NunjucksNode;
  }
).transform;

/** The node class of literal template text. */
export const TemplateDataNode = internals.nodes.TemplateData;

/** The class of strings marked safe (not escaped again on output). */
export const SafeString = internals.runtime.SafeString;

/** Marks a string safe so that output escaping leaves it alone. */
export function markSafe(value: string): object {
  return internals.runtime.markSafe(value);
}

/** The nunjucks error class for template errors (carries a line and column). */
export const TemplateError = internals.lib.TemplateError;

/**
 * Visits `node` and its descendants (depth first, in field order); `visit` returning `false` skips the children of
 * that node.
 */
export function forEachNode(node: unknown, visit: (node: NunjucksNode) => boolean | void): void {
  if (Array.isArray(node)) {
    for (const child of node) forEachNode(child, visit);
    return;
  }
  if (node === null || typeof node !== 'object' || !('typename' in node)) return;
  const n = node as NunjucksNode & { fields?: string[] };
  if (visit(n) === false) return;
  for (const field of n.fields ?? []) forEachNode(n[field], visit);
}
