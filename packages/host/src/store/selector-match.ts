import { parseSelector, type SelectorTerm } from './selector';
import type { Selector } from './store';

/** The values at `path` in `doc`, as the established host collects them (lists met along the way are walked). */
function valuesAt(doc: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path));
  if (typeof doc !== 'object' || doc === null) return [];
  const [head, ...rest] = path;
  if (!Object.hasOwn(doc, head!)) return [];
  const value = (doc as Record<string, unknown>)[head!];
  return rest.length === 0 ? [value] : valuesAt(value, rest);
}

const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
};

const ordered = (a: unknown, b: unknown): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
};

function termMatches(term: SelectorTerm, doc: unknown): boolean {
  const values = valuesAt(doc, term.path);
  return term.ops.every(({ op, value }) => {
    switch (op) {
      case '$eq':
        return values.some((v) => same(v, value));
      case '$ne':
        return !values.some((v) => same(v, value));
      case '$in':
        return values.some((v) => (value as unknown[]).some((x) => same(v, x)));
      case '$nin':
        return !values.some((v) => (value as unknown[]).some((x) => same(v, x)));
      case '$exists':
        return values.length > 0 === Boolean(value);
      case '$contains':
        return values.some((v) =>
          Array.isArray(v)
            ? v.some((x) => same(x, value))
            : typeof v === 'string'
              ? typeof value === 'string' && v.includes(value)
              : typeof v === 'object' && v !== null && typeof value === 'string' && Object.hasOwn(v, value),
        );
      default: {
        const sign = { $gt: (n: number) => n > 0, $ge: (n: number) => n >= 0, $lt: (n: number) => n < 0, $le: (n: number) => n <= 0 }[op];
        return values.some((v) => {
          const n = ordered(v, value);
          return n !== undefined && sign(n);
        });
      }
    }
  });
}

/**
 * A predicate telling whether a document matches `selector`, in memory, with the semantics the engines give it in
 * the database (see {@link Selector}). Used where one document is at hand, e.g. to tell whether a pending
 * background job covers the device a phone request is about.
 */
export function selectorMatcher(selector: Selector): (doc: unknown) => boolean {
  const terms = parseSelector(selector);
  return (doc) => terms.every((term) => termMatches(term, doc));
}
