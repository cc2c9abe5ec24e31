import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isProvdError } from '@provd/sdk';
import { hostError } from '../errors';
import { CommitQueue } from './commit-queue';
import { FingerprintSet } from './fingerprint-set';
import { announceTo, changePayload, checkExpectation, checkId, columnValues, duplicateKey, fieldTexts, hostsSince, INDEXED_COLUMNS, parentIds, storeTableColumns, uniqueValues, writeId } from './records';
import { parseSelector, projectFields, type SelectorTerm } from './selector';
import { sqliteDialect } from './sql-dialects';
import { compileOrder, compileWhere, type TableColumns } from './sql-selector';
import { SqliteWriter, type PlanOutcome, type PlanStep } from './sqlite-writer';
import type {
  ChangeSet,
  Collection,
  CommitResult,
  ConfigRecord,
  DeviceRecord,
  DocumentKind,
  DocumentOf,
  FindOptions,
  FindResult,
  JobProgress,
  PhoneLookup,
  ReconfigureJob,
  Selector,
  Store,
  StoreChange,
  StoreOpenOptions,
  WriteExpectation,
} from './store';

/** The file name of the SQLite store in the data folder. */
export const SQLITE_FILE = 'provd.sqlite';

const SCHEMA_VERSION = '1';

const schema = (): string => {
  const cols = (kind: DocumentKind): string => INDEXED_COLUMNS[kind].map((c) => `${c} TEXT`).join(', ');
  const idx = (kind: DocumentKind): string =>
    INDEXED_COLUMNS[kind].map((c) => `CREATE INDEX IF NOT EXISTS ${kind}_${c} ON ${kind} (${c}, id);`).join('\n');
  return `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, ${cols('devices')}, doc TEXT NOT NULL) WITHOUT ROWID;
${idx('devices')}
CREATE TABLE IF NOT EXISTS configs (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, ${cols('configs')}, doc TEXT NOT NULL) WITHOUT ROWID;
${idx('configs')}
CREATE TABLE IF NOT EXISTS config_parents (parent_id TEXT NOT NULL, config_id TEXT NOT NULL, PRIMARY KEY (parent_id, config_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS config_parents_child ON config_parents (config_id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, reason TEXT NOT NULL, selector TEXT NOT NULL, deconfigure TEXT, created TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, seen TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_progress (job INTEGER NOT NULL, host TEXT NOT NULL, cursor TEXT, done INTEGER NOT NULL, total INTEGER NOT NULL, finished INTEGER NOT NULL, PRIMARY KEY (job, host)) WITHOUT ROWID;
`;
};

/**
 * The page cache of each connection (the main one, the reader of large results, the writer thread's), in KiB:
 * better-sqlite3 builds SQLite with 16 MB per connection, which a 100,000-device store fills (48 MB of the host's
 * memory for pages the kernel's page cache holds anyway; a page not cached here costs one `pread` of it).
 */
export const SQLITE_PAGE_CACHE_KIB = 4096;

/** How many changes the log keeps (older ones are trimmed; hosts only need the recent tail). */
const CHANGE_LOG_KEEP = 10_000;
/** Rows read per chunk by large finds, between which the event loop gets a turn. */
const CHUNK = 500;

const tableColumns = (kind: DocumentKind): TableColumns => storeTableColumns(kind);

/**
 * The device keys whose values the store holds as fingerprints ({@link FingerprintSet}): the keys the request
 * pipeline looks a phone up by. A look-up by one of them for a value never stored (a new phone's, by MAC and by IP)
 * is answered without a query: after any commit, the main connection's first read starts with an empty page cache
 * (SQLite drops it when another connection, here the writer's, changed the file), so such a miss cost 20-30 us of
 * the event loop, two of them per new phone.
 */
const FINGERPRINTED_KEYS = ['mac', 'sn', 'uuid', 'ip'] as const;

/**
 * How often, in ms, an idle store checks whether another process committed to its file (a change in the log past the
 * last one it announced): then it reads its {@link FINGERPRINTED_KEYS} sets again (see `SqliteStore.checkForeign`).
 */
