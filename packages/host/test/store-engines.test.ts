import { join } from 'node:path';
import { isProvdError } from '@provd/sdk';
import Database from 'better-sqlite3';
import { testdir, type TestDir } from '@provd/test-utils';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANGE_CHANNEL, PostgresStore } from '../src/store/postgres-store';
import { SQLITE_FILE, SqliteStore } from '../src/store/sqlite-store';
import type { DeviceRecord, Store, StoreChange } from '../src/store/store';
import { freshPgDatabase } from './store-helpers';

interface Engine {
  name: string;
  /** Opens a store; the same `slot` opens the same data again (after a close). */
  open(slot?: string, hostId?: string): Promise<Store>;
  /** Stores a device row in `slot`'s database behind the stores' back (as another program would): no change recorded. */
  behind(doc: DeviceRecord, slot?: string): Promise<void>;
  cleanup(): Promise<void>;
}

const engines: { name: string; make: () => Promise<Engine> }[] = [
  {
    name: 'sqlite',
    make: async () => {
      const dir: TestDir = await testdir();
      return {
        name: 'sqlite',
        open: async (slot = 'a', hostId = 'host-1') => SqliteStore.open(dir.join(slot), { hostId }),
        behind: async (doc, slot = 'a') => {
          const db = new Database(join(dir.join(slot), SQLITE_FILE));
          try {
            db.prepare('INSERT INTO devices (id, rev, mac, ip, doc) VALUES (?, 1, ?, ?, ?)').run(doc.id, doc.mac ?? null, doc.ip ?? null, JSON.stringify(doc));
          } finally {
            db.close();
          }
        },
        cleanup: () => dir.cleanup(),
      };
    },
  },
  {
    name: 'postgres',
    make: async () => {
      const dbs = new Map<string, Awaited<ReturnType<typeof freshPgDatabase>>>();
      return {
        name: 'postgres',
        open: async (slot = 'a', hostId = 'host-1') => {
          if (!dbs.has(slot)) dbs.set(slot, await freshPgDatabase());
          return PostgresStore.open(dbs.get(slot)!.url, { hostId });
        },
        behind: async (doc, slot = 'a') => {
          const client = new pg.Client({ connectionString: dbs.get(slot)!.url });
          await client.connect();
          try {
            await client.query('INSERT INTO devices (id, rev, mac, ip, doc) VALUES ($1, 1, $2, $3, $4)', [doc.id, doc.mac ?? null, doc.ip ?? null, JSON.stringify(doc)]);
          } finally {
            await client.end();
          }
        },
        cleanup: async () => {
          for (const db of dbs.values()) await db.drop();
        },
      };
    },
  },
];

const dev = (id: string, extra: Record<string, unknown> = {}): DeviceRecord => ({ id, tenant_uuid: 't1', ...extra }) as DeviceRecord;

