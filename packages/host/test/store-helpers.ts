import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreLocation } from '../src/store/store';

/**
 * The PostgreSQL server the tests use: `PROVD_TEST_PG_URL` (set by `.ci/run`, which installs Debian `postgresql` and
 * starts it on loopback), e.g. `postgres://postgres@127.0.0.1:55432/postgres`.
 */
export function testPgUrl(): string {
  const url = process.env.PROVD_TEST_PG_URL;
  if (!url) throw new Error('PROVD_TEST_PG_URL is not set: start a PostgreSQL server on loopback and point it there (.ci/run does)');
  return url;
}

/** A fresh database on the test server; `drop()` removes it. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = testPgUrl();
  const name = `provd_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The store engines the API tests run on (`PROVD_TEST_PG_URL` names the PostgreSQL server). */
export const TEST_ENGINES = ['sqlite', 'postgres'] as const;

/** A store for one test on `engine`: the SQLite file of `dataDir`, or a fresh PostgreSQL database; `drop()` removes it. */
export async function testStore(engine: (typeof TEST_ENGINES)[number], dataDir: string): Promise<{ location: StoreLocation; args: string[]; drop: () => Promise<void> }> {
  if (engine === 'sqlite') return { location: { engine: 'sqlite', dataDir }, args: [], drop: async () => {} };
  const db = await freshPgDatabase();
  return { location: { engine: 'postgres', url: db.url }, args: ['--store-url', db.url], drop: db.drop };
}
