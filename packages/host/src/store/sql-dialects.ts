import type { SqlDialect } from './sql-selector';

/** A SQLite JSON path (`$."a"."b"`) for `path`. */
export const sqlitePath = (path: readonly string[]): string => `$${path.map((k) => `."${k.replaceAll('"', '\\"')}"`).join('')}`;

/** The JSON type names `json_type` gives for `value`'s type, with a comparable SQL value for scalars. */
function sqliteTyped(value: unknown): { types: string[]; sqlValue?: unknown; json?: string } {
  if (value === null) return { types: ['null'] };
  if (value === true) return { types: ['true'] };
  if (value === false) return { types: ['false'] };
  if (typeof value === 'number') return { types: ['integer', 'real'], sqlValue: value };
  if (typeof value === 'string') return { types: ['text'], sqlValue: value };
  return { types: [Array.isArray(value) ? 'array' : 'object'], json: JSON.stringify(value) };
}

const inTypes = (expr: string, types: string[]): string =>
  types.length === 1 ? `${expr} = '${types[0]}'` : `${expr} IN (${types.map((t) => `'${t}'`).join(', ')})`;

/** SQLite (JSON1 functions over the `doc` TEXT column; strings compare by code point under BINARY). */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  eq(path, value, p) {
    const jp = (): string => p(sqlitePath(path));
    const t = sqliteTyped(value);
    const typeCheck = inTypes(`coalesce(json_type(doc, ${jp()}), '')`, t.types);
    if (t.sqlValue !== undefined) return `${typeCheck} AND json_extract(doc, ${jp()}) = ${p(t.sqlValue)}`;
    if (t.json !== undefined) return `${typeCheck} AND json_extract(doc, ${jp()}) = json(${p(t.json)})`;
    return typeCheck;
  },
  compare(path, cmp, value, p) {
    const jp = (): string => p(sqlitePath(path));
    const types = typeof value === 'number' ? ['integer', 'real'] : ['text'];
    return `${inTypes(`coalesce(json_type(doc, ${jp()}), '')`, types)} AND json_extract(doc, ${jp()}) ${cmp} ${p(value)}`;
  },
  exists(path, p) {
    return `json_type(doc, ${p(sqlitePath(path))}) IS NOT NULL`;
  },
  contains(path, value, p) {
    const jp = (): string => p(sqlitePath(path));
    const t = sqliteTyped(value);
    const item =
      t.sqlValue !== undefined
        ? `${inTypes('e.type', t.types)} AND e.value = ${p(t.sqlValue)}`
        : t.json !== undefined
          ? `${inTypes('e.type', t.types)} AND e.value = json(${p(t.json)})`
          : inTypes('e.type', t.types);
    const branches = [`(json_type(doc, ${jp()}) = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${jp()}) AS e WHERE ${item}))`];
    if (typeof value === 'string') {
      branches.push(`(json_type(doc, ${jp()}) = 'text' AND instr(json_extract(doc, ${jp()}), ${p(value)}) > 0)`);
      branches.push(`(json_type(doc, ${jp()}) = 'object' AND json_type(doc, ${p(sqlitePath([...path, value]))}) IS NOT NULL)`);
    }
    return branches.join(' OR ');
  },
  sortKey(path, p) {
    const jp = (): string => p(sqlitePath(path));
    return `(CASE coalesce(json_type(doc, ${jp()}), 'null') WHEN 'null' THEN '' WHEN 'true' THEN 'True' WHEN 'false' THEN 'False' ELSE CAST(json_extract(doc, ${jp()}) AS TEXT) END)`;
  },
  column(column, cmp, placeholder) {
    return `${column} ${cmp} ${placeholder}`;
  },
  nulls(order) {
    return order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  },
  unindexed(column) {
    return `+${column}`;
  },
};

/** PostgreSQL (JSONB `doc` column; text columns and comparisons in the "C" collation, i.e. by code point). */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  eq(path, value, p) {
    return `coalesce(doc #> ${p(path)}::text[] = ${p(JSON.stringify(value))}::jsonb, false)`;
  },
  compare(path, cmp, value, p) {
    const x = `doc #> ${p(path)}::text[]`;
    if (typeof value === 'number') return `coalesce(CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ${cmp} ${p(value)}::numeric END, false)`;
    return `coalesce(CASE WHEN jsonb_typeof(${x}) = 'string' THEN (${x} #>> '{}') COLLATE "C" ${cmp} ${p(value)}::text COLLATE "C" END, false)`;
  },
  exists(path, p) {
    return `doc #> ${p(path)}::text[] IS NOT NULL`;
  },
  contains(path, value, p) {
    const x = `doc #> ${p(path)}::text[]`;
    const arr = `jsonb_typeof(${x}) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS e(v) WHERE e.v = ${p(JSON.stringify(value))}::jsonb)`;
    if (typeof value !== 'string') return `coalesce(CASE WHEN jsonb_typeof(${x}) = 'array' THEN ${arr} END, false)`;
    return `coalesce(CASE jsonb_typeof(${x}) WHEN 'array' THEN ${arr} WHEN 'string' THEN strpos(${x} #>> '{}', ${p(value)}::text) > 0 WHEN 'object' THEN jsonb_exists(${x}, ${p(value)}::text) END, false)`;
  },
  sortKey(path, p) {
    const x = `doc #> ${p(path)}::text[]`;
    return `(CASE coalesce(jsonb_typeof(${x}), 'null') WHEN 'null' THEN '' WHEN 'string' THEN ${x} #>> '{}' WHEN 'boolean' THEN initcap(${x} #>> '{}') ELSE ${x} #>> '{}' END) COLLATE "C"`;
  },
  column(column, cmp, placeholder) {
    return `${column} ${cmp} ${placeholder}::text`;
  },
  nulls(order) {
    return order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  },
  unindexed(column) {
    return column;
  },
};
