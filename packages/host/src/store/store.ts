/**
 * The store interface: where the host keeps devices, configs, its settings and the journal of background
 * reconfigurations. Two engines implement it: SQLite (embedded, one file in the data folder, the default) and
 * PostgreSQL (several hosts sharing one database). Callers code against these types only.
 *
 * Semantics every engine keeps:
 * - Documents are JSON objects with a string `id`. Reads return fresh copies; callers may mutate them.
 * - Every {@link Store.commit} is one durable transaction (all of it or nothing; on disk once it resolves, unless it
 *   asks for {@link ChangeSet.deferSync}). Concurrent commits are grouped into one database transaction (one fsync),
 *   each change set still succeeds or fails on its own.
 * - {@link Collection.find} evaluates selectors, sorting and paging in the database, on indexes where the selector
 *   names an indexed key (devices: `id`, `mac`, `sn`, `uuid`, `ip`, `plugin`, `config`, `tenant_uuid`,
 *   `remote_state_sip_username`; configs: `id`, `role`, `tenant_uuid`, `parent_ids` with `$contains`).
 * - Every committed change is announced to every {@link Store.watch} listener of every host sharing the store
 *   (PostgreSQL: LISTEN/NOTIFY), in commit order, with a sequence number that never goes back.
 */
import type { ConfigDocument } from '@provd/core';
import type { Device } from '@provd/sdk';

/** The kinds of documents a store holds. */
export type DocumentKind = 'devices' | 'configs';

/** A config as the store holds it: a {@link ConfigDocument} whose `id` is set. */
export type ConfigRecord = ConfigDocument & { id: string; parent_ids: string[] };

/** A device as the store holds it: a {@link Device} whose `id` is set. */
export type DeviceRecord = Device & { id: string };

/** The document type of each {@link DocumentKind}. */
export interface DocumentOf {
  /** Devices. */
  devices: DeviceRecord;
  /** Configs. */
  configs: ConfigRecord;
}

/**
 * A selector, with the established provd's semantics (the `q` parameter of the REST API):
 * `{key: value}` matches documents where the value at `key` equals `value`; several keys must all match. A key may
 * be a dotted path (`options.switchboard`, `raw_config.sip_lines.1.username`) through nested objects. A value that is
 * an object whose keys start with `$` is a set of operators, all of which must hold:
 * - `$ne: v`: no value at the key equals `v` (a missing key matches);
 * - `$in: [v…]` / `$nin: [v…]`: the value equals one / none of the list (a missing key matches `$nin`);
 * - `$gt`, `$ge`, `$lt`, `$le`: ordered comparison with a number or a string (strings by code point); values of
 *   another type never match;
 * - `$contains: v`: the value is a list holding `v`, a string holding the substring `v`, or an object with key `v`;
 * - `$exists: bool`: the key is (not) present.
 * An unknown operator, or `$in`/`$nin` with something else than a list, is refused with `PROVD_HOST_INVALID_SELECTOR`.
 */
export type Selector = Readonly<Record<string, unknown>>;

/** The operators a {@link Selector} accepts. */
export const SELECTOR_OPERATORS = ['$ne', '$in', '$nin', '$gt', '$ge', '$lt', '$le', '$contains', '$exists'] as const;

/** Sort direction of {@link FindOptions.order}. */
export type SortOrder = 'asc' | 'desc';

/** Options of {@link Collection.find}. */
export interface FindOptions {
  /** How many matching documents to skip (after sorting). @defaultValue 0 */
  skip?: number;
  /** The most documents to return; `0` or absent: no limit. */
  limit?: number;
  /**
   * The key (dotted path) to sort on, compared as the established host does: as strings, a missing or `null` value
   * sorting as `""`; ties are broken by `id`. Absent: sorted by `id`.
   */
  sort?: string;
  /** The sort direction. @defaultValue 'asc' */
  order?: SortOrder;
  /**
   * Keep only these keys (dotted paths) of each returned document, plus `id` (the REST `fields` parameter). Absent or
   * empty: whole documents.
   */
  fields?: readonly string[];
  /**
   * Keep only documents whose `tenant_uuid` is one of these (the caller resolves `Wazo-Tenant` and `recurse` into
   * the list of tenants it may see). Absent: every tenant. An empty list matches nothing.
   */
  tenants?: readonly string[];
}

/** What {@link Collection.find} returns. */
export interface FindResult<T> {
  /** The documents of the requested page, in order (projected to `fields` when given). */
  items: T[];
  /** How many documents match the selector and tenants, ignoring `skip` and `limit`. */
  total: number;
}

