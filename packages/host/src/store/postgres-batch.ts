/**
 * A batch of change sets written to PostgreSQL as one transaction in two round trips, whatever its size:
 * 1. `BEGIN`, the write lock, the revisions of every document the batch writes, the documents holding the values
 *    its puts keep unique (`unique`), and ids reserved for its jobs and change-log entries;
 * 2. after each change set's expectations are checked here in order (a change set that fails is left out alone),
 *    what the batch leaves behind (the last state of each document, setting and job progress), its jobs and its
 *    change-log entries, `NOTIFY` and `COMMIT`, as one multi-statement query.
 * The first round trip also reads the change log after the last entry the host announced ({@link BatchOptions.since}):
 * under the write lock, that is every commit of other hosts before this one. So the store announces those and then
 * its own without reading its commit back (a commit's own announcement costs no round trip), in commit order.
 * Values travel as escaped literals (`pg.escapeLiteral`), since a multi-statement query takes no parameters. When
 * the database refuses a statement (bad data of one change set), nothing was committed: the caller writes the
 * change sets again one at a time, each under a savepoint, so only the one at fault fails. Ids reserved and not
 * used leave gaps, which sequence numbers and job ids allow (they only increase).
 */
import pg from 'pg';
import { changePayload, checkExpectation, checkId, columnValues, duplicateKey, fieldsObject, fieldTexts, hostsSince, INDEXED_COLUMNS, parentIds, storedValues, uniqueValues, writeId } from './records';
import { parseSelector } from './selector';
import type { ChangeSet, CommitResult, DocumentKind, FieldsWrite, JobProgress, ReconfigureJob, StoreChange } from './store';

const KINDS: readonly DocumentKind[] = ['devices', 'configs'];

/** The last state of one document after the batch: its revision and document, or deleted. */
interface DocumentState {
  rev: number;
  doc?: Record<string, unknown>;
  /** Keys set on the stored document (a {@link FieldsWrite}), as one JSON object's text by key; `doc` absent. */
  fields?: Record<string, string>;
}

/** Options of {@link writeBatch}. */
export interface BatchOptions {
  /** The host writing ({@link Store.hostId}). */
  hostId: string;
  /** The advisory lock serialising the writers of every host. */
  lock: number;
  /** The statements run last, before `COMMIT` (the `NOTIFY`, a trim of the change log). */
  finally: readonly string[];
  /** The commit does not wait for the server's WAL flush (`synchronous_commit` off: see `ChangeSet.deferSync`). */
  deferSync?: boolean;
  /** The last change-log entry the host announced: the entries after it are read under the lock (other hosts' commits). */
  since: number;
  /** Reads one of those entries from its payload (default: the change as written, without its stored values). */
  readChange?: (seq: number, payload: string) => StoreChange;
}

/** What {@link writeBatch} committed: one outcome per change set, and the changes to announce, in commit order. */
export interface BatchWritten {
  /** Per change set: its result, or the `ProvdError` that left it out. */
  outcomes: (CommitResult | Error)[];
  /** The change-log entries after {@link BatchOptions.since} committed before this batch (other hosts'), then the batch's own. */
  changes: StoreChange[];
}

const key = (kind: DocumentKind, id: string): string => `${kind}\u0000${id}`;

/**
 * The state of a document after the {@link FieldsWrite} `write` on `before` (its state in the batch so far, or as
 * stored): the keys set on the document written earlier in the batch, or recorded to be set on the stored one;
 * `undefined` when there is no document (nothing is written).
 */
function withFields(before: DocumentState | undefined, write: FieldsWrite): DocumentState | undefined {
  const texts = fieldTexts(write);
  if (!before || before.rev === 0) return undefined;
  if (before.doc) return { rev: before.rev + 1, doc: { ...before.doc, ...Object.fromEntries(texts.map(([k, text]) => [k, JSON.parse(text) as unknown])) } };
  return { rev: before.rev + 1, fields: { ...before.fields, ...Object.fromEntries(texts) } };
}

/** A SQL literal of a string, number, boolean or null. */
function lit(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return pg.escapeLiteral(value);
}

