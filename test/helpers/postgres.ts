import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test PostgreSQL server, as a superuser: databases are made and dropped through it. */
export const postgresAdminUrl = process.env.OPENKEYSTORE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement as the PostgreSQL superuser (to make or drop a database, or cut one off). */
export async function asPostgresAdmin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresAdminUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** A new, empty PostgreSQL database on the test server: its URL and how to drop it. */
export async function emptyPostgresDatabase(prefix = 'oks_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asPostgresAdmin(`CREATE DATABASE ${name}`);
  const u = new URL(postgresAdminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => asPostgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
