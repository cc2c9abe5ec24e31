import type { SelectorOperator, SelectorTerm } from './selector';
import type { FindOptions } from './store';

/** A compiled SQL fragment and its parameters (in order). */
export interface SqlFragment {
  /** The SQL text. */
  sql: string;
  /** The parameters its placeholders stand for. */
  params: unknown[];
}

/**
 * How one engine spells JSON access. `p(value)` adds a parameter and returns its placeholder; every method returns SQL
 * evaluating to true/false (never NULL) for the document column `doc` at `path`.
 */
export interface SqlDialect {
  /** The engine, for messages. */
  readonly name: string;
  /** The value at `path` equals the JSON `value` (type and value). */
  eq(path: string[], value: unknown, p: (v: unknown) => string): string;
  /** The value at `path` is a number (string) ordered `cmp` against `value`; other types: false. */
  compare(path: string[], cmp: '>' | '>=' | '<' | '<=', value: number | string, p: (v: unknown) => string): string;
  /** The key is present (even with a `null` value). */
  exists(path: string[], p: (v: unknown) => string): string;
  /** The value is a list holding `value`, a string holding it, or an object with that key. */
  contains(path: string[], value: unknown, p: (v: unknown) => string): string;
  /** An expression sorting as the established host does (string of the value, `""` for missing/null). */
  sortKey(path: string[], p: (v: unknown) => string): string;
  /** The text column `column` compared with a parameter: the indexed fast path. */
  column(column: string, cmp: '=' | '<>' | '>' | '>=' | '<' | '<=', p: string): string;
  /** NULLS placement spelled for this engine, for `ORDER BY <column> <dir>`. */
  nulls(order: 'asc' | 'desc'): string;
  /**
   * `column` spelled so that the planner does not pick its index for this term (SQLite: `+column`), for a filter that
   * rarely narrows anything (the tenant filter): without it, a store without statistics may walk a whole tenant's
   * index instead of looking the MAC address up.
   */
  unindexed(column: string): string;
}

/** The columns of a table that hold a copy of a top-level string key (NULL when absent or not a string). */
export interface TableColumns {
  /** The table. */
  table: string;
  /** Top-level keys with their own indexed text column (column name = key). */
  indexed: ReadonlySet<string>;
  /** Extra compilers for special keys (e.g. `parent_ids` `$contains` through a side table). */
  special?: (term: SelectorTerm, p: (v: unknown) => string) => string | undefined;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const CMP: Partial<Record<SelectorOperator, '>' | '>=' | '<' | '<='>> = { $gt: '>', $ge: '>=', $lt: '<', $le: '<=' };

/**
 * Compiles parsed selector terms and the tenant filter into a WHERE clause for `columns.table`, using indexed
 * columns where the term allows it.
 */
export function compileWhere(
  dialect: SqlDialect,
  columns: TableColumns,
  terms: readonly SelectorTerm[],
  tenants: readonly string[] | undefined,
  placeholder: (index: number) => string,
): SqlFragment {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return placeholder(params.length);
  };
  const parts: string[] = [];
  if (tenants !== undefined) {
    if (tenants.length === 0) parts.push('1 = 0');
    else parts.push(`${dialect.unindexed('tenant_uuid')} IN (${tenants.map((t) => p(t)).join(', ')})`);
  }
  for (const term of terms) {
    const special = columns.special?.(term, p);
    if (special !== undefined) {
      parts.push(special);
      continue;
    }
    const col = term.path.length === 1 && columns.indexed.has(term.path[0]!) ? term.path[0]! : undefined;
    for (const { op, value } of term.ops) parts.push(compileOp(dialect, term.path, col, op, value, p));
  }
  return { sql: parts.length === 0 ? '1 = 1' : parts.map((s) => `(${s})`).join(' AND '), params };
}

function compileOp(
  dialect: SqlDialect,
  path: string[],
  col: string | undefined,
  op: SelectorOperator,
  value: unknown,
  p: (v: unknown) => string,
): string {
  const eq = (v: unknown): string => (col !== undefined && typeof v === 'string' ? dialect.column(col, '=', p(v)) : dialect.eq(path, v, p));
  const anyOf = (list: unknown[]): string => {
    if (list.length === 0) return '1 = 0';
    if (col !== undefined && isStrings(list)) return `${col} IN (${list.map((v) => p(v)).join(', ')})`;
    return list.map((v) => `(${eq(v)})`).join(' OR ');
  };
  switch (op) {
    case '$eq':
      return eq(value);
    case '$ne':
      return col !== undefined && typeof value === 'string' ? `${col} IS NULL OR ${dialect.column(col, '<>', p(value))}` : `NOT (${eq(value)})`;
    case '$in':
      return anyOf(value as unknown[]);
    case '$nin': {
      const list = value as unknown[];
      if (list.length === 0) return '1 = 1';
      if (col !== undefined && isStrings(list)) return `${col} IS NULL OR ${col} NOT IN (${list.map((v) => p(v)).join(', ')})`;
      return `NOT (${anyOf(list)})`;
    }
    case '$exists':
      if (value) return dialect.exists(path, p);
      // an absent key has a NULL column: the index narrows the search to those first
      return col !== undefined ? `${col} IS NULL AND NOT (${dialect.exists(path, p)})` : `NOT (${dialect.exists(path, p)})`;
    case '$contains':
      return dialect.contains(path, value, p);
    default: {
      const cmp = CMP[op]!;
      if (typeof value === 'string' && col !== undefined) return dialect.column(col, cmp, p(value));
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return dialect.compare(path, cmp, value, p);
      return '1 = 0';
    }
  }
}

/**
 * The ORDER BY clause for `options` (without the keyword): the indexed column when the sort key has one, else the
 * engine's sort expression; ties broken by `id` in the same direction.
 */
export function compileOrder(
  dialect: SqlDialect,
  columns: TableColumns,
  options: Pick<FindOptions, 'sort' | 'order'>,
  p: (v: unknown) => string,
): string {
  const dir = options.order === 'desc' ? 'DESC' : 'ASC';
  const order = options.order === 'desc' ? 'desc' : 'asc';
  if (options.sort === undefined || options.sort === 'id') return `id ${dir}`;
  const path = options.sort.split('.');
  if (path.length === 1 && columns.indexed.has(path[0]!)) return `${path[0]} ${dir} ${dialect.nulls(order)}, id ${dir}`;
  return `${dialect.sortKey(path, p)} ${dir}, id ${dir}`;
}
