import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { storeTables } from '../../src/store/dump.js';
import type { Store } from '../../src/store/open.js';
import { postgresAdminUrl } from './server.js';

/** Every row of every table, in key order, as the driver returns it (Buffers for bytes): to compare stores. */
export async function storeContents(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const t of await storeTables(store.db))
    out[t.name] = await db
      .selectFrom(t.name)
      .selectAll()
      .orderBy(t.columns.includes('id') ? 'id' : t.columns[0]!)
      .execute();
  return out;
}

/** A new, empty PostgreSQL database on the test server: its URL and how to drop it. */
export async function emptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `oks_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(postgresAdminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Runs one statement as the PostgreSQL superuser (to make a database unreachable and reachable again). */
export async function asPostgresAdmin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresAdminUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
