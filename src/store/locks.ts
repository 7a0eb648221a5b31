import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/**
 * PostgreSQL advisory locks use two 32-bit keys here: a namespace and an id. That space does not overlap the
 * single 64-bit key Kysely's Migrator locks, and the namespace keeps openkeystore's locks apart from anything
 * else an operator runs on the same database.
 */
const NAMESPACE = 0x6f6b7300; // 'oks\0'
const STORE = NAMESPACE + 1;
const KEYSTORE = NAMESPACE + 2;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Runs `fn` in one write transaction that no other keystore-wide operation on the same keystore interleaves with,
 * on any server sharing the database: JKS import with replace, mass delete. Restore of the whole store
 * (withStoreLock) waits for them and they for it.
 *
 * PostgreSQL: `pg_advisory_xact_lock` on the keystore, taken first in the transaction and released by its commit
 * or rollback, so a crashed server never leaves it held. Single-entry writes don't take it; their row locks and
 * unique constraints already order them, and each one lands either before or after a keystore-wide operation.
 *
 * SQLite: `BEGIN IMMEDIATE`, which takes the database's write lock at once rather than at the first write, so two
 * processes can't both read the keystore and then race to change it (SQLite has one writer at a time anyway; the
 * immediate lock just makes the whole read-modify-write one step). `fn` must use the `trx` it is given.
 */
export function withKeystoreLock<T>(db: Db, keystoreId: number, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return sqliteImmediate(db, fn);
  return db.transaction().execute(async (trx) => {
    // D12: wait at most as long as SQLite's busy_timeout; then 55P03 (lock_not_available) ends the wait and the
    // API answers "try again later" instead of holding the request for ever.
    await sql`set local lock_timeout = '10s'`.execute(trx);
    await sql`select pg_advisory_xact_lock_shared(${STORE}, 0)`.execute(trx);
    await sql`select pg_advisory_xact_lock(${KEYSTORE}, ${keystoreId})`.execute(trx);
    return fn(trx);
  });
}

/** Like withKeystoreLock, for the whole store (restore): excludes every keystore-wide operation on every keystore. */
export function withStoreLock<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return sqliteImmediate(db, fn);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${STORE}, 0)`.execute(trx);
    return fn(trx);
  });
}

/**
 * Kysely begins SQLite transactions with a plain (deferred) BEGIN; this one reserves the connection and sends
 * BEGIN IMMEDIATE itself. busy_timeout (set when the store opens) makes it wait for another process's writer.
 */
function sqliteImmediate<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (e) {
      await sql`rollback`.execute(conn);
      throw e;
    }
  });
}
