/**
 * The writer of the SQLite store, on a thread of its own: it holds the only connection that writes, and runs each
 * batch of change sets as one transaction, each change set under a savepoint of its own. The main thread compiles
 * every change set into a {@link WritePlan} (SQL and parameters) and only waits for the answer, so a commit's fsync
 * never blocks the event loop, and change sets submitted meanwhile form the next batch.
 *
 * Group commit at the fsync: a transaction is committed with `synchronous=NORMAL` (written to the WAL), then the WAL
 * is fsynced on the thread pool, and the batch is answered once an fsync that started after its commit has ended:
 * what `synchronous=FULL` gives (an fsync of the WAL after every commit), except that the next batch's statements run
 * while the previous one's fsync is in flight, and one fsync covers every transaction committed before it started.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A revision an expectation needs: `a` absent, `p` present, a number that exact revision, `null` none. */
export type PlanExpectation = 'a' | 'p' | number | null;

/**
 * One statement of a plan. `params` may hold `{ref: i}`: the value step `i` produced. What a step produces:
 * - `check`: the stored revision (`SELECT rev ...`, 0 when absent), which must meet `expect` or the change set fails;
 * - `value`: the single value the statement returns (e.g. `RETURNING rev`);
 * - `run`: the rowid the statement inserted;
 * - `count`: how many rows it changed;
 * - `vacant`: nothing, and the change set fails (its outcome naming the first column value found) unless the
 *   statement (`SELECT <text> ...`) finds no row.
 */
export type PlanStep =
  | { mode: 'check'; sql: string; params: readonly unknown[]; expect: PlanExpectation }
  | { mode: 'vacant'; sql: string; params: readonly unknown[] }
  | { mode: 'value' | 'run' | 'count'; sql: string; params: readonly unknown[] };

/** The statements of one change set, run in order under one savepoint. */
export type WritePlan = readonly PlanStep[];

/**
 * What one plan gave: the value of each step; or the step whose expectation failed and the revision found there (or,
 * for a `vacant` step, what it found); or the error SQLite raised.
 */
export type PlanOutcome =
  | { ok: true; values: (number | null)[] }
  | { ok: false; step: number; rev: number }
  | { ok: false; step: number; found: string }
  | { ok: false; step: number; message: string; code?: string };

/**
 * The writer thread's heap: a young generation of 4 MB, and an old one of 256 MB at most (it holds a few MB: the
 * statements and the batch being written). Under a limit of 256 MB V8 lets the old generation grow to 1.3x what the
 * last full collection kept, instead of up to 4x under the default limit of a machine with a few GB.
 */
const WRITER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };
/** The number of each step mode in the messages to the thread. */
const MODES: Readonly<Record<PlanStep['mode'], number>> = { check: 0, vacant: 1, value: 2, run: 3, count: 4 };
/**
 * The most SQL texts the thread keeps prepared: past it, it forgets them all and the numbering starts again. The
 * store's texts are a few dozen (a statement with one placeholder per job recorded is one text per count).
 */
const MAX_STATEMENTS = 1000;

type Reply = { id: number; outcomes: PlanOutcome[] } | { id: number; failed: string } | { ready: true } | { openFailed: string } | { syncFailed: string };

