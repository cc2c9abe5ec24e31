import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@provd/sdk';
import type { Store, StoreLocation } from './store';

/** The file in the data folder naming this host in a shared store. */
export const HOST_ID_FILE = 'host-id';

/** The id of the host whose data folder is `dataDir`: read from `<dataDir>/host-id`, created on first use. */
export async function hostIdOf(dataDir: string): Promise<string> {
  const file = join(dataDir, HOST_ID_FILE);
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (id !== '') return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const id = randomUUID();
  await writeFileAtomic(file, `${id}\n`);
  return id;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** The host's data folder (its id lives there; the SQLite file too). */
  dataDir: string;
  /** Receives operational log lines. */
  log?: (line: string) => void;
}

/**
 * Opens the store at `location`: the SQLite file of the data folder, or a PostgreSQL database shared by several
 * hosts. Creates the tables when missing; never reads every document.
 *
 * @example
 * ```ts
 * const store = await openStore({ engine: 'sqlite', dataDir: '/var/lib/provd' }, { dataDir: '/var/lib/provd' });
 * const { items } = await store.devices.find({ mac: '00:0f:d3:05:48:48' });
 * ```
 */
export async function openStore(location: StoreLocation, options: OpenStoreOptions): Promise<Store> {
  const hostId = await hostIdOf(options.dataDir);
  // Loaded on use: commands that never open a store do not pay for the database clients.
  if (location.engine === 'sqlite') return (await import('./sqlite-store')).SqliteStore.open(location.dataDir, { hostId, log: options.log });
  return (await import('./postgres-store')).PostgresStore.open(location.url, { hostId, log: options.log });
}
