import type SqliteDatabase from 'better-sqlite3';

/** Rows ANALYZE samples per index: approximate statistics, in milliseconds even for 100 000 entries. */
const ANALYSIS_LIMIT = 1000;
/** SQLite's advice for a long-lived connection: `PRAGMA optimize` every hour or so. */
const EVERY_MS = 3_600_000;

/**
 * Keeps SQLite's planner statistics current. Without them SQLite guesses: a filtered page in Alias order
 * (`ValidNotAfter lt …&$top=100`) then reads the whole not_after range and sorts it (about 200 ms at 100 000
 * entries) instead of walking the alias index until the page is full (under 1 ms). PostgreSQL's autovacuum does
 * this by itself. `optimize` analyzes only tables whose statistics are missing or stale; 0x10002 also covers
 * tables this connection has not used yet, as SQLite recommends right after opening. Returns the function to call
 * before the connection closes.
 */
export function keepStatistics(sqlite: SqliteDatabase.Database): () => void {
  // Statistics only speed queries up: a database busy past the timeout skips a round rather than fail the caller.
  const optimize = (how: string) => {
    try {
      sqlite.pragma(how);
    } catch {
      /* the next round catches up */
    }
  };
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  optimize('optimize = 0x10002');
  const timer = setInterval(() => optimize('optimize'), EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    // SQLite's advice before closing a connection. After a bulk load (a restore, a seeding script, a large import
    // just before shutdown) the statistics are gathered now, once, rather than by the next start, which would
    // otherwise spend half a second analysing a million entries before it answers.
    optimize('optimize = 0x10002');
  };
}