describe.each(engines)('store engine $name', ({ make }) => {
  let engine: Engine;
  let store: Store;
  const opened: Store[] = [];
  const open = async (slot?: string, hostId?: string) => {
    const s = await engine.open(slot, hostId);
    opened.push(s);
    return s;
  };
  beforeEach(async () => {
    engine = await make();
    store = await open();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await engine.cleanup();
  });

  const ids = async (selector: Record<string, unknown>, options = {}) => (await store.devices.find(selector, options)).items.map((d) => d.id);

  it('puts, gets, revises and deletes documents; reads are copies', async () => {
    expect(await store.devices.get('a')).toBeUndefined();
    const first = await store.put('devices', dev('a', { mac: '00:11:22:33:44:55', options: { x: [1, 2] } }));
    expect(first.revs).toEqual([1]);
    const got = (await store.devices.get('a'))!;
    expect(got).toEqual({ id: 'a', tenant_uuid: 't1', mac: '00:11:22:33:44:55', options: { x: [1, 2] } });
    (got as unknown as Record<string, unknown>).mac = 'changed';
    expect((await store.devices.get('a'))!.mac).toBe('00:11:22:33:44:55');
    expect((await store.put('devices', dev('a', { mac: 'x' }))).revs).toEqual([2]);
    expect(await store.revision('devices', 'a')).toBe(2);
    expect(await store.delete('devices', 'a')).toBe(true);
    expect(await store.delete('devices', 'a')).toBe(false);
    expect(await store.revision('devices', 'a')).toBe(0);
    await expect(store.put('devices', dev('../etc'))).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_INVALID_ID'));
  });

  it('checks expectations inside the transaction and keeps nothing of a change set that fails', async () => {
    await store.put('devices', dev('a'));
    await expect(store.put('devices', dev('a'), 'absent')).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_DUPLICATE_ID'));
    await expect(store.put('devices', dev('b'), 'present')).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_STORE_CONFLICT'));
    await expect(store.put('devices', dev('a', { ip: '10.0.0.1' }), { rev: 7 })).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_STORE_CONFLICT'));
    await store.put('devices', dev('a', { ip: '10.0.0.2' }), { rev: 1 });
    // The first write of this change set is valid, the second is not: neither is kept, nor its job or setting.
    await expect(
      store.commit({
        writes: [
          { op: 'put', kind: 'devices', doc: dev('c') },
          { op: 'put', kind: 'devices', doc: dev('a'), expect: 'absent' },
        ],
        settings: { plugin_server: 'http://x/' },
        jobs: [{ reason: 'test', selector: {} }],
      }),
    ).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_DUPLICATE_ID'));
    expect(await store.devices.get('c')).toBeUndefined();
    expect(await store.setting('plugin_server')).toBeUndefined();
    expect(await store.jobs()).toEqual([]);
    expect((await store.devices.get('a'))!.ip).toBe('10.0.0.2');
  });

  it('writes keys of a stored document alone: the rest as stored, its revision increased, nothing for an absent one', async () => {
    const changes: StoreChange[] = [];
    store.watch((c) => changes.push(c));
    await store.put('devices', dev('a', { mac: '00:00:00:00:00:01', configured: false, options: { x: 1 } }));
    await store.put('devices', dev('e', { mac: '00:00:00:00:00:03' }));
    const flag = (id: string, fields: Record<string, unknown>, expect?: { rev: number }) => store.commit({ writes: [{ op: 'fields', kind: 'devices', id, fields, ...(expect ? { expect } : {}) }] });
    expect((await flag('a', { configured: true })).revs).toEqual([2]);
    expect(await store.devices.get('a')).toEqual({ id: 'a', tenant_uuid: 't1', mac: '00:00:00:00:00:01', configured: true, options: { x: 1 } });
    expect(await store.revision('devices', 'a')).toBe(2);
    expect(await ids({ mac: '00:00:00:00:00:01' })).toEqual(['a']);
    expect(await ids({ configured: true })).toEqual(['a']);
    expect((await flag('a', { configured: false, note: 'n' })).revs).toEqual([3]);
    expect(await store.devices.get('a')).toMatchObject({ configured: false, note: 'n', options: { x: 1 } });
    // an absent document stays absent
    expect((await flag('ghost', { configured: true })).revs).toEqual([0]);
    expect(await store.devices.get('ghost')).toBeUndefined();
    await expect(flag('a', { configured: true }, { rev: 1 })).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_STORE_CONFLICT'));
    for (const fields of [{ mac: 'x' }, { id: 'b' }, { 'a.b': 1 }, { f: undefined }]) {
      await expect(flag('a', fields)).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_STORE_FAILED'));
    }
    await store.commit({ writes: [{ op: 'put', kind: 'configs', doc: { id: 'base', parent_ids: [], raw_config: {} } }] });
    await expect(store.commit({ writes: [{ op: 'fields', kind: 'configs', id: 'base', fields: { parent_ids: ['x'] } }] })).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_STORE_FAILED'));
    expect((await store.devices.get('a'))!.configured).toBe(false);
    expect(changes.filter((c) => c.writes.some((w) => w.kind === 'devices')).at(-1)?.writes).toEqual([{ kind: 'devices', id: 'ghost', deleted: false }]);
    // in one commit, after a put and after a delete of the same document, and beside a unique key it keeps
    const results = await Promise.allSettled([
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('b', { ip: '10.0.0.1' }) }, { op: 'fields', kind: 'devices', id: 'b', fields: { configured: true } }] }),
      store.commit({ writes: [{ op: 'fields', kind: 'devices', id: 'b', fields: { label: 'second' } }] }),
      store.commit({ writes: [{ op: 'delete', kind: 'devices', id: 'a' }, { op: 'fields', kind: 'devices', id: 'a', fields: { configured: true } }] }),
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('c', { mac: '00:00:00:00:00:02' }) }] }),
      store.commit({ writes: [{ op: 'fields', kind: 'devices', id: 'c', fields: { configured: true } }] }),
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('d', { mac: '00:00:00:00:00:02' }), unique: ['mac'] }] }),
      store.commit({ writes: [{ op: 'fields', kind: 'devices', id: 'e', fields: { configured: true } }] }),
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('f', { mac: '00:00:00:00:00:03' }), unique: ['mac'] }] }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.revs : 'rejected'))).toEqual([[1, 2], [3], [0, 0], [1], [2], 'rejected', [2], 'rejected']);
    for (const at of [5, 7]) expect((results[at] as PromiseRejectedResult).reason).toSatisfy((e: unknown) => isProvdError(e, 'PROVD_HOST_DUPLICATE_KEY'));
    expect(await store.devices.get('b')).toEqual({ id: 'b', tenant_uuid: 't1', ip: '10.0.0.1', configured: true, label: 'second' });
    expect(await store.devices.get('a')).toBeUndefined();
    expect(await store.devices.get('c')).toEqual({ id: 'c', tenant_uuid: 't1', mac: '00:00:00:00:00:02', configured: true });
    expect(await ids({ ip: '10.0.0.1' })).toEqual(['b']);
  });

  it('groups concurrent change sets into commits, each succeeding or failing alone', async () => {
    await store.put('devices', dev('taken'));
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => (i === 30 ? store.put('devices', dev('taken'), 'absent') : store.put('devices', dev(`d${String(i).padStart(2, '0')}`, { ip: `10.0.0.${i}` })))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect((results[30] as PromiseRejectedResult).reason).toSatisfy((e: unknown) => isProvdError(e, 'PROVD_HOST_DUPLICATE_ID'));
    expect(await store.devices.count()).toBe(60);
    const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
    expect(new Set(seqs).size).toBe(59);
  });

  it('keeps a unique key unique inside the transaction: against what is stored and what the same commit wrote', async () => {
    await store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('old', { mac: '00:00:00:00:00:01' }) }, { op: 'put', kind: 'devices', doc: dev('mover', { mac: '00:00:00:00:00:02' }) }] });
    const put = (id: string, mac: string) => store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev(id, { mac }), unique: ['mac'] }] });
    // submitted in one turn of the event loop: one transaction, applied in order
    const results = await Promise.allSettled([
      put('a', '00:00:00:00:00:01'), // stored on "old": refused
      put('b', '00:00:00:00:00:03'), // free: taken
      put('c', '00:00:00:00:00:03'), // taken by "b" just before in the same commit: refused
      put('mover', '00:00:00:00:00:04'), // "mover" leaves 02 (its own new value: no conflict with itself)
      put('d', '00:00:00:00:00:02'), // freed by "mover" just before: taken
      put('old', '00:00:00:00:00:01'), // its own value: taken
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('e', { mac: '00:00:00:00:00:03' }) }] }), // not unique: taken
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const refused = (results[0] as PromiseRejectedResult).reason as Error;
    expect(refused).toSatisfy((e: unknown) => isProvdError(e, 'PROVD_HOST_DUPLICATE_KEY'));
    expect(refused.message).toContain('mac: "00:00:00:00:00:01" is already the MAC address of device "old"');
    expect(((results[2] as PromiseRejectedResult).reason as Error).message).toContain('of device "b"');
    expect(await store.devices.get('a')).toBeUndefined();
    expect(await store.devices.get('c')).toBeUndefined();
    expect((await store.devices.find({ mac: '00:00:00:00:00:02' })).items.map((d) => d.id)).toEqual(['d']);
    // a key without its own column cannot be kept unique
    await expect(store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('f'), unique: ['model'] }] })).rejects.toThrow(/"model" is not an indexed key/);
  });

  it('frees a unique value a document of the same commit was given and then left', async () => {
    const put = (id: string, mac: string) => store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev(id, { mac }), unique: ['mac'] }] });
    // one transaction: "b" takes 05, then leaves it for 06; "c" then finds 05 free, "d" finds 06 taken by "b"
    const results = await Promise.allSettled([put('b', '00:00:00:00:00:05'), put('b', '00:00:00:00:00:06'), put('c', '00:00:00:00:00:05'), put('d', '00:00:00:00:00:06')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(((results[3] as PromiseRejectedResult).reason as Error).message).toContain('of device "b"');
    expect((await store.devices.find({ mac: '00:00:00:00:00:05' })).items.map((d) => d.id)).toEqual(['c']);
  });

  it('commits change sets submitted one turn after another in that order, though several commits are in flight', async () => {
    const puts: Promise<{ seq: number; revs: number[] }>[] = [];
    let refused: Promise<unknown> = Promise.resolve();
    for (let i = 1; i <= 30; i++) {
      // one turn each (separate commits), none awaited; the 10th commit also holds a document PostgreSQL refuses (its
      // commit is then written again one change set at a time), and must still come in its place
      puts.push(store.put('devices', dev('x', { ip: `10.0.0.${i}` })));
      if (i === 10) refused = store.put('devices', dev('bad', { description: 'a \u0000 inside' })).catch(() => undefined);
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(puts);
    await refused;
    expect(results.map((r) => r.revs[0])).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const seqs = results.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await store.devices.get('x')).toEqual(dev('x', { ip: '10.0.0.30' }));
  });

  it('applies the change sets of one commit in order: a document written several times keeps its last state', async () => {
    const cfg = (id: string, parents: string[]) => ({ op: 'put' as const, kind: 'configs' as const, doc: { id, parent_ids: parents, raw_config: {} } });
    await store.commit({ writes: [cfg('base', [])] });
    // submitted in one turn of the event loop: one transaction
    const results = await Promise.all([
      store.put('devices', dev('a', { ip: '10.0.0.1' })),
      store.put('devices', dev('a', { ip: '10.0.0.2' })),
      store.commit({ writes: [{ op: 'delete', kind: 'devices', id: 'a', expect: 'present' }], jobs: [{ reason: 'first', selector: { id: 'a' } }] }),
      store.put('devices', dev('a', { ip: '10.0.0.3' }), 'absent'),
      store.commit({ writes: [cfg('leaf', ['base'])], jobs: [{ reason: 'second', selector: { config: 'leaf' } }], settings: { k: 1 } }),
      store.commit({ writes: [cfg('leaf', [])] }),
      store.commit({ settings: { k: undefined } }),
    ]);
    expect(results.map((r) => r.revs)).toEqual([[1], [2], [0], [1], [1], [2], []]);
    const seqs = results.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(results[2]!.jobs[0]!.id).toBeLessThan(results[4]!.jobs[0]!.id);
    expect((await store.jobs()).map((j) => j.reason)).toEqual(['first', 'second']);
    expect(await store.devices.get('a')).toEqual(dev('a', { ip: '10.0.0.3' }));
    expect(await store.revision('devices', 'a')).toBe(1);
    expect(await store.revision('configs', 'leaf')).toBe(2);
    expect((await store.configs.find({ parent_ids: { $contains: 'base' } })).items).toEqual([]);
    expect(await store.setting('k')).toBeUndefined();
  });

  it('evaluates equality and every established operator in the database', async () => {
    await store.commit({
      writes: [
        dev('a', { mac: '00:00:00:00:00:0a', ip: '10.0.0.1', vendor: 'Acme', version: '1.2', options: { n: 5, flag: true, tags: ['x', 'y'], sub: { k: 'v' } }, configured: true }),
        dev('b', { mac: '00:00:00:00:00:0b', ip: '10.0.0.2', vendor: 'Acme', version: '2.0', options: { n: 12, flag: false, tags: ['z'] }, configured: false }),
        dev('c', { vendor: 'Other', version: '10.1', options: { n: 7.5, note: null }, description: 'the lobby phone' }),
      ].map((doc) => ({ op: 'put' as const, kind: 'devices' as const, doc })),
    });
    expect(await ids({ vendor: 'Acme' })).toEqual(['a', 'b']);
    expect(await ids({ mac: '00:00:00:00:00:0b' })).toEqual(['b']);
    expect(await ids({ vendor: 'Acme', ip: '10.0.0.2' })).toEqual(['b']);
    expect(await ids({ 'options.n': 5 })).toEqual(['a']);
    expect(await ids({ 'options.sub.k': 'v' })).toEqual(['a']);
    expect(await ids({ 'options.sub': { k: 'v' } })).toEqual(['a']);
    expect(await ids({ 'options.flag': true })).toEqual(['a']);
    expect(await ids({ configured: false })).toEqual(['b']);
    expect(await ids({ 'options.note': null })).toEqual(['c']);
    expect(await ids({ 'options.tags': 'x' })).toEqual([]); // a list never equals a scalar
    expect(await ids({ 'options.tags': ['z'] })).toEqual(['b']);
    expect(await ids({ mac: { $ne: '00:00:00:00:00:0a' } })).toEqual(['b', 'c']); // a missing key matches $ne
    expect(await ids({ 'options.n': { $ne: 5 } })).toEqual(['b', 'c']);
    expect(await ids({ ip: { $in: ['10.0.0.2', '10.9.9.9'] } })).toEqual(['b']);
    expect(await ids({ 'options.n': { $in: [5, 7.5] } })).toEqual(['a', 'c']);
    expect(await ids({ ip: { $nin: ['10.0.0.2'] } })).toEqual(['a', 'c']);
    expect(await ids({ 'options.n': { $gt: 5 } })).toEqual(['b', 'c']);
    expect(await ids({ 'options.n': { $ge: 5, $lt: 12 } })).toEqual(['a', 'c']);
    expect(await ids({ 'options.n': { $le: 7.5 } })).toEqual(['a', 'c']);
    expect(await ids({ version: { $gt: '10' } })).toEqual(['b', 'c']); // strings compare by code point ('1.2' < '10')
    expect(await ids({ version: { $lt: '2' } })).toEqual(['a', 'c']);
    expect(await ids({ mac: { $gt: '00:00:00:00:00:0a' } })).toEqual(['b']);
    expect(await ids({ version: { $gt: 1 } })).toEqual([]); // other types never match
    expect(await ids({ 'options.tags': { $contains: 'y' } })).toEqual(['a']);
    expect(await ids({ description: { $contains: 'lobby' } })).toEqual(['c']);
    expect(await ids({ options: { $contains: 'note' } })).toEqual(['c']);
    expect(await ids({ ip: { $exists: true } })).toEqual(['a', 'b']);
    expect(await ids({ ip: { $exists: false } })).toEqual(['c']);
    expect(await ids({ 'options.note': { $exists: true } })).toEqual(['c']);
    expect(await ids({})).toEqual(['a', 'b', 'c']);
    await expect(store.devices.find({ ip: { $regex: 'x' } })).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_INVALID_SELECTOR') && /\$regex/.test((e as Error).message));
    await expect(store.devices.find({ ip: { $in: 'x' } })).rejects.toSatisfy((e) => isProvdError(e, 'PROVD_HOST_INVALID_SELECTOR'));
    expect(await store.devices.findOne({ vendor: 'Acme' })).toMatchObject({ id: 'a' });
    expect(await store.devices.count({ vendor: 'Acme' })).toBe(2);
  });

  it('answers the look-ups of the request pipeline (one indexed key, a small limit) as any other find', async () => {
    const shared = { ip: '10.0.0.7', vendor: 'Acme' };
    await store.commit({
      writes: [dev('k3', { ...shared, mac: '00:00:00:00:00:03' }), dev('k1', shared), dev('k2', { ...shared, sn: 'S2' }), dev('k4', { ip: '10.0.0.8', tenant_uuid: 't2' })].map((doc) => ({
        op: 'put' as const,
        kind: 'devices' as const,
        doc,
      })),
    });
    const two = await store.devices.find({ ip: '10.0.0.7' }, { limit: 2 });
    expect(two.items.map((d) => d.id)).toEqual(['k1', 'k2']);
    expect(two.total).toBe(3);
    const all = await store.devices.find({ ip: '10.0.0.7' }, { limit: 16 });
    expect(all.items.map((d) => d.id)).toEqual(['k1', 'k2', 'k3']);
    expect(all.total).toBe(3);
    expect(await store.devices.find({ ip: '10.9.9.9' }, { limit: 16 })).toEqual({ items: [], total: 0 });
    expect((await store.devices.findOne({ ip: '10.0.0.7' }))?.id).toBe('k1');
    expect((await store.devices.findOne({ sn: 'S2' }))?.id).toBe('k2');
    expect((await store.devices.findOne({ id: 'k4' }))?.ip).toBe('10.0.0.8');
    expect(await store.devices.findOne({ mac: '00:00:00:00:00:09' })).toBeUndefined();
    // a value of another type, a key without a column, a tenant filter or paging take the general path: same answers
    expect(await ids({ ip: 7 }, { limit: 16 })).toEqual([]);
    expect(await ids({ vendor: 'Acme' }, { limit: 2 })).toEqual(['k1', 'k2']);
    expect(await ids({ ip: '10.0.0.8' }, { limit: 16, tenants: ['t1'] })).toEqual([]);
    expect(await ids({ ip: '10.0.0.7' }, { limit: 2, skip: 1 })).toEqual(['k2', 'k3']);
    expect(await store.devices.findOne({ ip: '10.0.0.8' }, { tenants: ['t1'] })).toBeUndefined();
    // each read is a copy of its own
    const first = (await store.devices.findOne({ ip: '10.0.0.7' }))!;
    first.vendor = 'changed';
    expect((await store.devices.find({ ip: '10.0.0.7' }, { limit: 1 })).items[0]!.vendor).toBe('Acme');
    // both look-ups of a phone's request at once: its MAC's first device, and its IP's as find gives them
    const known = await store.phoneLookup('00:00:00:00:00:03', '10.0.0.7', 2);
    expect(known.byMac?.id).toBe('k3');
    expect((await known.byIp()).map((d) => d.id)).toEqual(['k1', 'k2']);
    const unknown = await store.phoneLookup('00:00:00:00:00:09', '10.0.0.7', 16);
    expect(unknown.byMac).toBeUndefined();
    const byIp = await unknown.byIp();
    expect(byIp).toEqual(all.items);
    byIp[0]!.vendor = 'changed';
    expect((await unknown.byIp())[0]!.vendor).toBe('Acme');
    expect(await (await store.phoneLookup('00:00:00:00:00:09', '10.9.9.9', 16)).byIp()).toEqual([]);
  });

  it("answers a phone's look-up of a MAC and an IP no device stored without a query: what was stored before the store opened is found, a row written behind its back since is not", async () => {
    // stored through the store, and behind its back before a reopen: both found
    await store.put('devices', dev('through', { mac: '00:00:00:00:01:01', ip: '10.1.0.1' }));
    await engine.behind(dev('before', { mac: '00:00:00:00:01:02', ip: '10.1.0.2' }));
    const found = async (s: Store, mac: string, ip: string) => {
      const lookup = await s.phoneLookup(mac, ip, 16);
      return { mac: lookup.byMac?.id, ip: (await lookup.byIp()).map((d) => d.id) };
    };
    expect(await found(store, '00:00:00:00:01:01', '10.1.0.1')).toEqual({ mac: 'through', ip: ['through'] });
    await store.close();
    store = await open();
    // a row behind the store's back now: the look-up of a MAC and an IP not stored before tells nothing of it (the
    // store's fingerprints of what was stored answer, not the database), once the store has read them (PostgreSQL
    // reads them after it opened: its look-ups query until then)
    if (store instanceof PostgresStore) await store.storedRead;
    await engine.behind(dev('since', { mac: '00:00:00:00:01:03', ip: '10.1.0.3' }));
    expect(await found(store, '00:00:00:00:01:03', '10.1.0.3')).toEqual({ mac: undefined, ip: [] });
    expect(await found(store, '00:00:00:00:01:02', '10.1.0.2')).toEqual({ mac: 'before', ip: ['before'] });
    expect(await found(store, '00:00:00:00:01:01', '10.1.0.1')).toEqual({ mac: 'through', ip: ['through'] });
    // a MAC not stored at an IP that was: the look-up queries, and finds the IP's device
    expect(await found(store, '00:00:00:00:01:09', '10.1.0.1')).toEqual({ mac: undefined, ip: ['through'] });
    // what the store writes from now on is found at once
    await store.put('devices', dev('after', { mac: '00:00:00:00:01:04', ip: '10.1.0.4' }));
    expect(await found(store, '00:00:00:00:01:04', '10.1.0.4')).toEqual({ mac: 'after', ip: ['after'] });
    // the device behind the store's back is a duplicate for a creation that keeps its MAC unique, and from then on
    // every look-up of its MAC finds it
    await expect(store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('twin', { mac: '00:00:00:00:01:03' }), unique: ['mac'] }] })).rejects.toMatchObject({ code: 'PROVD_HOST_DUPLICATE_KEY' });
    expect((await store.devices.findOne({ mac: '00:00:00:00:01:03' }))?.id).toBe('since');
    expect((await found(store, '00:00:00:00:01:03', '10.1.0.3')).mac).toBe('since');
  });

  it('sorts, pages, projects and filters by tenant', async () => {
    const macs = ['00:00:00:00:00:03', undefined, '00:00:00:00:00:01', '00:00:00:00:00:02', undefined];
    await store.commit({
      writes: macs.map((mac, i) => ({
        op: 'put' as const,
        kind: 'devices' as const,
        doc: dev(`d${i}`, { ...(mac ? { mac } : {}), tenant_uuid: i % 2 === 0 ? 't1' : 't2', model: `M${5 - i}`, options: { rank: `${i}` } }),
      })),
    });
    expect(await ids({}, { sort: 'mac' })).toEqual(['d1', 'd4', 'd2', 'd3', 'd0']);
    expect(await ids({}, { sort: 'mac', order: 'desc' })).toEqual(['d0', 'd3', 'd2', 'd4', 'd1']);
    expect(await ids({}, { sort: 'model' })).toEqual(['d4', 'd3', 'd2', 'd1', 'd0']);
    expect(await ids({}, { sort: 'options.rank', order: 'desc' })).toEqual(['d4', 'd3', 'd2', 'd1', 'd0']);
    const page = await store.devices.find({}, { sort: 'mac', skip: 1, limit: 2 });
    expect(page.items.map((d) => d.id)).toEqual(['d4', 'd2']);
    expect(page.total).toBe(5);
    expect((await store.devices.find({}, { skip: 4, limit: 2 })).total).toBe(5);
    expect((await store.devices.find({}, { skip: 9, limit: 2 })).total).toBe(5);
    // without a limit, or with one larger than what matches
    expect(await store.devices.find({}, { skip: 3 })).toMatchObject({ total: 5, items: [{}, {}] });
    expect(await store.devices.find({}, { skip: 9 })).toEqual({ total: 5, items: [] });
    expect(await store.devices.find({}, { skip: 1, limit: 1000 })).toMatchObject({ total: 5, items: [{}, {}, {}, {}] });
    expect((await store.devices.find({ mac: '00:00:00:00:00:02' }, { fields: ['mac', 'options.rank', 'nope'] })).items).toEqual([
      { id: 'd3', mac: '00:00:00:00:00:02', options: { rank: '3' } },
    ]);
    expect(await ids({}, { tenants: ['t2'] })).toEqual(['d1', 'd3']);
    expect(await ids({}, { tenants: ['t1', 't2'] })).toHaveLength(5);
    expect(await ids({}, { tenants: [] })).toEqual([]);
    expect(await store.devices.count({}, { tenants: ['t1'] })).toBe(3);
    expect(await store.devices.findOne({ id: 'd1' }, { tenants: ['t1'] })).toBeUndefined();
    expect(await store.devices.idsAfter({ tenant_uuid: 't1' }, undefined, 2)).toEqual(['d0', 'd2']);
    expect(await store.devices.idsAfter({ tenant_uuid: 't1' }, 'd2', 2)).toEqual(['d4']);
    expect((await store.devices.getMany(['d3', 'missing', 'd0'])).map((d) => d.id)).toEqual(['d3', 'd0']);
  });

  it('returns large results whole, in order', async () => {
    const writes = Array.from({ length: 1200 }, (_, i) => ({ op: 'put' as const, kind: 'devices' as const, doc: dev(`n${String(i).padStart(5, '0')}`, { ip: `10.0.${i >> 8}.${i & 255}` }) }));
    await store.commit({ writes });
    const all = await store.devices.find({}, { order: 'desc' });
    expect(all.total).toBe(1200);
    expect(all.items).toHaveLength(1200);
    expect(all.items[0]!.id).toBe('n01199');
    expect(all.items[1199]!.id).toBe('n00000');
    // A long $in on the id is one IN list on the primary key (no expression-depth limit).
    const wanted = writes.map((w) => w.doc.id).filter((_, i) => i % 2 === 0);
    expect(await store.devices.count({ id: { $in: wanted } })).toBe(600);
    expect(await store.devices.idsAfter({ id: { $in: wanted } }, 'n01000', 1000)).toHaveLength(99);
  }, 30_000);

  it('finds the children of a config through parent_ids $contains', async () => {
    const cfg = (id: string, parents: string[], extra = {}) => ({ op: 'put' as const, kind: 'configs' as const, doc: { id, parent_ids: parents, raw_config: {}, ...extra } });
    await store.commit({ writes: [cfg('base', []), cfg('mid', ['base'], { role: 'autocreate' }), cfg('leaf', ['mid', 'base'])] });
    const children = async (id: string) => (await store.configs.find({ parent_ids: { $contains: id } })).items.map((c) => c.id);
    expect(await children('base')).toEqual(['leaf', 'mid']);
    expect(await children('mid')).toEqual(['leaf']);
    await store.put('configs', { id: 'leaf', parent_ids: ['base'], raw_config: {} });
    expect(await children('mid')).toEqual([]);
    await store.delete('configs', 'mid');
    expect(await children('base')).toEqual(['leaf']);
    expect((await store.configs.find({ role: 'autocreate' })).items).toEqual([]);
  });

  it('initialises a setting once: the first value stored is the one every later call gets', async () => {
    expect(await store.settingOrInit('top_tenant', 't-1')).toBe('t-1');
    expect(await store.settingOrInit('top_tenant', 't-2')).toBe('t-1');
    expect(await store.setting('top_tenant')).toBe('t-1');
  });

  it('keeps settings, jobs and their progress', async () => {
    const r = await store.commit({ settings: { plugin_server: 'http://repo/', locale: 'fr_FR' }, jobs: [{ reason: 'config "base" changed', selector: { config: { $in: ['base'] } } }] });
    expect(r.jobs).toEqual([expect.objectContaining({ reason: 'config "base" changed', origin: 'host-1', selector: { config: { $in: ['base'] } } })]);
    expect(await store.settings()).toEqual({ locale: 'fr_FR', plugin_server: 'http://repo/' });
    await store.commit({ settings: { locale: undefined } });
    expect(await store.setting('locale')).toBeUndefined();
    const job = r.jobs[0]!.id;
    expect((await store.jobs()).map((j) => j.id)).toEqual([job]);
    await store.commit({ progress: [{ job, host: 'host-1', cursor: 'd5', done: 5, total: 10, finished: false }] });
    expect(await store.jobProgress(job)).toEqual([{ job, host: 'host-1', cursor: 'd5', done: 5, total: 10, finished: false }]);
    await store.dropJob(job);
    expect(await store.jobs()).toEqual([]);
    expect(await store.jobProgress()).toEqual([]);
    const old = dev('gone', { mac: '00:00:00:00:00:09', plugin: 'acme' });
    const again = await store.commit({ jobs: [{ reason: 'device "gone" deleted', selector: { id: 'gone' }, deconfigure: [old] }] });
    expect((await store.jobs())[0]).toMatchObject({ id: again.jobs[0]!.id, deconfigure: [old] });
    // The only host of the store finishes it: forgotten at once.
    await store.commit({ finished: [{ job: again.jobs[0]!.id, done: 0, total: 0 }] });
    expect(await store.jobs()).toEqual([]);
    expect(await store.jobProgress()).toEqual([]);
  });

  it('commits a change set that defers its sync as any other: alone, or with others in one commit, kept across a reopen', async () => {
    await store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('early', { mac: '00:00:00:00:00:09' }) }], deferSync: true });
    expect(await store.devices.get('early')).toMatchObject({ id: 'early' });
    const [a, b] = await Promise.all([
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('auto', { mac: '00:00:00:00:00:0a' }), expect: 'absent', unique: ['mac'] }], deferSync: true }),
      store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('api', { mac: '00:00:00:00:00:0b' }), expect: 'absent', unique: ['mac'] }] }),
    ]);
    expect(b.seq).toBeGreaterThan(a.seq);
    // its checks hold as in any commit
    await expect(store.commit({ writes: [{ op: 'put', kind: 'devices', doc: dev('twin', { mac: '00:00:00:00:00:0a' }), unique: ['mac'] }], deferSync: true })).rejects.toMatchObject({ code: 'PROVD_HOST_DUPLICATE_KEY' });
    await store.close();
    const again = await open();
    expect((await again.devices.find({})).items.map((d) => d.id)).toEqual(['api', 'auto', 'early']);
  });

  it('announces every commit in order and keeps everything across a reopen', async () => {
    const seen: StoreChange[] = [];
    const stop = store.watch((c) => seen.push(c));
    await store.put('devices', dev('a'));
    await store.commit({ writes: [{ op: 'delete', kind: 'devices', id: 'a' }], settings: { k: 1 } });
    await expect.poll(() => seen.length).toBe(2);
    stop();
    expect(seen[0]).toMatchObject({ origin: 'host-1', writes: [{ kind: 'devices', id: 'a', deleted: false }] });
    expect(seen[1]).toMatchObject({ writes: [{ kind: 'devices', id: 'a', deleted: true }], settings: ['k'] });
    expect(seen[1]!.seq).toBeGreaterThan(seen[0]!.seq);
    await store.put('configs', { id: 'base', parent_ids: [], raw_config: { ntp_ip: '10.0.0.1' } });
    const last = await store.lastSeq();
    await store.close();
    const again = await open();
    expect(await again.configs.get('base')).toEqual({ id: 'base', parent_ids: [], raw_config: { ntp_ip: '10.0.0.1' } });
    expect(await again.setting('k')).toBe(1);
    expect(await again.lastSeq()).toBe(last);
  });
});

