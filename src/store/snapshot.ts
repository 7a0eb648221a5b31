import { type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/**
 * Runs `fn` on one consistent view of the whole store while servers keep writing: what backup and the integrity
 * check read. Each transaction another server commits is seen entirely or not at all.
 *
 * PostgreSQL: REPEATABLE READ READ ONLY, one snapshot for every statement of the transaction.
 * SQLite: a read transaction in WAL mode; its snapshot is fixed by the first read and writers carry on beside it.
 */
export function withSnapshot<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const tx = db.transaction();
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    return tx.setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  return tx.execute(fn);
}
