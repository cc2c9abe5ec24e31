import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