describe('PostgreSQL store shared by two hosts', () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  const stores: Store[] = [];
  beforeEach(async () => {
    db = await freshPgDatabase();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await db.drop();
  });

  it('refuses a database another schema version made, and opens a current one without creating anything', async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    await a.put('devices', dev('x'));
    await a.close();
    const again = await PostgresStore.open(db.url, { hostId: 'B' });
    stores.push(again);
    expect(await again.devices.get('x')).toEqual(dev('x'));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      expect((await admin.query('SELECT host FROM hosts ORDER BY host')).rows.map((r) => r.host)).toEqual(['A', 'B']);
      await admin.query("UPDATE provd_meta SET value = '99' WHERE key = 'schema'");
    } finally {
      await admin.end();
    }
    await expect(PostgresStore.open(db.url, { hostId: 'C' })).rejects.toSatisfy((e: unknown) => isProvdError(e, 'PROVD_HOST_STORE_FAILED') && /schema version 99/.test((e as Error).message));
  });

  it('fails alone a change set the database refuses, and commits the others of its batch', async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    stores.push(a);
    // PostgreSQL's jsonb refuses the NUL character: the batch is written again one change set at a time
    const results = await Promise.allSettled([a.put('devices', dev('ok1')), a.put('devices', dev('bad', { description: 'a \u0000 inside' })), a.put('devices', dev('ok2'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toSatisfy((e: unknown) => isProvdError(e, 'PROVD_HOST_STORE_FAILED'));
    expect((await a.devices.find()).items.map((d) => d.id)).toEqual(['ok1', 'ok2']);
    expect(await a.devices.get('bad')).toBeUndefined();
  });

  it('writes the keys of a stored document alone in a batch written again one change set at a time', async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    stores.push(a);
    await a.put('devices', dev('kept', { configured: false }));
    const results = await Promise.allSettled([
      a.commit({ writes: [{ op: 'fields', kind: 'devices', id: 'kept', fields: { configured: true } }] }),
      a.put('devices', dev('bad', { description: 'a \u0000 inside' })),
      a.commit({ writes: [{ op: 'fields', kind: 'devices', id: 'none', fields: { configured: true } }] }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.revs : 'rejected'))).toEqual([[2], 'rejected', [0]]);
    expect(await a.devices.get('kept')).toEqual({ id: 'kept', tenant_uuid: 't1', configured: true });
    expect(await a.devices.get('none')).toBeUndefined();
  });

  it('gives two hosts initialising the same setting at the same moment one value', async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    const b = await PostgresStore.open(db.url, { hostId: 'B' });
    stores.push(a, b);
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const [va, vb] = await Promise.all([a.settingOrInit(key, `a-${round}`), b.settingOrInit(key, `b-${round}`)]);
      expect(va).toBe(vb);
      expect(await a.setting(key)).toBe(va);
    }
  });

  it("sees the other host's commits at once, in commit order, and serialises their sequence numbers", async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    const b = await PostgresStore.open(db.url, { hostId: 'B' });
    stores.push(a, b);
    const seenByB: StoreChange[] = [];
    b.watch((c) => seenByB.push(c));
    await Promise.all([a.put('devices', dev('x', { mac: '00:00:00:00:00:01' })), b.put('devices', dev('y')), a.commit({ settings: { plugin_server: 'http://r/' } })]);
    await expect.poll(() => seenByB.length, { timeout: 5000 }).toBe(3);
    expect(seenByB.map((c) => c.seq)).toEqual([...seenByB.map((c) => c.seq)].sort((p, q) => p - q));
    expect(seenByB.filter((c) => c.origin === 'A')).toHaveLength(2);
    expect(await b.devices.findOne({ mac: '00:00:00:00:00:01' })).toMatchObject({ id: 'x' });
    expect(await b.setting('plugin_server')).toBe('http://r/');
    // Optimistic concurrency across hosts: both read revision 1, only the first write wins.
    const [w1, w2] = await Promise.allSettled([a.put('devices', dev('x', { ip: '10.0.0.1' }), { rev: 1 }), b.put('devices', dev('x', { ip: '10.0.0.2' }), { rev: 1 })]);
    expect([w1.status, w2.status].sort()).toEqual(['fulfilled', 'rejected']);
    // A job is forgotten only once every host of the store has finished it.
    const { jobs } = await a.commit({ jobs: [{ reason: 'config "base" changed', selector: { config: 'base' } }] });
    const job = jobs[0]!.id;
    await a.commit({ finished: [{ job, done: 2, total: 2 }] });
    expect((await b.jobs()).map((j) => j.id)).toEqual([job]);
    await b.commit({ finished: [{ job, done: 2, total: 2 }] });
    expect(await a.jobs()).toEqual([]);
  });

  it("answers a phone's look-up of what another host stored once its change is read, and queries for every look-up once a host that does not tell its stored values writes a device", async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    const b = await PostgresStore.open(db.url, { hostId: 'B' });
    stores.push(a, b);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const found = async (mac: string, ip: string) => (await b.phoneLookup(mac, ip, 16)).byMac?.id;
      // a row behind the hosts' back (no change in the log) after B has read what was stored: B does not find it
      await b.storedRead;
      await admin.query("INSERT INTO devices (id, rev, mac, ip, doc) VALUES ('hidden', 1, '00:00:00:00:02:01', '10.2.0.1', '{\"id\": \"hidden\"}')");
      expect(await found('00:00:00:00:02:01', '10.2.0.1')).toBeUndefined();
      // a device A stores: B finds it by MAC and by IP as soon as it has read A's change (its payload tells them)
      const seenByB: StoreChange[] = [];
      b.watch((c) => seenByB.push(c));
      await a.put('devices', dev('x', { mac: '00:00:00:00:02:02', ip: '10.2.0.2' }));
      await expect.poll(() => seenByB.length, { timeout: 5000 }).toBe(1);
      expect(seenByB[0]).not.toHaveProperty('stored');
      expect(await found('00:00:00:00:02:02', '10.2.0.2')).toBe('x');
      expect((await (await b.phoneLookup('00:00:00:00:02:09', '10.2.0.2', 16)).byIp()).map((d) => d.id)).toEqual(['x']);
      // a payload whose stored values are not lists of strings: they are left out, and the changes after it are read
      await admin.query('INSERT INTO changes (payload) VALUES ($1)', [JSON.stringify({ origin: 'ODD', writes: [], settings: ['odd'], jobs: [], stored: { mac: 7, ip: 'x' } })]);
      await admin.query(`NOTIFY ${CHANGE_CHANNEL}`);
      await expect.poll(() => seenByB.length, { timeout: 5000 }).toBe(2);
      expect(seenByB[1]).toMatchObject({ origin: 'ODD', settings: ['odd'] });
      // a change of a host of an earlier version (its payload without the values it stored): from then on B queries
      await admin.query("INSERT INTO devices (id, rev, mac, ip, doc) VALUES ('old', 1, '00:00:00:00:02:03', '10.2.0.3', '{\"id\": \"old\"}')");
      await admin.query('INSERT INTO changes (payload) VALUES ($1)', [JSON.stringify({ origin: 'OLD', writes: [{ kind: 'devices', id: 'old', deleted: false }], settings: [], jobs: [] })]);
      await admin.query(`NOTIFY ${CHANGE_CHANNEL}`);
      await expect.poll(() => seenByB.length, { timeout: 5000 }).toBe(3);
      expect(await found('00:00:00:00:02:03', '10.2.0.3')).toBe('old');
      expect(await found('00:00:00:00:02:01', '10.2.0.1')).toBe('hidden');
    } finally {
      await admin.end();
    }
  });

  it('announces its own commits as they are written, after the other hosts\' commits before them, each once and in order', async () => {
    const a = await PostgresStore.open(db.url, { hostId: 'A' });
    const b = await PostgresStore.open(db.url, { hostId: 'B' });
    stores.push(a, b);
    const seen = { A: [] as StoreChange[], B: [] as StoreChange[] };
    a.watch((c) => seen.A.push(c));
    b.watch((c) => seen.B.push(c));
    // its own change is announced before its commit resolves (no read-back of the log)
    const first = await a.put('devices', dev('own'));
    expect(seen.A.map((c) => c.seq)).toEqual([first.seq]);
    // both hosts writing at once: every host sees every commit once, in sequence order
    const commits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).put('devices', dev(`d${i}`, { mac: `00:00:00:00:01:${String(i).padStart(2, '0')}` }))),
    );
    // a batch the database refuses as a whole is written again one change set at a time: still announced
    const [kept, refused] = await Promise.allSettled([a.put('devices', dev('kept')), a.put('devices', dev('bad', { description: 'a \u0000 inside' }))]);
    expect(refused.status).toBe('rejected');
    if (kept.status !== 'fulfilled') throw kept.reason;
    const after = await a.put('devices', dev('later'));
    const all = [first.seq, ...commits.map((c) => c.seq), kept.value.seq, after.seq].sort((x, y) => x - y);
    for (const host of ['A', 'B'] as const) {
      await expect.poll(() => seen[host].at(-1)?.seq ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(after.seq);
      const seqs = seen[host].map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      for (const seq of all) expect(seqs).toContain(seq);
    }
    expect(seen.B.filter((c) => c.origin === 'A').length).toBe(23);
  });
});