const FOREIGN_CHECK_MS = 2_000;

/**
 * How long a batch smaller than the recent ones waits for as many change sets, in ms (see `CommitQueueOptions`): each
 * batch is one message to the writer thread, which wakes it, and one transaction. Measured at 30,000 devices (scale
 * bench, interleaved, two rounds): API creations 2,469 and 2,882/s against 2,126 and 2,576 without, the host's CPU per
 * creation 563 and 513 us against 692 and 568 (the serving thread's 188 and 159 against 239 and 187, the writer's 92
 * and 82 against 124 and 106); new phones 6,664 and 8,157/s against 6,061 and 8,009. A lone change after a burst
 * waits this long.
 */
const GATHER_MS = 1;

/** The statement putting a document of each kind: a new one at revision 1, else the next revision (returned). */
const UPSERT: Readonly<Record<DocumentKind, string>> = Object.fromEntries(
  (['devices', 'configs'] as const).map((kind) => {
    const cols = INDEXED_COLUMNS[kind];
    return [
      kind,
      `INSERT INTO ${kind} (id, rev, ${cols.join(', ')}, doc) VALUES (?, 1, ${cols.map(() => '?').join(', ')}, ?)
       ON CONFLICT (id) DO UPDATE SET rev = ${kind}.rev + 1, ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, doc = excluded.doc RETURNING rev`,
    ];
  }),
) as Record<DocumentKind, string>;

/** One change set compiled for the writer thread. */
interface CompiledChange {
  /** Its statements. */
  steps: PlanStep[];
  /** The error of a failed outcome (an expectation not met, or what SQLite said). */
  failure(outcome: Exclude<PlanOutcome, { ok: true }>): Error;
  /** The result and the announced change of a committed outcome. */
  finish(values: readonly (number | null)[]): { result: CommitResult; change: StoreChange };
}

/** The named placeholder of parameter `index` (better-sqlite3 binds positional `?` only in textual order). */
const named = (index: number): string => `@p${index}`;
/** The parameters as the object binding {@link named} placeholders. */
const bind = (params: readonly unknown[]): Record<string, unknown> => Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v]));

const storeFailed = (where: string, err: unknown) =>
  isProvdError(err) ? err : hostError('PROVD_HOST_STORE_FAILED', { where, reason: (err as Error).message }, { cause: err });

