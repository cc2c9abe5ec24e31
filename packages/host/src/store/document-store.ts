import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@provd/sdk';
import { hostError } from '../errors';

/** A stored JSON document: an object with a string id. */
export interface StoredDocument {
  /** The document id (its file name without `.json`). */
  id: string;
}

/** The ids a store accepts: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 128 characters. */
export const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Options of {@link DocumentStore.open}. */
export interface DocumentStoreOptions<T> {
  /** The kind of document, for messages (`device`, `config`). */
  kind: string;
  /** Keys to index for {@link DocumentStore.findBy}. */
  indexes?: readonly (keyof T & string)[];
  /** Receives a line for each file that could not be read at open. */
  log?: (line: string) => void;
}

/**
 * Documents kept as one JSON file each (`<dir>/<id>.json`), written atomically, read once at open and then served
 * from memory. Reads return deep copies, so callers never share or mutate stored objects.
 */
export class DocumentStore<T extends StoredDocument> {
  private readonly docs = new Map<string, T>();
  private readonly indexes = new Map<string, Map<unknown, Set<string>>>();
  private readonly chains = new Map<string, Promise<void>>();

  private constructor(
    /** The folder holding the documents. */
    readonly dir: string,
    private readonly options: DocumentStoreOptions<T>,
  ) {
    for (const key of options.indexes ?? []) this.indexes.set(key, new Map());
  }

  /** Opens (and creates) the store in `dir`, loading every document; removes temporary files left by a crash. */
  static async open<T extends StoredDocument>(dir: string, options: DocumentStoreOptions<T>): Promise<DocumentStore<T>> {
    await mkdir(dir, { recursive: true });
    const store = new DocumentStore<T>(dir, options);
    for (const name of await readdir(dir)) {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        await rm(join(dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const doc = JSON.parse(await readFile(join(dir, name), 'utf8')) as T;
        if (typeof doc !== 'object' || doc === null || doc.id !== name.slice(0, -5)) throw new Error('id does not match the file name');
        store.remember(doc);
      } catch (err) {
        options.log?.(`store: skipping ${join(dir, name)}: ${(err as Error).message}`);
      }
    }
    return store;
  }

  /** The number of documents. */
  get size(): number {
    return this.docs.size;
  }

  /** Whether a document with `id` exists. */
  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** A copy of the document `id`, or `undefined`. */
  get(id: string): T | undefined {
    const doc = this.docs.get(id);
    return doc === undefined ? undefined : structuredClone(doc);
  }

  /** Copies of every document, sorted by id. */
  all(): T[] {
    return [...this.docs.keys()].sort().map((id) => structuredClone(this.docs.get(id)!));
  }

  /** Copies of the documents that `predicate` accepts, sorted by id. */
  find(predicate: (doc: Readonly<T>) => boolean): T[] {
    return [...this.docs.values()].filter(predicate).sort((a, b) => (a.id < b.id ? -1 : 1)).map((d) => structuredClone(d));
  }

  /** Copies of the documents whose indexed `key` equals `value`, sorted by id. */
  findBy(key: keyof T & string, value: unknown): T[] {
    const index = this.indexes.get(key);
    if (!index) return this.find((doc) => doc[key] === value);
    return [...(index.get(value) ?? [])].sort().map((id) => structuredClone(this.docs.get(id)!));
  }

  /**
   * The stored documents whose indexed `key` equals `value`, sorted by id, without copying them: for lookups on the
   * hot path only; the caller must not mutate them.
   */
  peekBy(key: keyof T & string, value: unknown): readonly Readonly<T>[] {
    const index = this.indexes.get(key);
    if (!index) return [...this.docs.values()].filter((doc) => doc[key] === value).sort((a, b) => (a.id < b.id ? -1 : 1));
    const ids = index.get(value);
    if (!ids) return [];
    return [...ids].sort().map((id) => this.docs.get(id)!);
  }

  /** The ids of the documents whose indexed `key` equals `value`, sorted (no copies made). */
  idsBy(key: keyof T & string, value: unknown): string[] {
    const index = this.indexes.get(key);
    if (!index) return this.find((doc) => doc[key] === value).map((doc) => doc.id);
    return [...(index.get(value) ?? [])].sort();
  }

  /** Inserts or replaces `doc` (written to disk before the promise resolves). Throws on an invalid id. */
  async put(doc: T): Promise<void> {
    if (!DOCUMENT_ID.test(doc.id)) throw hostError('PROVD_HOST_INVALID_ID', { kind: this.options.kind, id: doc.id });
    const copy = structuredClone(doc);
    await this.serial(copy.id, async () => {
      await writeFileAtomic(join(this.dir, `${copy.id}.json`), `${JSON.stringify(copy, null, 2)}\n`);
      this.forget(copy.id);
      this.remember(copy);
    });
  }

  /** Deletes the document `id`; resolves to whether it existed. */
  async delete(id: string): Promise<boolean> {
    if (!this.docs.has(id)) return false;
    await this.serial(id, async () => {
      await rm(join(this.dir, `${id}.json`), { force: true });
      this.forget(id);
    });
    return true;
  }

  /** Runs the writes of one id one after the other (writes of different ids run in parallel). */
  private serial(id: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(task);
    const settled = next.catch(() => {});
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return next;
  }

  private remember(doc: T): void {
    this.docs.set(doc.id, doc);
    for (const [key, index] of this.indexes) {
      const value = (doc as Record<string, unknown>)[key];
      if (value === undefined || value === null) continue;
      let ids = index.get(value);
      if (!ids) index.set(value, (ids = new Set()));
      ids.add(doc.id);
    }
  }

  private forget(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    this.docs.delete(id);
    for (const [key, index] of this.indexes) {
      const value = (old as Record<string, unknown>)[key];
      const ids = index.get(value);
      ids?.delete(id);
      if (ids?.size === 0) index.delete(value);
    }
  }
}