describe('SQLite store written by another process', () => {
  let dir: TestDir;
  const stores: Store[] = [];
  beforeEach(async () => {
    dir = await testdir();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await dir.cleanup();
  });

  it('finds the devices another process committed a few seconds after, and says so in its log', async () => {
    const lines: string[] = [];
    const host = await SqliteStore.open(dir.join('data'), { hostId: 'host-1', log: (line) => lines.push(line) });
    stores.push(host);
    await host.put('devices', dev('own', { mac: '00:00:00:00:03:01', ip: '10.3.0.1' }));
    // `provd import` beside the running host (which it should not be): another store on the same file
    const other = await SqliteStore.open(dir.join('data'), { hostId: 'host-1' });
    stores.push(other);
    await other.put('devices', dev('imported', { mac: '00:00:00:00:03:02', ip: '10.3.0.2' }));
    await expect.poll(async () => (await host.phoneLookup('00:00:00:00:03:02', '10.3.0.2', 16)).byMac?.id, { timeout: 8000, interval: 100 }).toBe('imported');
    expect((await host.devices.findOne({ ip: '10.3.0.2' }))?.id).toBe('imported');
    expect(lines.filter((l) => l.includes('another process committed'))).toHaveLength(1);
    // its own commits are not taken for another process's
    await host.put('devices', dev('own-2', { mac: '00:00:00:00:03:03' }));
    await new Promise((r) => setTimeout(r, 2500));
    expect(lines.filter((l) => l.includes('another process committed'))).toHaveLength(1);
  });
});
