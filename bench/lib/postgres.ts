import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the bench creates its databases on (the same default as the test suite). */
export const postgresAdminUrl =
  process.env.OPENKEYSTORE_BENCH_PG_URL ??
  process.env.OPENKEYSTORE_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresAdminUrl });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function postgresAvailable(): Promise<boolean> {
  try {
    await admin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

export function databaseUrl(name: string): string {
  const u = new URL(postgresAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** A new database, empty or a copy of `template` (PostgreSQL copies the files: seconds, even for a million rows). */
export async function createDatabase(template?: string): Promise<{ name: string; url: string }> {
  const name = `oks_bench_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  return { name, url: databaseUrl(name) };
}

export async function renameDatabase(from: string, to: string): Promise<void> {
  await admin((c) => c.query(`ALTER DATABASE ${from} RENAME TO ${to}`));
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
