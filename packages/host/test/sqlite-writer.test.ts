import { performance } from 'node:perf_hooks';
import { testdir, type TestDir } from '@provd/test-utils';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteWriter } from '../src/store/sqlite-writer';

describe('SqliteWriter', () => {
  let dir: TestDir;
  let file: string;
  beforeEach(async () => {
    dir = await testdir();
    file = dir.join('w.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
    db.close();
  });
  afterEach(() => dir.cleanup());

  const insert = (x: number) => ({ mode: 'run' as const, sql: 'INSERT INTO t (x) VALUES (?)', params: [x] });
  const rows = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT x FROM t ORDER BY x').pluck().all();
    } finally {
      db.close();
    }
  };

  it('runs each plan under its own savepoint: a plan whose expectation fails leaves nothing, the others are committed', async () => {
    const writer = await SqliteWriter.start(file);
    const outcomes = await writer.write([
      [insert(1)],
      [insert(2), { mode: 'check', sql: 'SELECT count(*) FROM t WHERE x = ?', params: [1], expect: 'a' }],
      [insert(3), { mode: 'value', sql: 'SELECT max(x) FROM t', params: [] }],
    ]);
    expect(outcomes).toEqual([
      { ok: true, values: [1] },
      { ok: false, step: 1, rev: 1 },
      { ok: true, values: [2, 3] },
    ]);
    await writer.close();
    expect(rows()).toEqual([1, 3]);
  });

  it('answers a durable write once an fsync that started after its commit has ended, runs the next writes meanwhile, and a deferSync write at its commit, in commit order', async () => {
    // each fsync of the journal starts a second late: a slow disk
    const writer = await SqliteWriter.start(file, () => {}, undefined, { syncDelayMs: 1000 });
    const t0 = performance.now();
    const answered: string[] = [];
    const took: Record<string, number> = {};
    const track = <T>(name: string, sent: number, p: Promise<T>): Promise<T> =>
      p.then((o) => (answered.push(name), (took[name] = performance.now() - sent), o));
    const d = track('d', t0, writer.write([[insert(1)]], true));
    const a = track('a', t0, writer.write([[insert(2)]]));
    await new Promise((r) => setTimeout(r, 100));
    const sentB = performance.now();
    const b = track('b', sentB, writer.write([[insert(3), { mode: 'value', sql: 'SELECT count(*) FROM t', params: [] }]]));
    const c = track('c', sentB, writer.write([[insert(4)]], true));
    // b and c are committed (seen by another connection) while a still waits for its fsync; d was answered at once
    await expect.poll(() => rows()).toEqual([1, 2, 3, 4]);
    expect(answered).toEqual(['d']);
    expect(await b).toEqual([{ ok: true, values: [3, 3] }]);
    await Promise.all([d, a, c]);
    // answered in commit order; a and b each after a whole fsync that started after their commit
    expect(answered).toEqual(['d', 'a', 'b', 'c']);
    expect(took.a).toBeGreaterThanOrEqual(1000);
    expect(took.b).toBeGreaterThanOrEqual(1000);
    // the thread stops at once (as in a crash of the process): what was written is kept
    await writer.kill();
    expect(rows()).toEqual([1, 2, 3, 4]);
  });

  it('runs each statement text it was given, however many there were (its statements numbered and forgotten in turn)', async () => {
    const writer = await SqliteWriter.start(file);
    // 1,500 distinct texts, 300 a write, each text again in the next write: the thread forgets what it prepared once
    // it holds 1,000, and the texts of one write keep their meaning
    const value = (k: number) => ({ mode: 'value' as const, sql: `SELECT ? + ${k}`, params: [1] });
    for (let w = 0; w < 5; w++) {
      const ks = Array.from({ length: 300 }, (_, i) => w * 300 + i);
      const again = w > 0 ? [w * 300 - 1] : [];
      const [outcome] = await writer.write([[...[...ks, ...again].map(value), { mode: 'value', sql: 'SELECT nonsense FROM nowhere', params: [] }]]);
      expect(outcome).toMatchObject({ ok: false, step: ks.length + again.length });
      const [ok] = await writer.write([[...ks, ...again].map(value)]);
      expect(ok).toEqual({ ok: true, values: [...ks, ...again].map((k) => k + 1) });
    }
    await writer.close();
  });

  it('fails the writes a stopped thread held, keeps nothing of them, and starts a new thread for the next write', async () => {
    const lines: string[] = [];
    const writer = await SqliteWriter.start(file, (line) => lines.push(line));
    await writer.write([[insert(1)]]);
    // a transaction still running (a long statement after its insert) when the thread dies: it stops when the
    // statement returns, before its COMMIT
    const slow = writer.write([[insert(2), { mode: 'value', sql: 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000000) SELECT count(*) FROM c', params: [] }]]);
    await new Promise((r) => setTimeout(r, 200));
    await writer.kill();
    await expect(slow).rejects.toThrow();
    expect(lines.join('\n')).toMatch(/writer thread stopped/);
    expect((await writer.write([[insert(3)]]))[0]).toMatchObject({ ok: true });
    await writer.close();
    expect(rows()).toEqual([1, 3]);
  }, 60_000);
});
