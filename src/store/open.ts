import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_settings.js';
import * as m003 from './migrations/003_apiops.js';
import type { Database } from './schema.js';

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; anything else uses SQLite in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite synchronous mode; NORMAL in WAL mode keeps every committed write through a process crash. */
  sqliteSync?: 'NORMAL' | 'FULL';
  poolSize?: number;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages: a file path or the URL without its password. */
  location: string;
  close(): Promise<void>;
}

const migrations: Record<string, { up: (db: Kysely<unknown>, d: Dialect) => Promise<void> }> = {
  '001_initial': m001,
  '002_settings': m002,
  '003_apiops': m003,
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) out[name] = { up: (db) => m.up(db, dialect) };
      return out;
    },
  };
}

/** int8 (bigint) comes back as a number: every bigint column holds milliseconds, far below 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: Dialect;
  let location: string;
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    dialect = 'postgres';
    location = redactUrl(opts.databaseUrl);
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, types: pgTypes });
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it */
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    mkdirSync(opts.dataDir, { recursive: true });
    location = join(opts.dataDir, 'openkeystore.db');
    const sqlite = new SqliteDatabase(location);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.sqliteSync ?? 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    // LIKE must match case as PostgreSQL's does; folding is asked for explicitly (tolower/toupper).
    sqlite.pragma('case_sensitive_like = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, dialect, location, close: () => db.destroy() };
}
