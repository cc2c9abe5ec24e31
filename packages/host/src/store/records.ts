import { randomUUID } from 'node:crypto';
import type { ProvdError } from '@provd/sdk';
import { hostError } from '../errors';
import type { TableColumns } from './sql-selector';
import type { DocumentKind, DocumentWrite, FieldsWrite, StoreChange, WriteExpectation } from './store';

/** The ids a store accepts: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 128 characters. */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A new record id: 32 hexadecimal digits like the established host's (a UUID without dashes), laid out as a UUID of
 * version 7 (RFC 9562: the time in milliseconds first, then random bits), so that records created one after the
 * other sit side by side in the primary key and the `(key, id)` indexes: a commit of many new devices writes a few
 * pages of each index instead of one page per device.
 *
 * @example
 * ```ts
 * newRecordId(); // '0193d2f4c1a87b3e9f1c2d3e4f5a6b7c'
 * ```
 */
export function newRecordId(now = Date.now()): string {
  // the random bits of a version-4 UUID (its generator draws them from a pool: no system call per id), laid out
  // around the version 7 nibble; its variant nibble (8-b) stays the variant
  const r = randomUUID();
  return `${now.toString(16).padStart(12, '0').slice(-12)}7${r.slice(0, 3)}${r.slice(19, 23)}${r.slice(24)}`;
}

/** The top-level keys of each kind that have their own indexed text column. */
export const INDEXED_COLUMNS: Readonly<Record<DocumentKind, readonly string[]>> = {
  devices: ['mac', 'sn', 'uuid', 'ip', 'plugin', 'config', 'tenant_uuid', 'remote_state_sip_username'],
  configs: ['role', 'tenant_uuid'],
};

/** The value of each indexed column of `doc`: the top-level string, or `null`. */
export function columnValues(kind: DocumentKind, doc: Record<string, unknown>): (string | null)[] {
  return INDEXED_COLUMNS[kind].map((key) => (typeof doc[key] === 'string' ? (doc[key] as string) : null));
}

/** The parent ids of a config document (strings only). */
export function parentIds(doc: Record<string, unknown>): string[] {
  return Array.isArray(doc.parent_ids) ? [...new Set(doc.parent_ids.filter((p): p is string => typeof p === 'string'))] : [];
}

/** Throws `PROVD_HOST_INVALID_ID` unless `id` is a valid record id. */
export function checkId(kind: DocumentKind, id: unknown): asserts id is string {
  if (typeof id !== 'string' || !RECORD_ID.test(id)) throw hostError('PROVD_HOST_INVALID_ID', { kind: kind === 'devices' ? 'device' : 'config', id: String(id) });
}

/** The singular name of a kind, for messages. */
export const kindName = (kind: DocumentKind): string => (kind === 'devices' ? 'device' : 'config');

/**
 * The JSON payload stored in the change log for `change` (without its seq); with `stored` (see {@link storedValues}),
 * the values its device puts stored, for the other hosts' look-up fingerprints (PostgreSQL).
 */
export function changePayload(change: Omit<StoreChange, 'seq'>, stored?: StoredValues): string {
  const payload: Record<string, unknown> = { origin: change.origin, writes: change.writes, settings: change.settings, jobs: change.jobs };
  if (stored) payload.stored = stored;
  return JSON.stringify(payload);
}

/**
 * The device keys a phone's request looks its device up by in one round trip (`Store.phoneLookup`), whose values a
 * store may hold as fingerprints to answer a new phone's look-up without a query.
 */
export const PHONE_LOOKUP_KEYS = ['mac', 'ip'] as const;

/** The values of {@link PHONE_LOOKUP_KEYS} that a change's device puts stored, by key (keys without any left out). */
export type StoredValues = Partial<Record<(typeof PHONE_LOOKUP_KEYS)[number], string[]>>;

/**
 * The {@link StoredValues} of `writes`: a change's payload carries them (always, `{}` when none), so a host reading
 * another's change learns the values without reading the documents. A payload without them (a host of an earlier
 * version) tells nothing of them.
 */
export function storedValues(writes: readonly DocumentWrite[] | undefined): StoredValues {
  const stored: StoredValues = {};
  for (const write of writes ?? []) {
    if (write.op !== 'put' || write.kind !== 'devices') continue;
    const doc = write.doc as unknown as Record<string, unknown>;
    for (const key of PHONE_LOOKUP_KEYS) {
      const value = doc[key];
      if (typeof value === 'string') (stored[key] ??= []).push(value);
    }
  }
  return stored;
}