/** Read access to the documents of one kind. */
export interface Collection<T extends { id: string }> {
  /** The kind of document. */
  readonly kind: DocumentKind;
  /** The document `id`, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /** The documents matching `selector`, sorted and paged in the database. */
  find(selector?: Selector, options?: FindOptions): Promise<FindResult<T>>;
  /** The first document matching `selector` (sorted by id), or `undefined`. */
  findOne(selector: Selector, options?: Pick<FindOptions, 'tenants'>): Promise<T | undefined>;
  /** How many documents match `selector`. */
  count(selector?: Selector, options?: Pick<FindOptions, 'tenants'>): Promise<number>;
  /**
   * The ids matching `selector` that sort after `after` (by id), at most `limit` of them: for walking large sets in
   * batches (keyset paging on the primary key).
   */
  idsAfter(selector: Selector, after: string | undefined, limit: number): Promise<string[]>;
  /** The documents `ids` that exist, in the order of `ids` (one round trip). */
  getMany(ids: readonly string[]): Promise<T[]>;
}

/** What a write expects to find, checked inside the transaction. */
export type WriteExpectation =
  /** The id must not exist (an insert): else `PROVD_HOST_DUPLICATE_ID`. */
  | 'absent'
  /** The id must exist: else `PROVD_HOST_STORE_CONFLICT`. */
  | 'present'
  /** The stored revision must be this one (optimistic concurrency across hosts): else `PROVD_HOST_STORE_CONFLICT`. */
  | { rev: number };

/**
 * One write of a {@link ChangeSet}. A put's `unique`: indexed keys of its kind (e.g. `mac`) whose value, when the
 * document has a string there, no other document of the kind may have, checked inside the transaction against what
 * is stored and what the change sets before it in the same commit wrote (every writer, of every host, included):
 * else `PROVD_HOST_DUPLICATE_KEY`.
 */
export type DocumentWrite =
  | { [K in DocumentKind]: { op: 'put'; kind: K; doc: DocumentOf[K]; expect?: WriteExpectation; unique?: readonly string[] } }[DocumentKind]
  | { op: 'delete'; kind: DocumentKind; id: string; expect?: WriteExpectation }
  | FieldsWrite;

/**
 * A write of a few top-level keys of a stored document (e.g. a device's `configured` flag), the rest of it left as
 * stored: what a put of the stored document with these keys changed would write, its revision increased by one,
 * without the document travelling to the database and back. The keys must be plain names (letters, digits, `_`),
 * neither `id`, an indexed key of the kind, nor a config's `parent_ids` (else `PROVD_HOST_STORE_FAILED`); their
 * values are JSON values. A document that does not exist stays absent (revision 0 in {@link CommitResult.revs}); the
 * write is announced either way.
 */
export interface FieldsWrite {
  /** The write's type. */
  op: 'fields';
  /** The kind of the document. */
  kind: DocumentKind;
  /** The document's id. */
  id: string;
  /** The keys to set and their values. */
  fields: Readonly<Record<string, unknown>>;
  /** What the write expects to find (checked before it, as for a put). */
  expect?: WriteExpectation;
}

/**
 * A background reconfiguration, recorded in the same transaction as the change that needs it (so a crash can never
 * leave a change acknowledged and its devices unconfigured): every device matching `selector` is configured again.
 */
export interface ReconfigureJobInput {
  /** Why (for progress and logs), e.g. `config "base" changed`, `plugin "acme-1" upgraded`. */
  reason: string;
  /** The devices to reconfigure, e.g. `{config: {$in: [...]}}`, `{plugin: "acme-1"}` or `{id: "abc"}`. */
  selector: Selector;
  /**
   * Devices as they were before the change, whose files every host must remove first (a deleted device, or one whose
   * MAC, plugin or config changed).
   */
  deconfigure?: DeviceRecord[];
}

/** A recorded background reconfiguration (see {@link Store.jobs}). */
export interface ReconfigureJob extends ReconfigureJobInput {
  /** The job id (increasing with the commit order). */
  id: number;
  /** When it was recorded (ISO 8601). */
  created: string;
  /** The host that recorded it (it alone writes the devices' `configured` flag for it). */
  origin: string;
}

/** The progress of one host on one job. */
export interface JobProgress {
  /** The job. */
  job: number;
  /** The host. */
  host: string;
  /** The last device id (in id order) this host has reconfigured for the job; absent: none yet. */
  cursor?: string;
  /** Devices done so far. */
  done: number;
  /** Devices the job covered when this host started it. */
  total: number;
  /** Whether this host has finished the job. */
  finished: boolean;
}

/** A transaction's worth of changes (see {@link Store.commit}). */
export interface ChangeSet {
  /** Document writes, applied in order. */
  writes?: readonly DocumentWrite[];
  /** Settings to set (`undefined` deletes the key). */
  settings?: Readonly<Record<string, unknown>>;
  /** Background reconfigurations to record. */
  jobs?: readonly ReconfigureJobInput[];
  /** Progress to record for jobs of this host. */
  progress?: readonly JobProgress[];
  /**
   * Jobs this host has finished: their progress is marked finished, and a job is forgotten once every host sharing
   * the store has finished it.
   */
  finished?: readonly { job: number; done: number; total: number }[];
  /**
   * The commit resolves once the change is handed to the operating system (SQLite: written to its journal) or
   * committed by the database server (PostgreSQL, `synchronous_commit` off), not once it is on disk: it survives a
   * crash of this process, and is flushed to disk right after (SQLite: within a few milliseconds; PostgreSQL: within
   * three `wal_writer_delay`s, 600 ms by default). A power loss meanwhile may lose it, never the store's consistency.
   * For what the requester re-creates when lost (a device created for a phone nobody knew: its next request creates
   * it again). A change set without it in the same commit makes the whole commit durable. @defaultValue false
   */
  deferSync?: boolean;
}

