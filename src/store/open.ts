import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Dialect } from './dialect.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_settings.js';
import * as m003 from './migrations/003_apiops.js';
import { namingStatements } from './pg-statements.js';
import type { ChangeMarked } from './read-cache.js';
import type { Database } from './schema.js';
import { keepStatistics } from './sqlite-statistics.js';
import { cachingStatements } from './statement-cache.js';

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; anything else uses SQLite in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /**
   * SQLite's synchronous mode. In WAL mode a commit appends to the WAL file before the write is acknowledged; with
   * NORMAL that append reaches the operating system but is fsynced only at checkpoints. A killed process loses
   * nothing the OS already holds, so NORMAL keeps every acknowledged write through a process crash (what the
   * reliability suite proves with SIGKILL). Only a power loss or kernel crash can lose the last commits; FULL
   * fsyncs the WAL on every commit to survive those too, at the price of one fsync per write.
   */
  sqliteSync?: 'NORMAL' | 'FULL';
  poolSize?: number;
  /** false: open without running migrations (restore brings the schema to the backup's level itself). */
  migrate?: boolean;
}

export interface Store extends ChangeMarked {
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

/** Every migration this build knows, in the order they run: a store's schema level is a prefix of this list. */
export const MIGRATIONS: readonly string[] = Object.keys(migrations).sort();

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
const pgTypes = (types: typeof pg.types) => ({
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return types.getTypeParser(oid, format as 'text');
  },
});

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
  let sqlite: SqliteDatabase.Database | undefined;
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    dialect = 'postgres';
    location = redactUrl(opts.databaseUrl);
    // Loaded only for PostgreSQL: a SQLite server starts faster without it.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      types: pgTypes(pg.types),
      // When the database can't be reached, a request fails after this rather than waiting for ever.
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it */
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
  } else {
    dialect = 'sqlite';
    mkdirSync(opts.dataDir, { recursive: true });
    location = join(opts.dataDir, 'openkeystore.db');
    sqlite = new SqliteDatabase(location);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.sqliteSync ?? 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    // LIKE must match case as PostgreSQL's does; folding is asked for explicitly (tolower/toupper).
    sqlite.pragma('case_sensitive_like = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  }
  let stopStatistics: (() => void) | undefined;
  const store: Store = {
    db,
    dialect,
    location,
    changeMark: sqlite ? sqliteChangeMark(sqlite) : () => undefined,
    close: () => {
      stopStatistics?.();
      return db.destroy();
    },
  };
  if (opts.migrate !== false) {
    try {
      await migrateStore(store);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  // After the migrations: a store opened for restore may not have its tables yet.
  if (sqlite && opts.migrate !== false) stopStatistics = keepStatistics(sqlite);
  return store;
}

/** How long another process's commit may go unseen by the change mark: far less than any client's round trip. */
const OTHER_WRITERS_CHECK_MS = 1;

/**
 * SQLite's change mark: the rows this connection has written (`total_changes()`, which counts every INSERT, UPDATE
 * and DELETE, rolled back ones too, and costs no lock) plus `data_version`, which moves when another connection (a
 * CLI command) commits to the file. Both only grow, so their sum moves whenever either does. Reading
 * `data_version` takes the WAL's read lock, which costs more than the rows it would save, so it is read again only
 * after OTHER_WRITERS_CHECK_MS: this server's own writes are seen at once, another process's within a millisecond.
 * PostgreSQL has no such cheap mark (another server's commits are only seen by asking), so nothing is cached there.
 */
function sqliteChangeMark(sqlite: SqliteDatabase.Database): () => number {
  const own = sqlite.prepare('SELECT total_changes()').pluck();
  const others = sqlite.prepare('PRAGMA data_version').pluck();
  let othersVersion = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (now - checkedAt >= OTHER_WRITERS_CHECK_MS) {
      othersVersion = others.get() as number;
      checkedAt = now;
    }
    return (own.get() as number) + othersVersion;
  };
}

/**
 * Brings the schema up to `to` (default: the latest). Safe when several servers start at once on one PostgreSQL
 * database: Kysely's Migrator creates its bookkeeping tables race-tolerantly and runs the migrations under a
 * PostgreSQL advisory lock, so one server migrates and the others wait, then find nothing left to do.
 */
export async function migrateStore(store: Store, to?: string): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: provider(store.dialect) });
  const { error } = to === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(to);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** The migrations applied to the store, in order; empty for a store never migrated. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
