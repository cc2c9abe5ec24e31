import { hostError } from '../errors';
import { SELECTOR_OPERATORS, type FindOptions, type Selector } from '../store/store';

/** What a list request (`GET .../devices`, `GET .../configs`) asks for, parsed and checked. */
export interface FindQuery {
  /** The selector (`q` or `q64`); `{}` when absent. */
  selector: Selector;
  /** Paging, sorting and projection, in the store's terms (tenants are added by the caller). */
  options: FindOptions;
}

/** The fields a selector, a sort key or a projection may name, for one kind of document. */
export interface FieldPolicy {
  /** Top-level keys always known. */
  keys: ReadonlySet<string>;
  /** Top-level keys under which any dotted path is accepted (`options`, `raw_config`). */
  nested: ReadonlySet<string>;
}

/** The fields of a device the API lets callers select on (plus any `X_...` key). */
export const DEVICE_FIELDS: FieldPolicy = {
  keys: new Set(['id', 'mac', 'sn', 'uuid', 'ip', 'vendor', 'model', 'version', 'plugin', 'config', 'configured', 'added', 'options', 'tenant_uuid', 'is_new', 'description', 'remote_state_sip_username']),
  nested: new Set(['options']),
};

/** The fields of a config the API lets callers select on (plus any `X_...` key). */
export const CONFIG_FIELDS: FieldPolicy = {
  // the established host's config columns, registrar fields included (a registrar config carries them at top level)
  keys: new Set([
    'id', 'parent_ids', 'raw_config', 'role', 'transient', 'deletable', 'tenant_uuid', 'label', 'description', 'configdevice', 'type',
    'registrar_main', 'registrar_main_port', 'registrar_backup', 'registrar_backup_port',
    'proxy_main', 'proxy_main_port', 'proxy_backup', 'proxy_backup_port', 'proxy_outbound', 'proxy_outbound_port',
  ]),
  nested: new Set(['raw_config']),
};

const OPERATORS: ReadonlySet<string> = new Set(SELECTOR_OPERATORS);

const invalid = (parameter: string, reason: string) => hostError('PROVD_API_INVALID_SELECTOR', { parameter, reason });

/** Throws unless `field` (a dotted path) is one `policy` knows. */
function checkField(field: string, policy: FieldPolicy, parameter: string): void {
  const [top = '', ...rest] = field.split('.');
  if (field === '' || field.split('.').some((part) => part === '')) throw invalid(parameter, `${JSON.stringify(field)} is not a field name`);
  if (top.startsWith('X_')) return;
  if (!policy.keys.has(top)) {
    throw invalid(parameter, `unknown field ${JSON.stringify(field)} (known: ${[...policy.keys].sort().join(', ')}, or an X_... key)`);
  }
  if (rest.length > 0 && !policy.nested.has(top)) throw invalid(parameter, `field ${JSON.stringify(top)} has no sub-fields (received ${JSON.stringify(field)})`);
}

/** Checks a parsed selector: an object of known fields whose operator objects use only known operators. */
export function checkSelector(selector: unknown, policy: FieldPolicy, parameter = 'q'): Selector {
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) throw invalid(parameter, 'the selector must be a JSON object');
  for (const [field, value] of Object.entries(selector)) {
    checkField(field, policy, parameter);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const keys = Object.keys(value);
    if (!keys.some((k) => k.startsWith('$'))) continue;
    for (const op of keys) {
      if (!OPERATORS.has(op)) throw invalid(parameter, `unknown operator ${JSON.stringify(op)} on field ${JSON.stringify(field)}`);
      const operand = (value as Record<string, unknown>)[op];
      if ((op === '$in' || op === '$nin') && !Array.isArray(operand)) throw invalid(parameter, `${op} on field ${JSON.stringify(field)} takes a list`);
    }
  }
  return selector as Selector;
}

function parseJson(text: string, parameter: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(parameter, `not JSON (${(err as Error).message})`);
  }
}

function wholeNumber(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw invalid(name, `must be a whole number >= 0 (received ${JSON.stringify(raw)})`);
  return n;
}

/** Reads `recurse` (`true`/`false`, as the established host accepts them); absent: `false`. */
export function readRecurse(query: URLSearchParams): boolean {
  const raw = query.get('recurse');
  if (raw === null) return false;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  throw invalid('recurse', `must be true or false (received ${JSON.stringify(raw)})`);
}

/**
 * Parses the find parameters of a list request as the established host names them: `q` (a JSON selector) or `q64`
 * (its base64), `fields` (comma-separated), `skip`, `limit`, `sort` and `sort_ord` (`ASC`/`DESC`). Unlike the
 * established host, which logs a bad value and returns every document, a bad value is refused with
 * `PROVD_API_INVALID_SELECTOR`, so a caller taking the first result never gets the wrong phone.
 */
export function parseFindQuery(query: URLSearchParams, policy: FieldPolicy): FindQuery {
  let selector: Selector = {};
  const q64 = query.get('q64');
  const q = query.get('q');
  if (q64 !== null) {
    const text = /^[A-Za-z0-9+/_-]*={0,2}$/.test(q64.trim()) ? Buffer.from(q64.trim(), 'base64').toString('utf8') : undefined;
    if (text === undefined) throw invalid('q64', 'not base64');
    selector = checkSelector(parseJson(text, 'q64'), policy, 'q64');
  } else if (q !== null) {
    selector = checkSelector(parseJson(q, 'q'), policy, 'q');
  }
  const options: FindOptions = {};
  const fields = query.get('fields');
  if (fields !== null && fields.trim() !== '') {
    const list = fields.split(',').map((f) => f.trim()).filter((f) => f !== '');
    for (const f of list) checkField(f, policy, 'fields');
    options.fields = list;
  }
  const skip = wholeNumber(query, 'skip');
  if (skip !== undefined) options.skip = skip;
  const limit = wholeNumber(query, 'limit');
  if (limit !== undefined) options.limit = limit;
  const sort = query.get('sort');
  if (sort !== null) {
    checkField(sort, policy, 'sort');
    options.sort = sort;
    const ord = query.get('sort_ord');
    if (ord !== null && ord !== 'ASC' && ord !== 'DESC') throw invalid('sort_ord', `must be ASC or DESC (received ${JSON.stringify(ord)})`);
    options.order = ord === 'DESC' ? 'desc' : 'asc';
  }
  return { selector, options };
}