// The worker's code (CommonJS, evaluated, like the file writer pool of @provd/sdk): generic over plans, so every
// decision about documents stays in the typed main-thread code.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  // the commits' fsync is this thread's own (syncWal): what synchronous=FULL does, overlapped with the next batch
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  if (workerData.cacheKib !== undefined) db.pragma('cache_size = -' + Number(workerData.cacheKib));
  // statement journals (each statement's and savepoint's undo pages) in memory: in temporary files, they were 2 of
  // every 3 writes of a commit of new devices
  db.pragma('temp_store = MEMORY');
} catch (e) {
  parentPort.postMessage({ openFailed: e.message });
  process.exit(0);
}
// the statements by number: the main thread sends each SQL text once, then its number (SqliteWriter.write); each is
// prepared at its first use (a statement that does not compile fails its plan alone)
const texts = [];
const statements = [];
const stmt = (n) => {
  let s = statements[n];
  if (!s) {
    s = db.prepare(texts[n]);
    // a statement returning rows answers its first column
    if (s.reader) s.pluck();
    statements[n] = s;
  }
  return s;
};
const tx = {
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  rollback: db.prepare('ROLLBACK'),
  savepoint: db.prepare('SAVEPOINT change'),
  release: db.prepare('RELEASE change'),
  rollbackTo: db.prepare('ROLLBACK TO change'),
};
const meets = (rev, e) => e === null || (e === 'a' ? rev === 0 : e === 'p' ? rev !== 0 : rev === e);
// a step: [mode, statement number, params, expect] (modes: 0 check, 1 vacant, 2 value, 3 run, 4 count)
function run(plan) {
  const values = [];
  for (let i = 0; i < plan.length; i++) {
    const [mode, n, raw, expect] = plan[i];
    const params = raw.map((p) => (p !== null && typeof p === 'object' ? values[p.ref] : p));
    try {
      if (mode === 0) {
        const rev = stmt(n).get(...params) ?? 0;
        values.push(rev);
        if (!meets(rev, expect)) return { ok: false, step: i, rev };
      } else if (mode === 1) {
        const found = stmt(n).get(...params);
        if (found !== undefined) return { ok: false, step: i, found: String(found) };
        values.push(null);
      } else if (mode === 2) {
        const v = stmt(n).get(...params);
        values.push(v === undefined ? null : v);
      } else {
        const r = stmt(n).run(...params);
        values.push(mode === 4 ? r.changes : Number(r.lastInsertRowid));
      }
    } catch (e) {
      return { ok: false, step: i, message: e.message, code: e.code };
    }
  }
  return { ok: true, values };
}
// Every transaction is committed with synchronous=NORMAL (the WAL written, not fsynced), then the WAL is fsynced on
// the thread pool while the next transactions are written: one fsync at a time, the next one starting when it ends,
// for what was committed since. A durable write is answered when the fsync that covers it ends ('waiting': those
// committed before the fsync in flight started are 'covered'); a deferSync write is answered at its commit.
let walFd;
let unsynced = false;
let syncing = false;
let covered = [];
let waiting = [];
function syncWal() {
  if (syncing || !unsynced) return;
  unsynced = false;
  covered = waiting;
  waiting = [];
  try {
    if (walFd === undefined) walFd = fs.openSync(workerData.file + '-wal', 'r');
  } catch (e) {
    // no WAL file to open: a checkpoint writes what it holds into the database file, and syncs both
    let failed;
    try { db.pragma('wal_checkpoint(FULL)'); } catch (c) { failed = c.message; }
    return answer(covered, failed);
  }
  syncing = true;
  // (syncDelayMs: a slow disk, for tests)
  const sync = (done) => (workerData.syncDelayMs ? setTimeout(() => fs.fsync(walFd, done), workerData.syncDelayMs) : fs.fsync(walFd, done));
  sync((err) => {
    syncing = false;
    if (err) parentPort.postMessage({ syncFailed: err.message });
    answer(covered, err ? err.message : undefined);
    if (closing) close();
    else syncWal();
  });
}
// answers the writes an fsync covered, in commit order (an fsync that failed fails the durable ones: committed,
// maybe not on disk)
function answer(replies, failed) {
  for (const r of replies) parentPort.postMessage(failed === undefined || r.deferSync ? r.reply : { id: r.reply.id, failed: 'the journal could not be flushed to disk: ' + failed });
  covered = [];
}
let closing = false;
function close() {
  // what was written without its fsync is on disk first (the fsync in flight done: its descriptor is closed after it)
  if (syncing) return;
  let failed;
  if (walFd !== undefined) {
    try { if (unsynced) fs.fsyncSync(walFd); } catch (e) { failed = e.message; }
    try { fs.closeSync(walFd); } catch {}
  } else if (unsynced) {
    try { db.pragma('wal_checkpoint(FULL)'); } catch (e) { failed = e.message; }
  }
  answer(waiting, failed);
  waiting = [];
  // statistics for the query planner, as SQLite advises at close (bounded: a sample of each index)
  try { db.pragma('analysis_limit = 400'); db.pragma('optimize'); } catch {}
  db.close();
  parentPort.close();
}
parentPort.on('message', (msg) => {
  if (msg.close) {
    closing = true;
    return close();
  }
  const outcomes = [];
  try {
    if (msg.reset) {
      texts.length = 0;
      statements.length = 0;
    }
    for (const [n, sql] of msg.texts) texts[n] = sql;
    tx.begin.run();
    try {
      for (const plan of msg.plans) {
        tx.savepoint.run();
        const outcome = run(plan);
        if (!outcome.ok) tx.rollbackTo.run();
        tx.release.run();
        outcomes.push(outcome);
      }
      tx.commit.run();
    } catch (e) {
      if (db.inTransaction) tx.rollback.run();
      throw e;
    }
  } catch (e) {
    return parentPort.postMessage({ id: msg.id, failed: e.message });
  }
  unsynced = true;
  // answers go in commit order (the store announces the changes in that order): a deferSync write is answered at
  // once unless a durable one before it still waits for its fsync, then right after it
  const reply = { id: msg.id, outcomes };
  if (!msg.deferSync) waiting.push({ reply });
  else if (waiting.length > 0) waiting.push({ reply, deferSync: true });
  else if (covered.length > 0) covered.push({ reply, deferSync: true });
  else parentPort.postMessage(reply);
  syncWal();
});
parentPort.postMessage({ ready: true });
`;

/**
 * The writer thread of one SQLite file. A thread that stops unexpectedly (its transaction is rolled back with it)
 * fails the writes it held, and the next write starts a new one.
 */
export class SqliteWriter {
  private worker!: Worker;
  private readonly waiting = new Map<number, { resolve: (o: PlanOutcome[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private running = false;
  private closed = false;
  private ready!: Promise<void>;
  /** The number each SQL text was sent under to the current thread (see {@link SqliteWriter.write}). */
  private sqlNumbers = new Map<string, number>();

  private constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
    private readonly cacheKib: number | undefined,
    private readonly syncDelayMs: number | undefined,
  ) {
    this.spawn();
  }

  private spawn(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // a new thread knows no statement yet
    this.sqlNumbers = new Map();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver, cacheKib: this.cacheKib, syncDelayMs: this.syncDelayMs }, resourceLimits: WRITER_HEAP_LIMITS });
    this.worker = worker;
    this.running = true;
    worker.unref();
    let opened!: () => void;
    let refused!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((opened = resolve), (refused = reject)));
    this.ready.catch(() => {});
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) return opened();
      if ('openFailed' in reply) return refused(new Error(reply.openFailed));
      // the fsync after transactions answered before it (deferSync) failed: they may not be on disk
      if ('syncFailed' in reply) return this.log(`store: the SQLite journal ${this.file}-wal could not be flushed to disk (${reply.syncFailed}); the changes waiting for it failed, and devices created for new phones since the last flush may be lost in a power loss`);
      const job = this.waiting.get(reply.id);
      if (!job) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('failed' in reply) job.reject(new Error(reply.failed));
      else job.resolve(reply.outcomes);
    });
    let stopped = false;
    const fail = (err: Error): void => {
      if (stopped) return;
      stopped = true;
      if (this.worker === worker) this.running = false;
      refused(err);
      if (!this.closed) this.log(`store: the SQLite writer thread stopped (${err.message}); the next change starts a new one`);
      for (const job of this.waiting.values()) job.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  /**
   * Starts the writer of `file` (which must exist) and resolves once its connection is open; `cacheKib`: the page
   * cache of that connection, in KiB (the driver's default otherwise); `options.syncDelayMs`: each fsync of the
   * journal starts that much later (a slow disk, for tests).
   */
  static async start(file: string, log: (line: string) => void = () => {}, cacheKib?: number, options: { syncDelayMs?: number } = {}): Promise<SqliteWriter> {
    const writer = new SqliteWriter(file, log, cacheKib, options.syncDelayMs);
    try {
      await writer.ready;
    } catch (err) {
      writer.closed = true;
      await writer.worker.terminate();
      throw err;
    }
    return writer;
  }

  /**
   * Runs `plans` in one transaction (each under its own savepoint: a failing plan leaves nothing behind) and resolves
   * once it is committed and on disk (an fsync of the journal that started after its commit has ended), with one
   * outcome per plan. Rejects when the transaction itself failed (nothing of any plan was kept), or when that fsync
   * failed (committed, maybe not on disk). Writes sent while one waits for its fsync are run meanwhile, and share the
   * next fsync. `deferSync`: resolves once the transaction is written to the journal (it survives a crash of this
   * process), before its fsync (one at a time, each for what was written before it started: so within about two
   * fsyncs); a later durable write is answered after an fsync covering both.
   */
  write(plans: readonly WritePlan[], deferSync = false): Promise<PlanOutcome[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    if (!this.running) this.spawn();
    const id = this.nextId++;
    // each SQL text crosses to the thread once (a change set's statements are a few fixed texts), then its number
    const fresh = new Set<string>();
    for (const plan of plans) for (const step of plan) if (!this.sqlNumbers.has(step.sql)) fresh.add(step.sql);
    // past the bound, the thread forgets its statements and the numbering starts again
    const reset = this.sqlNumbers.size > 0 && this.sqlNumbers.size + fresh.size > MAX_STATEMENTS;
    if (reset) {
      this.sqlNumbers.clear();
      for (const plan of plans) for (const step of plan) fresh.add(step.sql);
    }
    const texts: [number, string][] = [];
    for (const sql of fresh) {
      const n = this.sqlNumbers.size;
      this.sqlNumbers.set(sql, n);
      texts.push([n, sql]);
    }
    const compact = plans.map((plan) => plan.map((step) => [MODES[step.mode], this.sqlNumbers.get(step.sql)!, step.params, step.mode === 'check' ? step.expect : null]));
    return new Promise<PlanOutcome[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage({ id, reset, deferSync, texts, plans: compact });
    });
  }

  /** Closes the connection (after the writes already sent) and stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    this.worker.postMessage({ close: true });
    await exited;
  }

  /** Stops the thread at once, as a crash would (for tests of the recovery). */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }
}
