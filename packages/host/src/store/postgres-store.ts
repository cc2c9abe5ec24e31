import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { isProvdError } from '@provd/sdk';
import { hostError } from '../errors';
import { CommitQueue } from './commit-queue';
import { isDataRefusal, writeBatch } from './postgres-batch';
import { FingerprintSet } from './fingerprint-set';
import { announceTo, changePayload, checkExpectation, checkId, columnValues, fieldsObject, fieldTexts, hostsSince, INDEXED_COLUMNS, parentIds, PHONE_LOOKUP_KEYS, storedValues, storeTableColumns, writeId, type StoredValues } from './records';
import { parseSelector, projectFields } from './selector';
import { postgresDialect } from './sql-dialects';
import { compileOrder, compileWhere, type TableColumns } from './sql-selector';
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

/** The LISTEN/NOTIFY channel hosts announce commits on. */
export const CHANGE_CHANNEL = 'provd_changes';
const SCHEMA_VERSION = '1';
/** Serialises writers across hosts, so sequence numbers follow the commit order. */
const WRITE_LOCK = 0x70726f76;
const CHANGE_LOG_KEEP = 10_000;
/**
 * How long a batch smaller than the recent ones waits for as many change sets, in ms (see `CommitQueueOptions`):
 * with 8 clients creating devices, batches of 1 and 7 alternated, each costing its two round trips and the server's
 * parse and plan of every statement whatever its size (measured at 10,000 devices: 322 creations/s and 1,141 us of
 * the server's CPU per creation; with it, batches of 8: 525/s and 615 us).
 */
const GATHER_MS = 3;

const schema = (): string => {
  const cols = (kind: DocumentKind): string => INDEXED_COLUMNS[kind].map((c) => `${c} TEXT COLLATE "C"`).join(', ');
  const idx = (kind: DocumentKind): string =>
    INDEXED_COLUMNS[kind].map((c) => `CREATE INDEX IF NOT EXISTS ${kind}_${c} ON ${kind} (${c} NULLS FIRST, id);`).join('\n');
  return `
CREATE TABLE IF NOT EXISTS provd_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT COLLATE "C" PRIMARY KEY, rev INTEGER NOT NULL, ${cols('devices')}, doc JSONB NOT NULL);
${idx('devices')}
CREATE TABLE IF NOT EXISTS configs (id TEXT COLLATE "C" PRIMARY KEY, rev INTEGER NOT NULL, ${cols('configs')}, doc JSONB NOT NULL);
${idx('configs')}
CREATE TABLE IF NOT EXISTS config_parents (parent_id TEXT COLLATE "C" NOT NULL, config_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (parent_id, config_id));
CREATE INDEX IF NOT EXISTS config_parents_child ON config_parents (config_id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS changes (seq BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (id BIGSERIAL PRIMARY KEY, reason TEXT NOT NULL, selector JSONB NOT NULL, deconfigure JSONB, created TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_progress (job BIGINT NOT NULL, host TEXT NOT NULL, cursor TEXT COLLATE "C", done INTEGER NOT NULL, total INTEGER NOT NULL, finished BOOLEAN NOT NULL, PRIMARY KEY (job, host));
`;
};

const tableColumns = (kind: DocumentKind): TableColumns => storeTableColumns(kind, '::text');

/**
 * The server settings of the store's connections (a connection URL's own `options` replace them): no JIT
 * compilation. The store's statements are short; the server compiled those its planner estimated costly, 300-450 ms
 * of CPU each time (measured: the statement recording a burst of finished device jobs, 1,024 of them, estimated at
 * 1.2 million by a planner without statistics of the tables filled meanwhile, ran 3 ms and compiled for 430 ms), and
 * a selector's scan of every device in a find would be compiled the same way.
 */
const SESSION_OPTIONS = '-c jit=off';

const dollar = (i: number): string => `$${i}`;