/**
 * The columns of `kind`'s table for the selector compiler: its indexed keys, and for configs `parent_ids` with one
 * `$contains` answered from the `config_parents` table. `cast` is appended to the parameter (e.g. `::text`).
 */
export function storeTableColumns(kind: DocumentKind, cast = ''): TableColumns {
  return {
    table: kind,
    indexed: new Set(['id', ...INDEXED_COLUMNS[kind]]),
    special:
      kind === 'configs'
        ? (term, p) => {
            const only = term.ops[0];
            if (term.key !== 'parent_ids' || term.ops.length !== 1 || only?.op !== '$contains' || typeof only.value !== 'string') return undefined;
            return `id IN (SELECT config_id FROM config_parents WHERE parent_id = ${p(only.value)}${cast})`;
          }
        : undefined,
  };
}

/** Calls every listener with `change`; a listener that throws is logged and the others still run. */
export function announceTo(listeners: Iterable<(change: StoreChange) => void>, change: StoreChange, log: (line: string) => void): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (err) {
      log(`store: a change listener failed: ${(err as Error).message}`);
    }
  }
}

/** Hosts seen since this moment count for dropping a finished job (a host gone for a day no longer holds jobs). */
export const hostsSince = (): string => new Date(Date.now() - 24 * 3600 * 1000).toISOString();

/** Throws when the stored revision `rev` (0: absent) does not satisfy `expect`. */
export function checkExpectation(kind: DocumentKind, id: string, rev: number, expect: WriteExpectation | undefined): void {
  if (expect === undefined) return;
  if (expect === 'absent') {
    if (rev !== 0) throw hostError('PROVD_HOST_DUPLICATE_ID', { kind: kindName(kind), id });
  } else if (expect === 'present') {
    if (rev === 0) throw hostError('PROVD_HOST_STORE_CONFLICT', { kind: kindName(kind), id, reason: 'it no longer exists' });
  } else if (rev !== expect.rev) {
    throw hostError('PROVD_HOST_STORE_CONFLICT', { kind: kindName(kind), id, reason: rev === 0 ? 'it no longer exists' : `revision ${rev}, expected ${expect.rev}` });
  }
}

/**
 * The values a put must hold alone: for each key of `unique` (an indexed key of `kind`, else `PROVD_HOST_STORE_FAILED`
 * names it), the document's string value there.
 */
export function uniqueValues(kind: DocumentKind, doc: Record<string, unknown>, unique: readonly string[] | undefined): { key: string; value: string }[] {
  if (!unique || unique.length === 0) return [];
  const out: { key: string; value: string }[] = [];
  for (const key of unique) {
    if (!INDEXED_COLUMNS[kind].includes(key)) throw hostError('PROVD_HOST_STORE_FAILED', { where: `the ${kindName(kind)} writes`, reason: `"${key}" is not an indexed key of ${kind}: it cannot be kept unique` });
    const value = doc[key];
    if (typeof value === 'string') out.push({ key, value });
  }
  return out;
}

/** `PROVD_HOST_DUPLICATE_KEY`: `key` = `value` of document `id` is already the one of document `other`. */
export function duplicateKey(kind: DocumentKind, id: string, key: string, value: string, other: string): ProvdError {
  return hostError('PROVD_HOST_DUPLICATE_KEY', { kind: kindName(kind), id, key, value, other });
}

/** A key a {@link FieldsWrite} may set: a plain name. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The keys and JSON texts of a {@link FieldsWrite}'s values; throws when a key is not one it may set (`id`, an indexed
 * key of the kind, or not a plain name) or a value is not a JSON value.
 */
export function fieldTexts(write: FieldsWrite): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(write.fields)) {
    if (!FIELD_NAME.test(key) || key === 'id' || INDEXED_COLUMNS[write.kind].includes(key) || (write.kind === 'configs' && key === 'parent_ids')) throw new Error(`the key "${key}" of a ${kindName(write.kind)} cannot be written alone`);
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`the value of "${key}" is not a JSON value`);
    out.push([key, text]);
  }
  return out;
}

/** The text of one JSON object holding the keys of `fields` (each value a JSON text, as {@link fieldTexts} gives). */
export const fieldsObject = (fields: Record<string, string>): string => `{${Object.entries(fields).map(([k, text]) => `${JSON.stringify(k)}:${text}`).join(',')}}`;

/** The id a write names. */
export const writeId = (write: DocumentWrite): unknown => (write.op === 'put' ? (write.doc as { id: unknown }).id : write.id);
