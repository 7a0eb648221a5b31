import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** A batch's latency grows with its length; beyond this many writes the rest wait for the next commit. */
const MAX_BATCH = 64;

interface Job {
  fn: (trx: Db) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Runs `fn` in a write transaction and resolves once that transaction has committed.
 *
 * PostgreSQL: a transaction of its own. SQLite: group commit. Its one connection runs one transaction at a time
 * anyway, and the commit (appending every page the transaction changed to the WAL: the entry's table and index
 * pages, audit, group, keystore) cost about a third of an SAP import's time. So the writes that queue up meanwhile
 * run in one `BEGIN IMMEDIATE … COMMIT`, each inside its own savepoint: a write that fails is rolled back to its
 * savepoint alone and its caller gets its error, the others commit together. Each sees the writes before it, as if
 * they ran one after another, and none is answered before the commit that holds it (the durability of a single
 * transaction, synchronous=NORMAL in WAL). If the batch itself fails (the commit, or SQLite rolling back the whole
 * transaction on an I/O error), every write in it gets that error, as each would have on its own.
 *
 * `fn` must use the `trx` it is given and not begin transactions itself; it may run again (callers retry).
 */
export function writeTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return db.transaction().execute(fn);
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new Batcher(db);
    batchers.set(db, batcher);
  }
  return batcher.run(fn);
}

const batchers = new WeakMap<Db, Batcher>();

class Batcher {
  private readonly queue: Job[] = [];
  private draining = false;

  constructor(private readonly db: Db) {}

  run<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.draining) return;
      this.draining = true;
      // After the requests that arrived with this one have come this far too: a request runs up to here within
      // the I/O callback that read it, so starting at once would commit every write alone.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Job[]): Promise<void> {
    const done: { job: Job; value: unknown }[] = [];
    const failed: { job: Job; error: unknown }[] = [];
    try {
      await this.db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          for (const job of batch) {
            await sql`savepoint oks_write`.execute(conn);
            try {
              done.push({ job, value: await job.fn(conn) });
            } catch (error) {
              // Fails when SQLite already rolled back the whole transaction (I/O error, disk full): then the batch
              // fails with this error.
              await sql`rollback to oks_write`.execute(conn).catch(() => {
                throw error;
              });
              failed.push({ job, error });
            }
            await sql`release oks_write`.execute(conn);
          }
          await sql`commit`.execute(conn);
        } catch (e) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw e;
        }
      });
    } catch (e) {
      for (const job of batch) job.reject(e);
      return;
    }
    for (const { job, error } of failed) job.reject(error);
    for (const { job, value } of done) job.resolve(value);
  }
}
