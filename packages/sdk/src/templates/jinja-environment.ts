/**
 * The nunjucks environment of a template helper: Jinja2 defaults (no autoescape, no block trimming), the Jinja
 * filters provd templates use with Python semantics, and the render-time runtime the Jinja compiler calls.
 */
import nunjucks from 'nunjucks';
import type { JinjaRuntime } from './jinja-compiler';
import { SafeString, markSafe } from './nunjucks-internals';
import { compareChain, isDict, lookupMember, pyEquals, percentFormat, pyCompare, pyInt, pyText, pyTruthy } from './python-values';
import type { TemplateLoader } from './template-loader';
import { escapeXml } from './xml-escape';

/** The runtime of one environment; `escape` is set for the duration of a render that escapes its output. */
export interface HelperRuntime extends JinjaRuntime {
  /** The escaping applied to output values, if any. */
  escape: ((text: string) => string) | undefined;
}

/** A nunjucks environment carrying the Jinja runtime at `provd`. */
export type JinjaEnvironment = nunjucks.Environment & { provd: HelperRuntime };

function contains(item: unknown, container: unknown): boolean {
  if (container === undefined || container === null) return false;
  if (typeof container === 'string' || container instanceof String) return container.toString().includes(pyText(item));
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (container instanceof Map || container instanceof Set) return container.has(item);
  if (typeof container === 'object') return Object.hasOwn(container, String(item));
  return false;
}

function createRuntime(): HelperRuntime {
  const runtime: HelperRuntime = {
    escape: undefined,
    truthy: pyTruthy,
    member: lookupMember,
    contains,
    iter: (value: unknown) => (isDict(value) ? Object.keys(value) : value),
    add: (left: unknown, right: unknown) =>
      Array.isArray(left) && Array.isArray(right) ? [...left, ...right] : (left as number) + (right as number),
    compare: compareChain,
    concat: (left: unknown, right: unknown) => pyText(left) + pyText(right),
    mod: (left: unknown, right: unknown) =>
      typeof left === 'string' || left instanceof String
        ? percentFormat(left.toString(), Array.isArray(right) ? right : [right])
        : (left as number) % (right as number),
    output(value: unknown): string {
      if (value instanceof SafeString) return value.toString();
      const text = pyText(value);
      return runtime.escape ? runtime.escape(text) : text;
    },
  };
  return runtime;
}

/** `default`/`d`: the fallback when the value is missing (`undefined` or `null`), or false with `boolean`. */
function defaultFilter(value: unknown, fallback: unknown = '', boolean = false): unknown {
  if (boolean) return pyTruthy(value) ? value : fallback;
  return value === undefined || value === null ? fallback : value;
}

/** `escape`/`e`: XML/HTML escaping with Jinja's entities, marked safe. */
function escapeFilter(value: unknown): unknown {
  if (value instanceof SafeString) return value;
  return markSafe(escapeXml(pyText(value)));
}

/** `sort`: Python ordering (tuples element by element), case-insensitive unless asked. */
function sortFilter(value: unknown, reverse = false, caseSensitive = false, attribute?: string): unknown[] {
  const items = Array.isArray(value) ? [...value] : isDict(value) ? Object.keys(value) : Array.from(pyText(value));
  const key = (x: unknown): unknown => (attribute === undefined ? x : lookupMember(x, attribute));
  items.sort((a, b) => pyCompare(key(a), key(b), caseSensitive));
  if (reverse) items.reverse();
  return items;
}

/** `dictsort`: the `[key, value]` pairs of a dict, sorted by key (or value). */
function dictsortFilter(value: unknown, caseSensitive = false, by: 'key' | 'value' = 'key', reverse = false): unknown[] {
  const pairs = isDict(value) ? Object.entries(value) : [];
  const at = by === 'value' ? 1 : 0;
  pairs.sort((a, b) => pyCompare(a[at], b[at], caseSensitive));
  if (reverse) pairs.reverse();
  return pairs;
}

/** Creates the environment of a helper over `loader`. */
export function createJinjaEnvironment(loader: TemplateLoader): JinjaEnvironment {
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: false,
    lstripBlocks: false,
    dev: true,
  }) as JinjaEnvironment;
  env.provd = createRuntime();
  env.addFilter('default', defaultFilter);
  env.addFilter('d', defaultFilter);
  env.addFilter('int', (value: unknown, fallback = 0, base = 10) => pyInt(value, fallback, base));
  env.addFilter('format', (value: unknown, ...args: unknown[]) => percentFormat(pyText(value), args));
  env.addFilter('string', (value: unknown) => (value instanceof SafeString ? value : pyText(value)));
  env.addFilter('escape', escapeFilter);
  env.addFilter('e', escapeFilter);
  env.addFilter('forceescape', (value: unknown) => markSafe(escapeXml(pyText(value))));
  env.addFilter('sort', sortFilter);
  env.addFilter('dictsort', dictsortFilter);
  (env as unknown as { addTest(name: string, test: (value: unknown) => boolean): void }).addTest('none', (value) => value === null);
  return env;
}

/** The names of every filter and test templates may use (for compile-time checks). */
export function knownFiltersAndTests(env: JinjaEnvironment): { filters: Set<string>; tests: Set<string> } {
  const e = env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
  return { filters: new Set(Object.keys(e.filters)), tests: new Set(Object.keys(e.tests)) };
}
