import { hostError } from '../errors';
import { SELECTOR_OPERATORS, type Selector } from './store';

/** One operator of a parsed selector term. */
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number] | '$eq';

/** One condition on one key of a selector: `path` (split on `.`) and the operators that must all hold. */
export interface SelectorTerm {
  /** The dotted key as given. */
  key: string;
  /** The key split on `.`. */
  path: string[];
  /** The operators and their values. */
  ops: { op: SelectorOperator; value: unknown }[];
}

const OPERATORS = new Set<string>(SELECTOR_OPERATORS);

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'));

const invalid = (reason: string) => hostError('PROVD_HOST_INVALID_SELECTOR', { reason });

/**
 * Parses a selector (see {@link Selector}) into terms, checking its shape: an object whose keys are non-empty dotted
 * paths and whose operator values are known operators with values of the right type. Throws
 * `PROVD_HOST_INVALID_SELECTOR` naming the key otherwise.
 */
export function parseSelector(selector: Selector | undefined): SelectorTerm[] {
  if (selector === undefined) return [];
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) throw invalid('a selector must be a JSON object');
  const terms: SelectorTerm[] = [];
  for (const [key, value] of Object.entries(selector)) {
    const path = key.split('.');
    if (path.some((p) => p === '')) throw invalid(`key "${key}": empty path segment`);
    if (!isOperatorObject(value)) {
      terms.push({ key, path, ops: [{ op: '$eq', value }] });
      continue;
    }
    const ops: SelectorTerm['ops'] = [];
    for (const [op, operand] of Object.entries(value)) {
      if (!OPERATORS.has(op)) throw invalid(`key "${key}": unknown operator "${op}" (use one of ${SELECTOR_OPERATORS.join(', ')})`);
      if ((op === '$in' || op === '$nin') && !Array.isArray(operand)) throw invalid(`key "${key}": "${op}" needs a list, got ${JSON.stringify(operand)}`);
      ops.push({ op: op as SelectorOperator, value: operand });
    }
    terms.push({ key, path, ops });
  }
  return terms;
}

/**
 * Projects `doc` onto `fields` (dotted paths) as the established host does: `id` always, then each field that
 * exists, nested objects rebuilt along the path.
 */
export function projectFields<T extends { id: string }>(doc: T, fields: readonly string[] | undefined): T {
  if (!fields || fields.length === 0) return doc;
  const out: Record<string, unknown> = { id: doc.id };
  for (const field of fields) {
    const path = field.split('.');
    let cur: unknown = doc;
    let found = true;
    for (const p of path) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(p in cur)) {
        found = false;
        break;
      }
      cur = (cur as Record<string, unknown>)[p];
    }
    if (!found) continue;
    let target = out;
    for (const p of path.slice(0, -1)) {
      if (typeof target[p] !== 'object' || target[p] === null) target[p] = {};
      target = target[p] as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = cur;
  }
  return out as T;
}
