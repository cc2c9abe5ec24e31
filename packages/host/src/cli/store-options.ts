import { hostError } from '../errors';
import type { StoreLocation } from '../store/store';

/** The store flags `provd serve` and `provd import` share. */
export interface StoreFlags {
  /** `--store sqlite|postgres`. */
  store?: string;
  /** `--store-url URL` (PostgreSQL); `PROVD_STORE_URL` when absent. */
  storeUrl?: string;
}

/** The store flags' help lines, in the order they are declared. */
export const STORE_FLAG_HELP: readonly [string, string][] = [
  ['--store <engine>', 'Where devices and configs live: sqlite (a file in the data folder) or postgres (default: sqlite, or postgres with --store-url)'],
  ['--store-url <url>', 'PostgreSQL URL shared by several hosts, e.g. postgres://provd@db/provd (default: $PROVD_STORE_URL)'],
];

/** Reads the store flags into a {@link StoreLocation} for the data folder `dataDir`. */
export function storeLocation(flags: StoreFlags, dataDir: string, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const url = flags.storeUrl ?? env.PROVD_STORE_URL;
  const engine = flags.store ?? (url ? 'postgres' : 'sqlite');
  if (engine === 'sqlite') {
    if (flags.storeUrl) throw hostError('PROVD_CLI_USAGE', { problem: '--store-url is for --store postgres; the SQLite store is a file in the data folder' });
    return { engine: 'sqlite', dataDir };
  }
  if (engine !== 'postgres') throw hostError('PROVD_CLI_USAGE', { problem: `--store must be "sqlite" or "postgres" (received "${engine}")` });
  if (!url) throw hostError('PROVD_CLI_USAGE', { problem: '--store postgres needs --store-url URL (or PROVD_STORE_URL)' });
  return { engine: 'postgres', url };
}