/** What a committed {@link ChangeSet} produced. */
export interface CommitResult {
  /** The sequence number of the change (see {@link StoreChange.seq}). */
  seq: number;
  /** The new revision of each written document, in the order of the writes (deletes: 0). */
  revs: number[];
  /** The recorded jobs, in order. */
  jobs: ReconfigureJob[];
}

/** One committed change, as announced to {@link Store.watch} listeners. */
export interface StoreChange {
  /** Increases with every commit of the store (across hosts). */
  seq: number;
  /** The host whose commit it was ({@link Store.hostId}). */
  origin: string;
  /** The documents written: kind, id and whether it was deleted. */
  writes: { kind: DocumentKind; id: string; deleted: boolean }[];
  /** The setting keys changed. */
  settings: string[];
  /** The jobs recorded. */
  jobs: number[];
}

/** The engines. */
export type StoreEngine = 'sqlite' | 'postgres';

/** What {@link Store.phoneLookup} found. */
export interface PhoneLookup {
  /** The first device of the MAC, by id. */
  byMac: DeviceRecord | undefined;
  /** The devices of the IP (read at the look-up, or when called). */
  byIp: () => Promise<DeviceRecord[]>;
}

/** The store: collections, settings, background-job journal, change feed. */
export interface Store {
  /** Which engine this is. */
  readonly engine: StoreEngine;
  /** A stable id of this host (kept in the data folder), naming it in changes and job progress. */
  readonly hostId: string;
  /** The devices. */
  readonly devices: Collection<DeviceRecord>;
  /** The configs. */
  readonly configs: Collection<ConfigRecord>;
  /** The stored revision of document `id`: a number each put increases (0: absent). */
  revision(kind: DocumentKind, id: string): Promise<number>;
  /**
   * The two look-ups of a phone's request: the first device (by id) whose `mac` is `mac`, and `byIp()`, the devices
   * whose `ip` is `ip` (by id, at most `limit`), as `devices.find({ip}, {limit})` gives them. PostgreSQL reads both
   * in one round trip; SQLite reads the second only when `byIp()` is called.
   */
  phoneLookup(mac: string, ip: string, limit: number): Promise<PhoneLookup>;
  /**
   * Applies `changes` as one durable transaction (resolves once on disk / committed, or before with
   * {@link ChangeSet.deferSync}). Commits that arrive while one
   * is being written are grouped into the next database transaction; a change set whose expectation fails is
   * rejected alone (a `ProvdError`) and leaves nothing behind.
   */
  commit(changes: ChangeSet): Promise<CommitResult>;
  /** Shorthand: one put in its own change set. */
  put<K extends DocumentKind>(kind: K, doc: DocumentOf[K], expect?: WriteExpectation): Promise<CommitResult>;
  /** Shorthand: one delete in its own change set; resolves to whether the document existed. */
  delete(kind: DocumentKind, id: string): Promise<boolean>;
  /** The setting `key` (host parameters such as `plugin_server`, shared by every host), or `undefined`. */
  setting<T = unknown>(key: string): Promise<T | undefined>;
  /** Every setting. */
  settings(): Promise<Record<string, unknown>>;
  /**
   * The setting `key`, storing `value` first when no host has stored one: every host of a site that starts at the
   * same moment gets the same answer (the first value committed wins; the others are discarded).
   */
  settingOrInit<T>(key: string, value: T): Promise<T>;
  /** The background reconfigurations some host has not finished (recorded, oldest first). */
  jobs(): Promise<ReconfigureJob[]>;
  /** The progress of every host on job `id` (or of every job when absent). */
  jobProgress(id?: number): Promise<JobProgress[]>;
  /** Forgets job `id` (when every host that works on it has finished it). */
  dropJob(id: number): Promise<void>;
  /**
   * Calls `listener` with every change committed from now on, by this host or another one sharing the store, in
   * commit order. Returns a function that stops it.
   */
  watch(listener: (change: StoreChange) => void): () => void;
  /** The highest sequence number committed so far. */
  lastSeq(): Promise<number>;
  /** Closes the store: waits for pending commits, then releases the database. */
  close(): Promise<void>;
}

/** Options every engine's `open` takes. */
export interface StoreOpenOptions {
  /** The host's id (see {@link Store.hostId}). */
  hostId: string;
  /** Receives operational log lines. */
  log?: (line: string) => void;
}

/** Where the store lives (see `openStore`): the SQLite file in the data folder, or a PostgreSQL database. */
export type StoreLocation =
  /** `<dataDir>/provd.sqlite` (WAL mode), created when missing. */
  | { engine: 'sqlite'; dataDir: string }
  /** A PostgreSQL database, e.g. `postgres://provd@127.0.0.1/provd`; the tables are created when missing. */
  | { engine: 'postgres'; url: string };