/**
 * The embedded engine: one SQLite file (`<dataDir>/provd.sqlite`) in WAL mode, `synchronous=FULL` (a commit is on
 * disk when it resolves). Writes run on a thread of their own ({@link SqliteWriter}): change sets submitted while a
 * commit is being written go together into the next transaction, and no fsync blocks the event loop. Reads run on
 * the main connection (microseconds for indexed lookups); finds returning many rows run on a second, read-only
 * connection in a snapshot, yielding to the event loop between chunks.
 */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly devices: Collection<DeviceRecord>;
  readonly configs: Collection<ConfigRecord>;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly queue: CommitQueue<ChangeSet, CommitResult>;
  private readonly reader: Database.Database;
  private readerBusy: Promise<void> = Promise.resolve();
  private commits = 0;
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly readerStatements = new Map<string, Database.Statement>();
  /**
   * The values ever stored of each of {@link FINGERPRINTED_KEYS}, read at open, each put's added before it is
   * written (so a value is never missing from its set once a read could find it). They only grow: a device deleted
   * or changed leaves its old values there (its look-up then runs, finding nothing). One process writes the file
   * while the host runs (the store's change feed is this process's commits alone); another's commits are noticed
   * within {@link FOREIGN_CHECK_MS} once this store is idle ({@link SqliteStore.checkForeign}).
   */
  private readonly stored = new Map<string, FingerprintSet>(FINGERPRINTED_KEYS.map((key) => [key, new FingerprintSet()]));
  /** The last change of the log announced by this store, or seen by {@link SqliteStore.checkForeign}. */
  private lastSeen: number;
  private readonly foreignCheck: NodeJS.Timeout;

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter,
    readonly file: string,
    readonly hostId: string,
    private readonly log: (line: string) => void,
  ) {
    this.reader = new Database(file, { readonly: true, fileMustExist: true });
    this.reader.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
    this.lastSeen = (this.stmt('SELECT max(seq) FROM changes').pluck().get() as number | null) ?? 0;
    this.readStored();
    this.foreignCheck = setInterval(() => this.checkForeign(), FOREIGN_CHECK_MS);
    this.foreignCheck.unref();
    this.devices = this.collection('devices');
    this.configs = this.collection('configs');
    // two batches in flight: the writer runs one's statements while the other waits for its fsync
    this.queue = new CommitQueue((batch) => this.flush(batch), 2, { gatherMs: GATHER_MS });
  }

  /** A prepared statement of the main connection, cached by its SQL. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A prepared statement of the reader connection, cached by its SQL. */
  private readerStmt(sql: string): Database.Statement {
    let statement = this.readerStatements.get(sql);
    if (!statement) {
      if (this.readerStatements.size > 100) this.readerStatements.clear();
      statement = this.reader.prepare(sql);
      this.readerStatements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (creating when missing) the store in `dataDir`, and starts its writer thread. */
  static async open(dataDir: string, options: StoreOpenOptions): Promise<SqliteStore> {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, SQLITE_FILE);
    let db: Database.Database | undefined;
    let writer: SqliteWriter;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
      db.exec(schema());
      const version = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as string | undefined;
      if (version === undefined) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      else if (version !== SCHEMA_VERSION) throw new Error(`schema version ${version}, this host reads ${SCHEMA_VERSION}`);
      db.prepare('INSERT INTO hosts (host, seen) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET seen = excluded.seen').run(options.hostId, new Date().toISOString());
      writer = await SqliteWriter.start(file, options.log, SQLITE_PAGE_CACHE_KIB);
    } catch (err) {
      db?.close();
      throw storeFailed(file, err);
    }
    return new SqliteStore(db, writer, file, options.hostId, options.log ?? (() => {}));
  }

  private collection<K extends DocumentKind>(kind: K): Collection<DocumentOf[K]> {
    const columns = tableColumns(kind);
    const getStmt = this.stmt(`SELECT doc FROM ${kind} WHERE id = ?`).pluck();
    const where = (terms: SelectorTerm[], tenants: readonly string[] | undefined) => compileWhere(sqliteDialect, columns, terms, tenants, named);
    const parse = (doc: string): DocumentOf[K] => JSON.parse(doc) as DocumentOf[K];
    return {
      kind,
      get: async (id) => {
        const doc = getStmt.get(id) as string | undefined;
        return doc === undefined ? undefined : parse(doc);
      },
      getMany: async (ids) => {
        const out: DocumentOf[K][] = [];
        for (let i = 0; i < ids.length; i += CHUNK) {
          const slice = ids.slice(i, i + CHUNK);
          const rows = this.stmt(`SELECT id, doc FROM ${kind} WHERE id IN (${slice.map(() => '?').join(', ')})`).all(...slice) as { id: string; doc: string }[];
          const byId = new Map(rows.map((r) => [r.id, r.doc]));
          for (const id of slice) {
            const doc = byId.get(id);
            if (doc !== undefined) out.push(parse(doc));
          }
        }
        return out;
      },
      count: async (selector, options = {}) => {
        const w = where(parseSelector(selector), options.tenants);
        return this.stmt(`SELECT count(*) FROM ${kind} WHERE ${w.sql}`).pluck().get(bind(w.params)) as number;
      },
      findOne: async (selector, options = {}) => {
        const term = options.tenants ? undefined : SqliteStore.indexedEquality(columns, selector);
        if (term) {
          if (this.neverStored(kind, term)) return undefined;
          // one indexed key equal to a string (the request pipeline's look-up by MAC): a statement of its own
          const doc = this.stmt(`SELECT doc FROM ${kind} WHERE ${term.key} = ? ORDER BY id LIMIT 1`).pluck().get(term.value) as string | undefined;
          return doc === undefined ? undefined : parse(doc);
        }
        const w = where(parseSelector(selector), options.tenants);
        const doc = this.stmt(`SELECT doc FROM ${kind} WHERE ${w.sql} ORDER BY id LIMIT 1`).pluck().get(bind(w.params)) as string | undefined;
        return doc === undefined ? undefined : parse(doc);
      },
      idsAfter: async (selector, after, limit) => {
        const w = where(parseSelector(selector), undefined);
        const params = [...w.params];
        const p = (v: unknown): string => (params.push(v), named(params.length));
        const sql = `SELECT id FROM ${kind} WHERE ${w.sql}${after === undefined ? '' : ` AND id > ${p(after)}`} ORDER BY id LIMIT ${p(limit)}`;
        return this.stmt(sql).pluck().all(bind(params)) as string[];
      },
      find: (selector, options) => this.find(kind, columns, selector, options),
    };
  }

  private async find<K extends DocumentKind>(kind: K, columns: TableColumns, selector: Selector | undefined, options: FindOptions = {}): Promise<FindResult<DocumentOf[K]>> {
    const equal = this.findEqual(kind, columns, selector, options);
    if (equal) return equal;
    const terms = parseSelector(selector);
    const w = compileWhere(sqliteDialect, columns, terms, options.tenants, named);
    const all = [...w.params];
    const p = (v: unknown): string => (all.push(v), named(all.length));
    const order = compileOrder(sqliteDialect, columns, options, p);
    const skip = Math.max(0, Math.trunc(options.skip ?? 0));
    const limit = Math.max(0, Math.trunc(options.limit ?? 0));
    const sql = `SELECT doc FROM ${kind} WHERE ${w.sql} ORDER BY ${order} LIMIT ${p(limit === 0 ? -1 : limit)} OFFSET ${p(skip)}`;
    const params = bind(all);
    const countParams = bind(w.params);
    const countSql = `SELECT count(*) FROM ${kind} WHERE ${w.sql}`;
    const project = (doc: string) => projectFields(JSON.parse(doc) as DocumentOf[K], options.fields);
    if (limit > 0 && limit <= CHUNK) {
      const items = (this.stmt(sql).pluck().all(params) as string[]).map(project);
      const total = skip === 0 && items.length < limit ? items.length : (this.stmt(countSql).pluck().get(countParams) as number);
      return { items, total };
    }
    // A find without a small limit often matches few documents (a MAC search): read them at once when they fit in
    // one chunk, every matching document after `skip` then being in hand.
    const probeParams = bind([...all.slice(0, -2), CHUNK + 1, skip]);
    const probe = this.stmt(sql).pluck().all(probeParams) as string[];
    if (probe.length <= CHUNK && (limit === 0 || probe.length < limit)) {
      const total = probe.length > 0 || skip === 0 ? skip + probe.length : (this.stmt(countSql).pluck().get(countParams) as number);
      return { items: probe.map(project), total };
    }
    // Large results: a snapshot on the reader connection, read in chunks with event-loop turns between them.
    const previous = this.readerBusy;
    let release!: () => void;
    this.readerBusy = new Promise<void>((r) => (release = r));
    await previous;
    try {
      this.reader.exec('BEGIN');
      try {
        const total = this.readerStmt(countSql).pluck().get(countParams) as number;
        const items: DocumentOf[K][] = [];
        const iterator = this.readerStmt(sql).pluck().iterate(params) as IterableIterator<string>;
        let n = 0;
        for (const doc of iterator) {
          items.push(project(doc));
          if (++n % CHUNK === 0) {
            // The iterator holds the reader connection; nothing else uses it meanwhile (readerBusy).
            await new Promise<void>((r) => setImmediate(r));
          }
        }
        return { items, total };
      } finally {
        this.reader.exec('COMMIT');
      }
    } finally {
      release();
    }
  }

  /** Adds every value stored of {@link FINGERPRINTED_KEYS} to its set, read from the key's index (a covering scan). */
  private readStored(): void {
    for (const key of FINGERPRINTED_KEYS) {
      const values = this.stored.get(key)!;
      for (const value of this.stmt(`SELECT DISTINCT ${key} FROM devices WHERE ${key} IS NOT NULL`).pluck().iterate() as IterableIterator<unknown>) {
        if (typeof value === 'string') values.add(value);
      }
    }
  }

  /**
   * When idle (every commit of its own announced), whether the log holds a change past the last one this store
   * announced: another process committed to the file (`provd import` beside a running host, which it should not be).
   * Its values are then read again, so its devices are found from then on (a few seconds after its commit).
   */
  private checkForeign(): void {
    if (this.closed || !this.queue.idle) return;
    try {
      const last = (this.stmt('SELECT max(seq) FROM changes').pluck().get() as number | null) ?? 0;
      if (last <= this.lastSeen) return;
      this.lastSeen = last;
      this.readStored();
      this.log(`store: another process committed to ${this.file} (up to change ${last}): the MACs, serials, UUIDs and IPs of its devices were read again (one host process owns a SQLite store: run provd import before the host starts)`);
    } catch (err) {
      this.log(`store: could not check ${this.file} for another process's commits: ${(err as Error).message}`);
    }
  }

  /** Whether no device ever stored had `term` (one of {@link FINGERPRINTED_KEYS} equal to a value): no query needed. */
  private neverStored(kind: DocumentKind, term: { key: string; value: string }): boolean {
    return kind === 'devices' && this.stored.get(term.key)?.mayHave(term.value) === false;
  }

  /** The key and value of a selector that is one indexed key equal to a string, else `undefined`. */
  private static indexedEquality(columns: TableColumns, selector: Selector | undefined): { key: string; value: string } | undefined {
    if (selector === undefined) return undefined;
    const keys = Object.keys(selector);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined || !columns.indexed.has(key)) return undefined;
    const value = selector[key];
    return typeof value === 'string' ? { key, value } : undefined;
  }

  /**
   * Finds on one indexed key equal to a string (the look-ups of the request pipeline), sorted by id, with a small
   * `limit` and nothing else (no tenants, skip, sort or fields), on a statement of its own: the general path
   * compiles the selector and binds named parameters on every call, which costs more than the indexed read itself.
   * `undefined` for any other find.
   */
  private findEqual<K extends DocumentKind>(kind: K, columns: TableColumns, selector: Selector | undefined, options: FindOptions): FindResult<DocumentOf[K]> | undefined {
    const limit = options.limit ?? 0;
    if (!(Number.isInteger(limit) && limit > 0 && limit <= CHUNK) || options.skip || options.tenants || options.sort !== undefined || options.order !== undefined || options.fields?.length) return undefined;
    const term = SqliteStore.indexedEquality(columns, selector);
    if (!term) return undefined;
    if (this.neverStored(kind, term)) return { items: [], total: 0 };
    const docs = this.stmt(`SELECT doc FROM ${kind} WHERE ${term.key} = ? ORDER BY id LIMIT ${limit}`).pluck().all(term.value) as string[];
    const items = docs.map((doc) => JSON.parse(doc) as DocumentOf[K]);
    const total = items.length < limit ? items.length : (this.stmt(`SELECT count(*) FROM ${kind} WHERE ${term.key} = ?`).pluck().get(term.value) as number);
    return { items, total };
  }

  async phoneLookup(mac: string, ip: string, limit: number): Promise<PhoneLookup> {
    // an indexed read costs microseconds here: the one by IP waits until it is asked for
    return { byMac: await this.devices.findOne({ mac }), byIp: async () => (await this.devices.find({ ip }, { limit })).items };
  }

  async revision(kind: DocumentKind, id: string): Promise<number> {
    return (this.stmt(`SELECT rev FROM ${kind} WHERE id = ?`).pluck().get(id) as number | undefined) ?? 0;
  }

  commit(changes: ChangeSet): Promise<CommitResult> {
    if (this.closed) return Promise.reject(hostError('PROVD_HOST_STORE_FAILED', { where: this.file, reason: 'the store is closed' }));
    return this.queue.submit(changes);
  }

  put<K extends DocumentKind>(kind: K, doc: DocumentOf[K], expect?: WriteExpectation): Promise<CommitResult> {
    return this.commit({ writes: [{ op: 'put', kind, doc, expect } as never] });
  }

  async delete(kind: DocumentKind, id: string): Promise<boolean> {
    if ((await this.revision(kind, id)) === 0) return false;
    try {
      await this.commit({ writes: [{ op: 'delete', kind, id, expect: 'present' }] });
      return true;
    } catch (err) {
      if (isProvdError(err, 'PROVD_HOST_STORE_CONFLICT')) return false;
      throw err;
    }
  }

  /** Writes one batch of change sets in one transaction on the writer thread, each under its own savepoint. */
  private async flush(batch: ChangeSet[]): Promise<(CommitResult | Error)[]> {
    const outcomes: (CommitResult | Error)[] = new Array(batch.length);
    const compiled: { at: number; plan: CompiledChange }[] = [];
    batch.forEach((changes, at) => {
      try {
        compiled.push({ at, plan: this.compile(changes) });
      } catch (err) {
        outcomes[at] = storeFailed(this.file, err);
      }
    });
    const plans = compiled.map((c) => c.plan.steps);
    if (compiled.length > 0 && ++this.commits % 1000 === 0) plans.push([{ mode: 'run', sql: 'DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?', params: [CHANGE_LOG_KEEP] }]);
    let written: PlanOutcome[];
    try {
      // the commit waits for its fsync unless every change set of it defers it
      written = plans.length > 0 ? await this.writer.write(plans, compiled.every((c) => batch[c.at]!.deferSync === true)) : [];
    } catch (err) {
      const failure = storeFailed(this.file, err);
      return batch.map(() => failure);
    }
    const announced: StoreChange[] = [];
    compiled.forEach(({ at, plan }, i) => {
      const outcome = written[i]!;
      try {
        if (!outcome.ok) throw plan.failure(outcome);
        const { result, change } = plan.finish(outcome.values);
        outcomes[at] = result;
        announced.push(change);
      } catch (err) {
        outcomes[at] = storeFailed(this.file, err);
      }
    });
    for (const change of announced) this.announce(change);
    return outcomes;
  }

  /** The statements of one change set, and how to read its outcome. Throws on a bad id or selector. */
  private compile(changes: ChangeSet): CompiledChange {
    const steps: PlanStep[] = [];
    const add = (step: PlanStep): number => steps.push(step) - 1;
    const checks = new Map<number, { kind: DocumentKind; id: string; expect: WriteExpectation }>();
    const uniques = new Map<number, { kind: DocumentKind; id: string; key: string; value: string }>();
    const revAt: (number | undefined)[] = [];
    const writes: StoreChange['writes'] = [];
    for (const write of changes.writes ?? []) {
      const id = writeId(write);
      checkId(write.kind, id);
      if (write.expect !== undefined) {
        const expect = write.expect === 'absent' ? 'a' : write.expect === 'present' ? 'p' : write.expect.rev;
        checks.set(add({ mode: 'check', sql: `SELECT rev FROM ${write.kind} WHERE id = ?`, params: [id], expect }), { kind: write.kind, id, expect: write.expect });
      }
      if (write.op === 'delete') {
        add({ mode: 'run', sql: `DELETE FROM ${write.kind} WHERE id = ?`, params: [id] });
        if (write.kind === 'configs') add({ mode: 'run', sql: 'DELETE FROM config_parents WHERE config_id = ?', params: [id] });
        revAt.push(undefined);
        writes.push({ kind: write.kind, id, deleted: true });
        continue;
      }
      if (write.op === 'fields') {
        // the stored document's keys set in place (its indexed columns unchanged): absent, nothing is written
        const fields = fieldTexts(write);
        const sql = `UPDATE ${write.kind} SET rev = rev + 1, doc = json_set(doc${', ?, json(?)'.repeat(fields.length)}) WHERE id = ? RETURNING rev`;
        revAt.push(add({ mode: 'value', sql, params: [...fields.flatMap(([key, text]) => [`$.${key}`, text]), id] }));
        writes.push({ kind: write.kind, id, deleted: false });
        continue;
      }
      const doc = write.doc as unknown as Record<string, unknown>;
      if (write.kind === 'devices') {
        for (const key of FINGERPRINTED_KEYS) {
          const value = doc[key];
          if (typeof value === 'string') this.stored.get(key)!.add(value);
        }
      }
      for (const { key, value } of uniqueValues(write.kind, doc, write.unique)) {
        uniques.set(add({ mode: 'vacant', sql: `SELECT id FROM ${write.kind} WHERE ${key} = ? AND id <> ? ORDER BY id LIMIT 1`, params: [value, id] }), { kind: write.kind, id, key, value });
      }
      revAt.push(add({ mode: 'value', sql: UPSERT[write.kind], params: [id, ...columnValues(write.kind, doc), JSON.stringify(doc)] }));
      if (write.kind === 'configs') {
        add({ mode: 'run', sql: 'DELETE FROM config_parents WHERE config_id = ?', params: [id] });
        for (const parent of parentIds(doc)) add({ mode: 'run', sql: 'INSERT OR IGNORE INTO config_parents (parent_id, config_id) VALUES (?, ?)', params: [parent, id] });
      }
      writes.push({ kind: write.kind, id, deleted: false });
    }
    const settings = Object.keys(changes.settings ?? {});
    for (const [key, value] of Object.entries(changes.settings ?? {})) {
      if (value === undefined) add({ mode: 'run', sql: 'DELETE FROM settings WHERE key = ?', params: [key] });
      else add({ mode: 'run', sql: 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', params: [key, JSON.stringify(value)] });
    }
    // (the clock read only for a change set that records jobs or finishes some: most write documents alone)
    const created = changes.jobs?.length ? new Date().toISOString() : '';
    const jobRows = (changes.jobs ?? []).map((job) => {
      parseSelector(job.selector);
      const row = { reason: job.reason, selector: JSON.stringify(job.selector), deconfigure: job.deconfigure && job.deconfigure.length > 0 ? JSON.stringify(job.deconfigure) : null, created, origin: this.hostId };
      const at = add({ mode: 'run', sql: 'INSERT INTO jobs (reason, selector, deconfigure, created, origin) VALUES (?, ?, ?, ?, ?)', params: [row.reason, row.selector, row.deconfigure, created, this.hostId] });
      return { at, row };
    });
    for (const p of changes.progress ?? []) {
      add({
        mode: 'run',
        sql: `INSERT INTO job_progress (job, host, cursor, done, total, finished) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (job, host) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, total = excluded.total, finished = excluded.finished`,
        params: [p.job, p.host, p.cursor ?? null, p.done, p.total, p.finished ? 1 : 0],
      });
    }
    const since = changes.finished?.length ? hostsSince() : '';
    for (const f of changes.finished ?? []) {
      add({
        mode: 'run',
        sql: `INSERT INTO job_progress (job, host, cursor, done, total, finished) VALUES (?, ?, NULL, ?, ?, 1)
         ON CONFLICT (job, host) DO UPDATE SET done = excluded.done, total = excluded.total, finished = 1`,
        params: [f.job, this.hostId, f.done, f.total],
      });
      // the job is forgotten once every host seen lately has finished it (then its progress rows too)
      add({
        mode: 'run',
        sql: `DELETE FROM jobs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.seen >= ?
           AND NOT EXISTS (SELECT 1 FROM job_progress p WHERE p.job = ? AND p.host = h.host AND p.finished = 1))`,
        params: [f.job, since, f.job],
      });
      add({ mode: 'run', sql: 'DELETE FROM job_progress WHERE job = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE id = ?)', params: [f.job, f.job] });
    }
    const payload = changePayload({ origin: this.hostId, writes, settings, jobs: [] });
    const seqAt =
      jobRows.length === 0
        ? add({ mode: 'run', sql: 'INSERT INTO changes (payload) VALUES (?)', params: [payload] })
        : add({ mode: 'run', sql: `INSERT INTO changes (payload) VALUES (json_set(?, '$.jobs', json_array(${jobRows.map(() => '?').join(', ')})))`, params: [payload, ...jobRows.map((j) => ({ ref: j.at }))] });
    return {
      steps,
      failure: (outcome) => {
        const check = checks.get(outcome.step);
        if (check && 'rev' in outcome) checkExpectation(check.kind, check.id, outcome.rev, check.expect);
        const unique = uniques.get(outcome.step);
        if (unique && 'found' in outcome) {
          // a value another writer stored (a process of its own: not in the sets) is looked up from now on
          if (unique.kind === 'devices') this.stored.get(unique.key)?.add(unique.value);
          return duplicateKey(unique.kind, unique.id, unique.key, unique.value, outcome.found);
        }
        return new Error('message' in outcome ? outcome.message : `step ${outcome.step} failed`);
      },
      finish: (values) => {
        const jobs = jobRows.map(({ at, row }) => jobOf({ id: values[at]!, ...row }));
        const seq = values[seqAt]!;
        const change: StoreChange = { seq, origin: this.hostId, writes, settings, jobs: jobs.map((j) => j.id) };
        return { result: { seq, revs: revAt.map((at) => (at === undefined ? 0 : (values[at] ?? 0))), jobs }, change };
      },
    };
  }

  private announce(change: StoreChange): void {
    if (change.seq > this.lastSeen) this.lastSeen = change.seq;
    announceTo(this.listeners, change, this.log);
  }

  async setting<T = unknown>(key: string): Promise<T | undefined> {
    const value = this.stmt('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async settingOrInit<T>(key: string, value: T): Promise<T> {
    // one host per database file: a value absent here is absent for every writer
    const stored = await this.setting<T>(key);
    if (stored !== undefined) return stored;
    await this.commit({ settings: { [key]: value } });
    return value;
  }

  async settings(): Promise<Record<string, unknown>> {
    const rows = this.stmt('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
  }

  async jobs(): Promise<ReconfigureJob[]> {
    return (this.stmt('SELECT id, reason, selector, deconfigure, created, origin FROM jobs ORDER BY id').all() as JobRow[]).map(jobOf);
  }

  async jobProgress(id?: number): Promise<JobProgress[]> {
    const rows = (
      id === undefined
        ? this.stmt('SELECT * FROM job_progress ORDER BY job, host').all()
        : this.stmt('SELECT * FROM job_progress WHERE job = ? ORDER BY host').all(id)
    ) as { job: number; host: string; cursor: string | null; done: number; total: number; finished: number }[];
    return rows.map((r) => ({ job: r.job, host: r.host, ...(r.cursor === null ? {} : { cursor: r.cursor }), done: r.done, total: r.total, finished: r.finished === 1 }));
  }

  async dropJob(id: number): Promise<void> {
    await this.queue.drain();
    const [outcome] = await this.writer.write([
      [
        { mode: 'run', sql: 'DELETE FROM job_progress WHERE job = ?', params: [id] },
        { mode: 'run', sql: 'DELETE FROM jobs WHERE id = ?', params: [id] },
      ],
    ]).catch((err: unknown) => {
      throw storeFailed(this.file, err);
    });
    if (outcome && !outcome.ok) throw storeFailed(this.file, new Error('message' in outcome ? outcome.message : 'dropping the job failed'));
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async lastSeq(): Promise<number> {
    return (this.stmt('SELECT max(seq) FROM changes').pluck().get() as number | null) ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.foreignCheck);
    await this.queue.drain();
    await this.readerBusy;
    this.listeners.clear();
    await this.writer.close();
    this.reader.close();
    this.db.close();
  }
}

/** A row of the jobs table. */
interface JobRow {
  id: number;
  reason: string;
  selector: string;
  deconfigure: string | null;
  created: string;
  origin: string;
}

const jobOf = (r: JobRow): ReconfigureJob => ({
  id: Number(r.id),
  reason: r.reason,
  selector: JSON.parse(r.selector) as Selector,
  ...(r.deconfigure ? { deconfigure: JSON.parse(r.deconfigure) as DeviceRecord[] } : {}),
  created: r.created,
  origin: r.origin,
});

