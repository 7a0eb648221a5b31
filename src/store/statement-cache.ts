import type { Database as BetterSqlite, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared; the repositories write a few dozen, $filter adds one per shape of filter. */
const DEFAULT_MAX_STATEMENTS = 500;

/**
 * better-sqlite3 as Kysely's SqliteDialect wants it, but with each SQL text prepared once. Kysely prepares the
 * statement anew for every query, and preparing (parsing and planning the SQL) costs more than running the
 * primary-key reads that most requests make. Parameters are always bound, so the texts are few; the least
 * recently used statement is dropped beyond `max`. Reusing a statement is safe here because Kysely runs one
 * query at a time on its single SQLite connection and reads every result whole before the next one.
 */
export function cachingStatements(db: BetterSqlite, max = DEFAULT_MAX_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): Statement {
      let statement = statements.get(sql);
      if (statement) {
        // Move to the end: a Map iterates in insertion order, which makes it the LRU order.
        statements.delete(sql);
      } else {
        statement = db.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