/** A SQL array literal of `type`. */
const array = (values: readonly (string | number | null)[], type: string): string => `ARRAY[${values.map(lit).join(', ')}]::${type}[]`;

/** Whether `err` is the database refusing a statement for its data (the transaction was not committed). */
export function isDataRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/**
 * Writes `batch` as one transaction on `client` (which must not be in one) and returns one outcome per change set (its
 * result, or the `ProvdError` that left it out: a bad id or selector, an expectation not met) and the changes to
 * announce. Throws when a statement fails; {@link isDataRefusal} tells whether nothing was committed and the change
 * sets may be written again one at a time.
 */
export async function writeBatch(client: pg.PoolClient, batch: readonly ChangeSet[], options: BatchOptions): Promise<BatchWritten> {
  const { hostId } = options;
  const outcomes: (CommitResult | Error)[] = new Array(batch.length);
  // 1. lock, revisions, reserved ids
  const wanted = new Map<DocumentKind, Set<string>>(KINDS.map((k) => [k, new Set<string>()]));
  // the values puts keep unique, by kind and key (a bad key fails its change set in step 2)
  const uniqueWanted = new Map<string, { kind: DocumentKind; key: string; values: Set<string> }>();
  let jobCount = 0;
  for (const changes of batch) {
    for (const write of changes.writes ?? []) {
      const id = writeId(write);
      if (typeof id === 'string') wanted.get(write.kind)!.add(id);
      if (write.op !== 'put' || !write.unique) continue;
      for (const key of write.unique) {
        const value = (write.doc as unknown as Record<string, unknown>)[key];
        if (typeof value !== 'string' || !INDEXED_COLUMNS[write.kind].includes(key)) continue;
        const k = `${write.kind}\u0000${key}`;
        let entry = uniqueWanted.get(k);
        if (!entry) uniqueWanted.set(k, (entry = { kind: write.kind, key, values: new Set() }));
        entry.values.add(value);
      }
    }
    jobCount += changes.jobs?.length ?? 0;
  }
  const kinds = KINDS.filter((kind) => wanted.get(kind)!.size > 0);
  const uniqueQueries = [...uniqueWanted.values()];
  const first = [
    'BEGIN',
    ...(options.deferSync ? ['SET LOCAL synchronous_commit TO OFF'] : []),
    `SELECT pg_advisory_xact_lock(${lit(options.lock)})`,
    ...kinds.map((kind) => `SELECT id, rev FROM ${kind} WHERE id = ANY(${array([...wanted.get(kind)!], 'text')}) FOR UPDATE`),
    ...uniqueQueries.map(({ kind, key, values }) => `SELECT id, ${key} AS value FROM ${kind} WHERE ${key} = ANY(${array([...values], 'text')})`),
    // each range reserved at once (the last id of it), under the write lock: every writer of every host takes them
    // there (a nextval per id, each sequence looked up by name again for every id, cost 100-200 us a batch)
    `SELECT ${jobCount > 0 ? `setval(q.jobs, nextval(q.jobs) + ${jobCount - 1})` : '0'} AS jobs, setval(q.seqs, nextval(q.seqs) + ${batch.length - 1}) AS seqs
       FROM (SELECT pg_get_serial_sequence('jobs', 'id')::regclass AS jobs, pg_get_serial_sequence('changes', 'seq')::regclass AS seqs) AS q`,
    `SELECT seq, payload FROM changes WHERE seq > ${lit(options.since)} ORDER BY seq`,
  ];
  const results = ((await client.query(first.join(';\n'))) as unknown as pg.QueryResult[]).slice(options.deferSync ? 1 : 0);
  const state = new Map<string, DocumentState>();
  kinds.forEach((kind, i) => {
    for (const row of results[2 + i]!.rows as { id: string; rev: number }[]) state.set(key(kind, row.id), { rev: row.rev });
  });
  // the stored holders of each unique value: `kind \0 key \0 value` → ids
  const holders = new Map<string, string[]>();
  uniqueQueries.forEach(({ kind, key }, i) => {
    for (const row of results[2 + kinds.length + i]!.rows as { id: string; value: string }[]) {
      const k = `${kind}\u0000${key}\u0000${row.value}`;
      const ids = holders.get(k);
      if (ids) ids.push(row.id);
      else holders.set(k, [row.id]);
    }
  });
  const after = 2 + kinds.length + uniqueQueries.length;
  const reserved = results[after]!.rows[0] as { jobs: string | number; seqs: string | number };
  /** The `count` ids of a range ending at `last`, ascending. */
  const range = (last: string | number, count: number): number[] => Array.from({ length: count }, (_, i) => Number(last) - count + 1 + i);
  const jobIds = range(reserved.jobs, jobCount);
  const seqs = range(reserved.seqs, batch.length);
  const readChange =
    options.readChange ??
    ((seq: number, payload: string): StoreChange => {
      const { stored: _stored, ...change } = JSON.parse(payload) as Omit<StoreChange, 'seq'> & { stored?: unknown };
      return { seq, ...change };
    });
  const earlier: StoreChange[] = (results[after + 1]!.rows as { seq: string; payload: string }[]).map((row) => readChange(Number(row.seq), row.payload));

  // 2. each change set in order, against the state the ones before it left
  const created = new Date().toISOString();
  const touched = new Map<string, { kind: DocumentKind; id: string }>();
  const settingsState = new Map<string, unknown>();
  const progressState = new Map<string, JobProgress>();
  const finishedState = new Map<number, { job: number; done: number; total: number }>();
  const jobRows: string[] = [];
  const changeRows: string[] = [];
  let nextJob = 0;
  let nextSeq = 0;
  const accepted: { at: number; result: CommitResult; change: StoreChange }[] = [];
  /**
   * Every indexed value a document of the batch was given (`kind \0 key \0 value` → ids), whether it still holds it or
   * not: the candidates {@link otherHolder} checks against the state.
   */
  const given = new Map<string, Set<string>>();
  const indexGiven = (kind: DocumentKind, id: string, doc: Record<string, unknown>): void => {
    for (const field of INDEXED_COLUMNS[kind]) {
      const value = doc[field];
      if (typeof value !== 'string') continue;
      const k = `${kind}\u0000${field}\u0000${value}`;
      let ids = given.get(k);
      if (!ids) given.set(k, (ids = new Set()));
      ids.add(id);
    }
  };
  /** A document other than `id` holding `field` = `value` once the change sets before (and `local`) are applied. */
  const otherHolder = (kind: DocumentKind, id: string, field: string, value: string, local: Map<string, DocumentState>): string | undefined => {
    const now = (k: string): DocumentState | undefined => local.get(k) ?? (touched.has(k) ? state.get(k) : undefined);
    const candidates: string[] = [];
    // stored holders the batch left alone or still holding it, then documents the batch gave the value
    for (const other of holders.get(`${kind}\u0000${field}\u0000${value}`) ?? []) {
      const s = now(key(kind, other));
      // (keys set alone leave the indexed ones as stored)
      if (other !== id && (s === undefined || s.fields !== undefined || s.doc?.[field] === value)) candidates.push(other);
    }
    // (the batch's documents that were given the value, by the index of what they were given: checked against their
    // state now; walking every touched document for each write made a batch of n new devices cost n² steps)
    for (const other of given.get(`${kind}\u0000${field}\u0000${value}`) ?? []) {
      if (other !== id && now(key(kind, other))?.doc?.[field] === value) candidates.push(other);
    }
    for (const [k, s] of local) {
      const [kk, other] = k.split('\u0000') as [DocumentKind, string];
      if (kk === kind && other !== id && s.doc?.[field] === value) candidates.push(other);
    }
    return candidates.sort()[0];
  };
  batch.forEach((changes, at) => {
    const local = new Map<string, DocumentState>();
    try {
      const revs: number[] = [];
      const writes: StoreChange['writes'] = [];
      for (const write of changes.writes ?? []) {
        const id = writeId(write);
        checkId(write.kind, id);
        const k = key(write.kind, id);
        const before = local.get(k) ?? state.get(k);
        const rev = before?.rev ?? 0;
        checkExpectation(write.kind, id, rev, write.expect);
        if (write.op === 'fields') {
          const next = withFields(before, write);
          if (next) local.set(k, next);
          revs.push(next?.rev ?? 0);
          writes.push({ kind: write.kind, id, deleted: false });
          continue;
        }
        if (write.op === 'put') {
          for (const { key: field, value } of uniqueValues(write.kind, write.doc as unknown as Record<string, unknown>, write.unique)) {
            const other = otherHolder(write.kind, id, field, value, local);
            if (other !== undefined) throw duplicateKey(write.kind, id, field, value, other);
          }
        }
        const next = write.op === 'delete' ? { rev: 0 } : { rev: rev + 1, doc: write.doc as unknown as Record<string, unknown> };
        local.set(k, next);
        revs.push(next.rev);
        writes.push({ kind: write.kind, id, deleted: write.op === 'delete' });
      }
      const jobs: ReconfigureJob[] = (changes.jobs ?? []).map((job) => {
        parseSelector(job.selector);
        const deconfigure = job.deconfigure && job.deconfigure.length > 0 ? job.deconfigure : undefined;
        return { id: 0, reason: job.reason, selector: JSON.parse(JSON.stringify(job.selector)), ...(deconfigure ? { deconfigure: JSON.parse(JSON.stringify(deconfigure)) } : {}), created, origin: hostId };
      });
      // accepted: its effects join the batch's
      for (const job of jobs) {
        job.id = jobIds[nextJob++]!;
        jobRows.push(`(${lit(job.id)}, ${lit(job.reason)}, ${lit(JSON.stringify(job.selector))}::jsonb, ${job.deconfigure ? `${lit(JSON.stringify(job.deconfigure))}::jsonb` : 'NULL'}, ${lit(created)}, ${lit(hostId)})`);
      }
      for (const [k, s] of local) {
        state.set(k, s);
        const [kind, id] = k.split('\u0000') as [DocumentKind, string];
        touched.set(k, { kind, id });
        if (s.doc) indexGiven(kind, id, s.doc);
      }
      for (const [name, value] of Object.entries(changes.settings ?? {})) settingsState.set(name, value);
      for (const p of changes.progress ?? []) progressState.set(`${p.job}\u0000${p.host}`, p);
      for (const f of changes.finished ?? []) finishedState.set(f.job, f);
      const seq = seqs[nextSeq++]!;
      const change: StoreChange = { seq, origin: hostId, writes, settings: Object.keys(changes.settings ?? {}), jobs: jobs.map((j) => j.id) };
      changeRows.push(`(${lit(seq)}, ${lit(changePayload(change, storedValues(changes.writes)))})`);
      accepted.push({ at, result: { seq, revs, jobs }, change });
    } catch (err) {
      outcomes[at] = err as Error;
    }
  });

  // 3. what the batch leaves behind, one statement per table, then the log, NOTIFY and COMMIT
  const second: string[] = [];
  for (const kind of KINDS) {
    const puts: { id: string; s: DocumentState }[] = [];
    const deletes: string[] = [];
    const withKeys: { id: string; s: DocumentState }[] = [];
    for (const { kind: k, id } of touched.values()) {
      if (k !== kind) continue;
      const s = state.get(key(kind, id))!;
      if (s.doc) puts.push({ id, s });
      else if (s.fields) withKeys.push({ id, s });
      else deletes.push(id);
    }
    if (withKeys.length > 0) {
      const rows = withKeys.map(({ id, s }) => `(${lit(id)}, ${lit(s.rev)}, ${lit(fieldsObject(s.fields!))}::jsonb)`);
      second.push(`UPDATE ${kind} AS t SET rev = v.rev, doc = t.doc || v.fields FROM (VALUES ${rows.join(',\n')}) AS v (id, rev, fields) WHERE t.id = v.id`);
    }
    if (deletes.length > 0) second.push(`DELETE FROM ${kind} WHERE id = ANY(${array(deletes, 'text')})`);
    if (puts.length > 0) {
      const cols = INDEXED_COLUMNS[kind];
      const rows = puts.map(({ id, s }) => `(${[lit(id), lit(s.rev), ...columnValues(kind, s.doc!).map(lit), `${lit(JSON.stringify(s.doc))}::jsonb`].join(', ')})`);
      second.push(
        `INSERT INTO ${kind} (id, rev, ${cols.join(', ')}, doc) VALUES ${rows.join(',\n')}
         ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, doc = excluded.doc`,
      );
    }
    if (kind === 'configs' && (puts.length > 0 || deletes.length > 0)) {
      second.push(`DELETE FROM config_parents WHERE config_id = ANY(${array([...puts.map((p) => p.id), ...deletes], 'text')})`);
      const pairs = puts.flatMap((p) => parentIds(p.s.doc!).map((parent) => `(${lit(parent)}, ${lit(p.id)})`));
      if (pairs.length > 0) second.push(`INSERT INTO config_parents (parent_id, config_id) VALUES ${pairs.join(', ')} ON CONFLICT DO NOTHING`);
    }
  }
  const settingDeletes = [...settingsState].filter(([, v]) => v === undefined).map(([k]) => k);
  const settingPuts = [...settingsState].filter(([, v]) => v !== undefined);
  if (settingDeletes.length > 0) second.push(`DELETE FROM settings WHERE key = ANY(${array(settingDeletes, 'text')})`);
  if (settingPuts.length > 0) {
    second.push(`INSERT INTO settings (key, value) VALUES ${settingPuts.map(([k, v]) => `(${lit(k)}, ${lit(JSON.stringify(v))}::jsonb)`).join(', ')} ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  }
  if (jobRows.length > 0) second.push(`INSERT INTO jobs (id, reason, selector, deconfigure, created, origin) VALUES ${jobRows.join(',\n')}`);
  if (progressState.size > 0) {
    const rows = [...progressState.values()].map((p) => `(${[lit(p.job), lit(p.host), lit(p.cursor ?? null), lit(p.done), lit(p.total), lit(p.finished)].join(', ')})`);
    second.push(`INSERT INTO job_progress (job, host, cursor, done, total, finished) VALUES ${rows.join(', ')}
       ON CONFLICT (job, host) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, total = excluded.total, finished = excluded.finished`);
  }
  if (finishedState.size > 0) {
    const fs = [...finishedState.values()];
    // A job is forgotten once every host seen lately has finished it (this one now), its progress with it; this
    // host's finished progress is recorded only for the jobs that stay. One statement: a job finished by a lone host
    // leaves no progress row behind (the row written and deleted again in the same commit, and the planner's
    // estimate of a table filled in the transaction itself, made that delete one scan of job_progress per job:
    // measured, 460 us of the server's CPU per job, the most of a device created through the API).
    const finished = `(VALUES ${fs.map((f) => `(${lit(f.job)}::bigint, ${lit(f.done)}::integer, ${lit(f.total)}::integer)`).join(', ')}) AS f (job, done, total)`;
    second.push(`WITH gone AS (DELETE FROM jobs j WHERE j.id = ANY(${array(fs.map((f) => f.job), 'bigint')}) AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.seen >= ${lit(hostsSince())}
         AND h.host <> ${lit(hostId)} AND NOT EXISTS (SELECT 1 FROM job_progress p WHERE p.job = j.id AND p.host = h.host AND p.finished)) RETURNING id),
       dropped AS (DELETE FROM job_progress WHERE job IN (SELECT id FROM gone))
       INSERT INTO job_progress (job, host, cursor, done, total, finished) SELECT f.job, ${lit(hostId)}, NULL, f.done, f.total, true FROM ${finished}
         WHERE f.job NOT IN (SELECT id FROM gone)
       ON CONFLICT (job, host) DO UPDATE SET done = excluded.done, total = excluded.total, finished = true`);
  }
  if (changeRows.length > 0) second.push(`INSERT INTO changes (seq, payload) VALUES ${changeRows.join(',\n')}`);
  second.push(...options.finally, 'COMMIT');
  await client.query(second.join(';\n'));
  for (const { at, result } of accepted) outcomes[at] = result;
  return { outcomes, changes: [...earlier, ...accepted.map((a) => a.change)] };
}