/** A safe form of a connection URL for messages (no password). */
const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * The engine for several hosts: a PostgreSQL database (client `pg`). Writes of this host are grouped into one
 * transaction; a transaction-scoped advisory lock orders the commits of every host, and each commit is announced on
 * {@link CHANGE_CHANNEL} so the other hosts see it at once (they read the change log from the last sequence they saw,
 * so a dropped notification loses nothing). A host announces its own commits when they are written, after the other
 * hosts' commits before them (read in the same round trip as the revisions: see `writeBatch`), not by reading them back
 * from the log: its notification carries a token of its own, which its listener skips.
 */
export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly devices: Collection<DeviceRecord>;
  readonly configs: Collection<ConfigRecord>;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly queue: CommitQueue<ChangeSet, CommitResult>;
  private listenClient: pg.Client | undefined;
  /** The last change-log entry announced (every one before it was, in order). */
  private seenSeq = 0;
  /** The payload of this store's notifications: its listener does not read its own commits back. */
  private readonly notifyToken = randomUUID();
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  private commits = 0;
  private closed = false;
  /**
   * The values of {@link PHONE_LOOKUP_KEYS} ever stored, by any host, as fingerprints: a phone whose MAC and IP
   * were never stored (a new phone) is answered by {@link PostgresStore.phoneLookup} without a round trip. Read
   * once after open (`loading` until then: the look-ups query), each of this host's puts added before it is
   * written, each other host's from its change's payload (`StoredValues`) as its change is read. `off` once a
   * change of a host that does not write them is read (an earlier version: its values would be missing).
   */
  private readonly stored = { mac: new FingerprintSet(), ip: new FingerprintSet() };
  private storedState: 'loading' | 'ready' | 'off' = 'loading';
  /**
   * Resolves once the stored MACs and IPs are read after open (or could not be, logged): from then on a new phone's
   * look-up ({@link PostgresStore.phoneLookup}) makes no round trip.
   */
  storedRead: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    readonly hostId: string,
    private readonly log: (line: string) => void,
  ) {
    this.devices = this.collection('devices');
    this.configs = this.collection('configs');
    this.queue = new CommitQueue((batch) => this.flush(batch), 1, { gatherMs: GATHER_MS });
  }

  /** Connects to `url`, creates the tables when missing and starts listening for other hosts' commits. */
  static async open(url: string, options: StoreOpenOptions & { poolSize?: number }): Promise<PostgresStore> {
    const where = redact(url);
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 16, options: SESSION_OPTIONS });
    pool.on('error', (err) => options.log?.(`store: PostgreSQL connection error: ${err.message}`));
    const store = new PostgresStore(pool, where, options.hostId, options.log ?? (() => {}));
    try {
      // the listener connects while the schema is checked
      await Promise.all([PostgresStore.prepareSchema(pool, options.hostId), store.listen(url)]);
      store.seenSeq = await store.lastSeq();
      // (after seenSeq: what the read misses, committed since, is read from the change log)
      store.storedRead = store.loadStored();
    } catch (err) {
      await store.listenClient?.end().catch(() => {});
      await pool.end().catch(() => {});
      throw isProvdError(err) ? err : hostError('PROVD_HOST_STORE_FAILED', { where, reason: (err as Error).message }, { cause: err });
    }
    return store;
  }

  /** Creates the tables when missing (under the write lock) and records this host as seen. */
  private static async prepareSchema(pool: pg.Pool, hostId: string): Promise<void> {
    const client = await pool.connect();
    const seen = ['INSERT INTO hosts (host, seen) VALUES ($1, $2) ON CONFLICT (host) DO UPDATE SET seen = excluded.seen', [hostId, new Date().toISOString()]] as const;
    try {
      // the usual case, a database this version made: one look, no lock
      const known = await client.query<{ value: string }>("SELECT value FROM provd_meta WHERE key = 'schema'").catch(() => undefined);
      if (known?.rows[0]?.value === SCHEMA_VERSION) {
        await client.query(seen[0], [...seen[1]]);
        return;
      }
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      await client.query(schema());
      const found = await client.query<{ value: string }>('SELECT value FROM provd_meta WHERE key = $1', ['schema']);
      if (found.rows.length === 0) await client.query('INSERT INTO provd_meta (key, value) VALUES ($1, $2)', ['schema', SCHEMA_VERSION]);
      else if (found.rows[0]!.value !== SCHEMA_VERSION) throw new Error(`schema version ${found.rows[0]!.value}, this host reads ${SCHEMA_VERSION}`);
      await client.query(seen[0], [...seen[1]]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', (err) => this.log(`store: PostgreSQL listener error: ${err.message}`));
    // this store's own commits were announced as they were written (`flush`)
    client.on('notification', (msg) => msg.payload !== this.notifyToken && this.catchUp());
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.listenClient = client;
  }

  /** Reads the values every device stores for {@link PHONE_LOOKUP_KEYS} into {@link PostgresStore.stored}. */
  private async loadStored(): Promise<void> {
    try {
      // one JSON array per key (one row, parsed at once, instead of a row per value)
      const rows = await Promise.all(PHONE_LOOKUP_KEYS.map((key) => this.pool.query<{ v: string[] | null }>(`SELECT json_agg(DISTINCT ${key}) AS v FROM devices WHERE ${key} IS NOT NULL`)));
      PHONE_LOOKUP_KEYS.forEach((key, i) => {
        for (const value of rows[i]!.rows[0]?.v ?? []) this.stored[key].add(value);
      });
      if (this.storedState === 'loading') this.storedState = 'ready';
    } catch (err) {
      this.storedState = 'off';
      if (!this.closed) this.log(`store: could not read the devices' MACs and IPs (every phone's look-up queries the database): ${(err as Error).message}`);
    }
  }

  /** Adds `values` to {@link PostgresStore.stored} (what is not a list of strings left out: a payload is data). */
  private addStored(values: StoredValues): void {
    for (const key of PHONE_LOOKUP_KEYS) {
      const list: unknown = values[key];
      if (Array.isArray(list)) for (const value of list) if (typeof value === 'string') this.stored[key].add(value);
    }
  }

  /** Reads the change log after the last sequence announced and announces it, in order. */
  private catchUp(): void {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        try {
          const rows = await this.pool.query<{ seq: string; payload: string }>('SELECT seq, payload FROM changes WHERE seq > $1 ORDER BY seq', [this.seenSeq]);
          this.deliver(rows.rows.map((row) => this.readChange(Number(row.seq), row.payload)));
        } catch (err) {
          if (!this.closed) this.log(`store: could not read the change log: ${(err as Error).message}`);
        }
      } while (this.catchUpAgain && !this.closed);
    })().finally(() => (this.catchingUp = undefined));
  }

  /** A change read from the log: its values stored added to {@link PostgresStore.stored}, and the change announced. */
  private readChange(seq: number, payload: string): StoreChange {
    const { stored, ...change } = JSON.parse(payload) as Omit<StoreChange, 'seq'> & { stored?: StoredValues };
    if (typeof stored === 'object' && stored !== null) this.addStored(stored);
    else if (this.storedState !== 'off' && (change.writes ?? []).some((w) => w.kind === 'devices' && !w.deleted)) {
      this.storedState = 'off';
      this.log(`store: host ${change.origin} does not tell the MACs and IPs it stores (an earlier version): every phone's look-up queries the database`);
    }
    return { seq, ...change };
  }

  /** Announces the changes of `changes` (in commit order) after the last one announced; the others were already. */
  private deliver(changes: readonly StoreChange[]): void {
    for (const change of changes) {
      if (change.seq <= this.seenSeq) continue;
      this.seenSeq = change.seq;
      announceTo(this.listeners, change, this.log);
    }
  }

  private failed(err: unknown) {
    return isProvdError(err) ? err : hostError('PROVD_HOST_STORE_FAILED', { where: this.where, reason: (err as Error).message }, { cause: err });
  }

  /**
   * Runs one statement on a pooled connection. `name`: a statement of fixed text run on every request (a phone's
   * look-ups), prepared once per connection by the server (no parse and plan each time).
   */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<pg.QueryResult<R>> {
    try {
      return await (name === undefined ? this.pool.query<R>(sql, params) : this.pool.query<R>({ name, text: sql, values: params }));
    } catch (err) {
      throw this.failed(err);
    }
  }

  private collection<K extends DocumentKind>(kind: K): Collection<DocumentOf[K]> {
    const columns = tableColumns(kind);
    const where = (selector: Selector | undefined, tenants: readonly string[] | undefined) => compileWhere(postgresDialect, columns, parseSelector(selector), tenants, dollar);
    return {
      kind,
      get: async (id) => (await this.query<{ doc: DocumentOf[K] }>(`SELECT doc FROM ${kind} WHERE id = $1`, [id], `provd_get_${kind}`)).rows[0]?.doc,
      getMany: async (ids) => {
        if (ids.length === 0) return [];
        const rows = (await this.query<{ id: string; doc: DocumentOf[K] }>(`SELECT id, doc FROM ${kind} WHERE id = ANY($1::text[])`, [ids])).rows;
        const byId = new Map(rows.map((r) => [r.id, r.doc]));
        return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
      },
      count: async (selector, options = {}) => {
        const w = where(selector, options.tenants);
        return Number((await this.query<{ n: string }>(`SELECT count(*) AS n FROM ${kind} WHERE ${w.sql}`, w.params)).rows[0]!.n);
      },
      findOne: async (selector, options = {}) => {
        const w = where(selector, options.tenants);
        return (await this.query<{ doc: DocumentOf[K] }>(`SELECT doc FROM ${kind} WHERE ${w.sql} ORDER BY id LIMIT 1`, w.params)).rows[0]?.doc;
      },
      idsAfter: async (selector, after, limit) => {
        const w = where(selector, undefined);
        const params = [...w.params];
        let sql = `SELECT id FROM ${kind} WHERE ${w.sql}`;
        if (after !== undefined) {
          params.push(after);
          sql += ` AND id > $${params.length}`;
        }
        params.push(limit);
        sql += ` ORDER BY id LIMIT $${params.length}`;
        return (await this.query<{ id: string }>(sql, params)).rows.map((r) => r.id);
      },
      find: (selector, options) => this.find(kind, columns, selector, options),
    };
  }

  private async find<K extends DocumentKind>(kind: K, columns: TableColumns, selector: Selector | undefined, options: FindOptions = {}): Promise<FindResult<DocumentOf[K]>> {
    const w = compileWhere(postgresDialect, columns, parseSelector(selector), options.tenants, dollar);
    const params = [...w.params];
    const order = compileOrder(postgresDialect, columns, options, (v) => (params.push(v), dollar(params.length)));
    const skip = Math.max(0, Math.trunc(options.skip ?? 0));
    const limit = Math.max(0, Math.trunc(options.limit ?? 0));
    params.push(limit === 0 ? null : limit, skip);
    const sql = `SELECT doc FROM ${kind} WHERE ${w.sql} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const rows = (await this.query<{ doc: DocumentOf[K] }>(sql, params)).rows;
    const items = rows.map((r) => projectFields(r.doc, options.fields));
    const total =
      (limit === 0 || items.length < limit) && (skip === 0 || items.length > 0)
        ? skip + items.length
        : Number((await this.query<{ n: string }>(`SELECT count(*) AS n FROM ${kind} WHERE ${w.sql}`, w.params)).rows[0]!.n);
    return { items, total };
  }

  async phoneLookup(mac: string, ip: string, limit: number): Promise<PhoneLookup> {
    // a MAC and an IP no device ever stored (a new phone): nothing to find (a device of its MAC created by another
    // host since, its change not read yet, makes the creation fail on the MAC kept unique, and the caller looks up
    // again, with queries)
    if (this.storedState === 'ready' && !this.stored.mac.mayHave(mac) && !this.stored.ip.mayHave(ip)) return { byMac: undefined, byIp: async () => [] };
    // one round trip for both (a new phone needs the second right after the first found nothing)
    const rows = (
      await this.query<{ doc: DeviceRecord; by_mac: boolean }>(
        `(SELECT doc, true AS by_mac FROM devices WHERE mac = $1::text ORDER BY id LIMIT 1)
         UNION ALL (SELECT doc, false AS by_mac FROM devices WHERE ip = $2::text ORDER BY id LIMIT $3)`,
        [mac, ip, limit],
        'provd_phone_lookup',
      )
    ).rows;
    // (in id order: a union's rows come in no promised order; ids are ASCII, compared as the "C" collation does)
    const byIp = rows.filter((r) => !r.by_mac).map((r) => r.doc).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { byMac: rows.find((r) => r.by_mac)?.doc, byIp: async () => byIp.map((d) => structuredClone(d)) };
  }

  async revision(kind: DocumentKind, id: string): Promise<number> {
    return (await this.query<{ rev: number }>(`SELECT rev FROM ${kind} WHERE id = $1`, [id])).rows[0]?.rev ?? 0;
  }

  commit(changes: ChangeSet): Promise<CommitResult> {
    if (this.closed) return Promise.reject(hostError('PROVD_HOST_STORE_FAILED', { where: this.where, reason: 'the store is closed' }));
    return this.queue.submit(changes);
  }

  put<K extends DocumentKind>(kind: K, doc: DocumentOf[K], expect?: WriteExpectation): Promise<CommitResult> {
    return this.commit({ writes: [{ op: 'put', kind, doc, expect } as never] });
  }

  async delete(kind: DocumentKind, id: string): Promise<boolean> {
    try {
      await this.commit({ writes: [{ op: 'delete', kind, id, expect: 'present' }] });
      return true;
    } catch (err) {
      if (isProvdError(err, 'PROVD_HOST_STORE_CONFLICT')) return false;
      throw err;
    }
  }

  private async flush(batch: ChangeSet[]): Promise<(CommitResult | Error)[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      const failure = this.failed(err);
      return batch.map(() => failure);
    }
    const trim = ++this.commits % 1000 === 0 ? [`DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ${CHANGE_LOG_KEEP}`] : [];
    try {
      // (before the write: a value is in the fingerprints before any look-up could find it stored)
      for (const changes of batch) this.addStored(storedValues(changes.writes));
      const deferSync = batch.every((changes) => changes.deferSync === true);
      // the batch's notification carries this store's token: its changes are announced here, not read back
      const closing = [...trim, `NOTIFY ${CHANGE_CHANNEL}, '${this.notifyToken}'`];
      const written = await writeBatch(client, batch, { hostId: this.hostId, lock: WRITE_LOCK, finally: closing, deferSync, since: this.seenSeq, readChange: (seq, payload) => this.readChange(seq, payload) });
      client.release();
      this.deliver(written.changes);
      return written.outcomes.map((o) => (o instanceof Error ? this.failed(o) : o));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if (!isDataRefusal(err)) {
        // a connection lost meanwhile is not given back to the pool
        client.release(err instanceof Error && !('code' in err) ? err : undefined);
        const failure = this.failed(err);
        return batch.map(() => failure);
      }
      // The database refused a statement (nothing was committed): write the change sets again one at a time, each
      // under a savepoint, so only the one at fault fails.
      this.log(`store: a batch of ${batch.length} change set(s) was refused as a whole (${(err as Error).message}); writing them one at a time`);
    }
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
      const outcomes = await this.writeOneByOne(client, batch);
      // a notification without this store's token: its listener reads these changes from the log, in order
      await client.query(`${[...trim, `NOTIFY ${CHANGE_CHANNEL}`].join('; ')}; COMMIT`);
      return outcomes;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      const failure = this.failed(err);
      return batch.map(() => failure);
    } finally {
      client.release();
    }
  }

  /** Writes the change sets of a batch one at a time, each under its own savepoint (failing alone). */
  private async writeOneByOne(client: pg.PoolClient, batch: readonly ChangeSet[]): Promise<(CommitResult | Error)[]> {
    const outcomes: (CommitResult | Error)[] = [];
    for (const changes of batch) {
      await client.query('SAVEPOINT change');
      try {
        outcomes.push(await this.apply(client, changes));
        await client.query('RELEASE SAVEPOINT change');
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT change; RELEASE SAVEPOINT change');
        outcomes.push(this.failed(err));
      }
    }
    return outcomes;
  }

  private async apply(client: pg.PoolClient, changes: ChangeSet): Promise<CommitResult> {
    const revs: number[] = [];
    const writes: StoreChange['writes'] = [];
    for (const write of changes.writes ?? []) {
      const id = writeId(write);
      checkId(write.kind, id);
      const found = await client.query<{ rev: number }>(`SELECT rev FROM ${write.kind} WHERE id = $1 FOR UPDATE`, [id]);
      const rev = found.rows[0]?.rev ?? 0;
      checkExpectation(write.kind, id, rev, write.expect);
      if (write.op === 'fields') {
        // the stored document's keys set in place: absent, nothing is written
        const fields = fieldsObject(Object.fromEntries(fieldTexts(write)));
        if (rev > 0) await client.query(`UPDATE ${write.kind} SET rev = $1, doc = doc || $2::jsonb WHERE id = $3`, [rev + 1, fields, id]);
        revs.push(rev > 0 ? rev + 1 : 0);
        writes.push({ kind: write.kind, id, deleted: false });
        continue;
      }
      if (write.op === 'delete') {
        await client.query(`DELETE FROM ${write.kind} WHERE id = $1`, [id]);
        if (write.kind === 'configs') await client.query('DELETE FROM config_parents WHERE config_id = $1', [id]);
        revs.push(0);
        writes.push({ kind: write.kind, id, deleted: true });
        continue;
      }
      const doc = write.doc as unknown as Record<string, unknown>;
      const cols = INDEXED_COLUMNS[write.kind];
      const values = [id, rev + 1, ...columnValues(write.kind, doc), JSON.stringify(doc)];
      await client.query(
        `INSERT INTO ${write.kind} (id, rev, ${cols.join(', ')}, doc) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}::jsonb)
         ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, doc = excluded.doc`,
        values,
      );
      if (write.kind === 'configs') {
        await client.query('DELETE FROM config_parents WHERE config_id = $1', [id]);
        const parents = parentIds(doc);
        if (parents.length > 0) await client.query('INSERT INTO config_parents (parent_id, config_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [parents, id]);
      }
      revs.push(rev + 1);
      writes.push({ kind: write.kind, id, deleted: false });
    }
    const settings = Object.keys(changes.settings ?? {});
    for (const [key, value] of Object.entries(changes.settings ?? {})) {
      if (value === undefined) await client.query('DELETE FROM settings WHERE key = $1', [key]);
      else await client.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
    }
    const jobs: ReconfigureJob[] = [];
    const created = new Date().toISOString();
    for (const job of changes.jobs ?? []) {
      parseSelector(job.selector);
      const deconfigure = job.deconfigure && job.deconfigure.length > 0 ? JSON.stringify(job.deconfigure) : null;
      const row = await client.query<{ id: string }>('INSERT INTO jobs (reason, selector, deconfigure, created, origin) VALUES ($1, $2::jsonb, $3::jsonb, $4, $5) RETURNING id', [
        job.reason,
        JSON.stringify(job.selector),
        deconfigure,
        created,
        this.hostId,
      ]);
      jobs.push({
        id: Number(row.rows[0]!.id),
        reason: job.reason,
        selector: structuredClone(job.selector),
        ...(deconfigure ? { deconfigure: structuredClone(job.deconfigure!) } : {}),
        created,
        origin: this.hostId,
      });
    }
    for (const p of changes.progress ?? []) {
      await client.query(
        `INSERT INTO job_progress (job, host, cursor, done, total, finished) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (job, host) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, total = excluded.total, finished = excluded.finished`,
        [p.job, p.host, p.cursor ?? null, p.done, p.total, p.finished],
      );
    }
    for (const f of changes.finished ?? []) {
      await client.query(
        `INSERT INTO job_progress (job, host, cursor, done, total, finished) VALUES ($1, $2, NULL, $3, $4, true)
         ON CONFLICT (job, host) DO UPDATE SET done = excluded.done, total = excluded.total, finished = true`,
        [f.job, this.hostId, f.done, f.total],
      );
      const gone = await client.query(
        `DELETE FROM jobs WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.seen >= $2
           AND NOT EXISTS (SELECT 1 FROM job_progress p WHERE p.job = $1 AND p.host = h.host AND p.finished))`,
        [f.job, hostsSince()],
      );
      if ((gone.rowCount ?? 0) > 0) await client.query('DELETE FROM job_progress WHERE job = $1', [f.job]);
    }
    const body = { origin: this.hostId, writes, settings, jobs: jobs.map((j) => j.id) };
    const seqRow = await client.query<{ seq: string }>('INSERT INTO changes (payload) VALUES ($1) RETURNING seq', [changePayload(body, storedValues(changes.writes))]);
    return { seq: Number(seqRow.rows[0]!.seq), revs, jobs };
  }

  async setting<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value;
  }

  async settingOrInit<T>(key: string, value: T): Promise<T> {
    // the first INSERT committed wins; a host losing the race reads the winner's value
    await this.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING', [key, JSON.stringify(value)]);
    return (await this.setting<T>(key)) as T;
  }

  async settings(): Promise<Record<string, unknown>> {
    const rows = (await this.query<{ key: string; value: unknown }>('SELECT key, value FROM settings ORDER BY key')).rows;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async jobs(): Promise<ReconfigureJob[]> {
    const rows = (
      await this.query<{ id: string; reason: string; selector: Selector; deconfigure: DeviceRecord[] | null; created: string; origin: string }>(
        'SELECT id, reason, selector, deconfigure, created, origin FROM jobs ORDER BY id',
      )
    ).rows;
    return rows.map(({ deconfigure, ...r }) => ({ ...r, id: Number(r.id), ...(deconfigure ? { deconfigure } : {}) }));
  }

  async jobProgress(id?: number): Promise<JobProgress[]> {
    const rows = (
      await (id === undefined
        ? this.query<{ job: string; host: string; cursor: string | null; done: number; total: number; finished: boolean }>('SELECT * FROM job_progress ORDER BY job, host')
        : this.query<{ job: string; host: string; cursor: string | null; done: number; total: number; finished: boolean }>('SELECT * FROM job_progress WHERE job = $1 ORDER BY host', [id]))
    ).rows;
    return rows.map((r) => ({ job: Number(r.job), host: r.host, ...(r.cursor === null ? {} : { cursor: r.cursor }), done: r.done, total: r.total, finished: r.finished }));
  }

  async dropJob(id: number): Promise<void> {
    await this.queue.drain();
    await this.query('WITH gone AS (DELETE FROM job_progress WHERE job = $1) DELETE FROM jobs WHERE id = $1', [id]);
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async lastSeq(): Promise<number> {
    return Number((await this.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM changes')).rows[0]!.seq ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.drain();
    this.closed = true;
    this.listeners.clear();
    await this.catchingUp;
    await this.listenClient?.end().catch(() => {});
    await this.pool.end();
  }
}
