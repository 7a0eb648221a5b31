import { type Kysely, PostgresAdapter, sql } from 'kysely';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupEnd,
  BackupFormatError,
  type BackupHeader,
  type Cell,
  encodeRow,
  parseLine,
  type TableStart,
} from './backup-format.js';
import { withStoreLock } from './locks.js';
import { appliedMigrations, type Store } from './open.js';
import type { Database } from './schema.js';
import { withSnapshot } from './snapshot.js';

/** Tables are named at run time here, so they are addressed without the schema's compile-time types. */
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
const untyped = (db: Kysely<Database>) => db as unknown as AnyDb;

/**
 * The tables of the first migrations in an order where each comes after those it references. The order a backup
 * is written and restored in is read from the database's own foreign keys (storeTables), so a table that a later
 * migration adds falls into place by itself; this list only settles ties, so that backups read alike.
 */
export const TABLES = [
  'projects',
  'environments',
  'keystores',
  'cert_groups',
  'entries',
  'entry_history',
  'audit_events',
  'users',
  'api_clients',
  'tokens',
  'role_bindings',
  'data_keys',
  'settings',
] as const;

/** Rows read per query while dumping: a page of entries with their certificates is about a megabyte. */
const PAGE = 500;
/** Bytes of row data per insert while restoring, and parameters per statement (SQLite allows 32766). */
const BATCH_BYTES = 4 * 1024 * 1024;
const MAX_PARAMETERS = 30_000;

export interface TableInfo {
  name: string;
  columns: string[];
}

/**
 * The store's tables with their columns, each after every table it references (its foreign keys), without
 * Kysely's own migration bookkeeping: the order a restore inserts in.
 */
export async function storeTables(db: Kysely<Database>): Promise<TableInfo[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = postgres ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const found = (await db.introspection.getTables()).filter(
    (t) => !t.isView && !t.name.startsWith('sqlite_') && (schema === undefined || t.schema === schema),
  );
  const columns = new Map(found.map((t) => [t.name, t.columns.map((c) => c.name)]));
  const parents = postgres ? await postgresParents(db) : await sqliteParents(db, [...columns.keys()]);
  const rank = (t: string) => {
    const i = (TABLES as readonly string[]).indexOf(t);
    return i < 0 ? TABLES.length : i;
  };
  const pending = [...columns.keys()].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  const placed: string[] = [];
  while (pending.length) {
    // The first table, in the preferred order, whose parents are all placed; a cycle (none now) breaks in order.
    const ready = pending.findIndex((t) => [...(parents.get(t) ?? [])].every((p) => p === t || placed.includes(p)));
    placed.push(...pending.splice(Math.max(ready, 0), 1));
  }
  return placed.map((name) => ({ name, columns: columns.get(name)! }));
}

/** Each table's referenced tables, from PostgreSQL's catalog (the current schema only). */
async function postgresParents(db: Kysely<Database>): Promise<Map<string, Set<string>>> {
  const rows = await sql<{ child: string; parent: string }>`
    select ch.relname as child, pa.relname as parent
    from pg_constraint c
    join pg_class ch on ch.oid = c.conrelid
    join pg_class pa on pa.oid = c.confrelid
    join pg_namespace n on n.oid = ch.relnamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  return group(rows.rows);
}

async function sqliteParents(db: Kysely<Database>, tables: string[]): Promise<Map<string, Set<string>>> {
  const edges: { child: string; parent: string }[] = [];
  for (const child of tables) {
    const rows = await sql<{ parent: string }>`select "table" as parent from pragma_foreign_key_list(${child})`.execute(
      db,
    );
    for (const r of rows.rows) edges.push({ child, parent: r.parent });
  }
  return group(edges);
}

function group(edges: { child: string; parent: string }[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const { child, parent } of edges) m.set(child, (m.get(child) ?? new Set()).add(parent));
  return m;
}

/**
 * Writes the whole store as backup lines (see backup-format.ts) from one snapshot, while servers keep serving:
 * the backup holds every transaction committed before it began and none after.
 */
export async function dumpStore(store: Store, write: (line: string) => Promise<void>): Promise<BackupEnd> {
  return withSnapshot(store.db, async (trx) => {
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      migrations: await appliedMigrations(trx),
      dialect: store.dialect,
      createdAt: new Date().toISOString(),
    };
    await write(JSON.stringify(header));
    const rows: Record<string, number> = {};
    for (const table of await storeTables(trx)) {
      await write(JSON.stringify({ table: table.name, columns: table.columns } satisfies TableStart));
      let n = 0;
      for await (const page of pages(untyped(trx), table)) {
        for (const row of page) await write(encodeRow(table.columns.map((c) => row[c])));
        n += page.length;
      }
      rows[table.name] = n;
    }
    const end: BackupEnd = { end: true, rows };
    await write(JSON.stringify(end));
    return end;
  });
}

/** A table's rows in pages by primary key (`id`), so no query holds a large table in memory. */
async function* pages(db: AnyDb, table: TableInfo): AsyncGenerator<Record<string, unknown>[]> {
  if (!table.columns.includes('id')) {
    // Tables keyed otherwise (settings) are small: one query.
    yield await db.selectFrom(table.name).selectAll().orderBy(table.columns[0]!).execute();
    return;
  }
  let last: number | null = null;
  for (;;) {
    let q = db.selectFrom(table.name).selectAll().orderBy('id').limit(PAGE);
    if (last !== null) q = q.where('id', '>', last);
    const page = await q.execute();
    if (page.length === 0) return;
    yield page;
    last = Number(page[page.length - 1]!.id);
    if (page.length < PAGE) return;
  }
}

export interface RestoreOptions {
  /** Replace whatever the store holds; without it a store that holds anything is refused. */
  force?: boolean;
}

export class RestoreRefused extends Error {
  override readonly name = 'RestoreRefused';
}

/** True when no table of the store holds a row (a migrated but never used store). */
export async function isStoreEmpty(db: Kysely<Database>): Promise<boolean> {
  for (const t of await storeTables(db)) {
    const one = await untyped(db).selectFrom(t.name).select(sql`1`.as('x')).limit(1).execute();
    if (one.length > 0) return false;
  }
  return true;
}

/**
 * Loads backup lines (everything after the header) into the store in one transaction: all of it or, on any
 * error or a backup cut short, none of it. Ids are kept as they were, and PostgreSQL's identity sequences are
 * moved past them so that new rows don't collide. The store's schema must be at the backup's level.
 */
export async function restoreStore(
  store: Store,
  lines: AsyncIterable<string>,
  opts: RestoreOptions = {},
): Promise<BackupEnd> {
  return withStoreLock(store.db, async (trx) => {
    const tables = await storeTables(trx);
    if (!(await isStoreEmpty(trx))) {
      if (!opts.force)
        throw new RestoreRefused(
          `the store at ${store.location} is not empty: restore into an empty one, or pass --force to replace its contents`,
        );
      await clear(trx, store, tables);
    }
    const end = await load(untyped(trx), tables, lines);
    if (store.dialect === 'postgres') await advanceSequences(trx, tables);
    return end;
  });
}

async function clear(trx: Kysely<Database>, store: Store, tables: TableInfo[]): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t.name)))} restart identity`.execute(trx);
    return;
  }
  for (const t of [...tables].reverse()) await untyped(trx).deleteFrom(t.name).execute();
}

async function load(db: AnyDb, tables: TableInfo[], lines: AsyncIterable<string>): Promise<BackupEnd> {
  const counts: Record<string, number> = {};
  let current: { table: TableInfo; columns: string[] } | undefined;
  let batch: Record<string, Cell>[] = [];
  let batchBytes = 0;
  let end: BackupEnd | undefined;
  let lineNo = 1;

  const flush = async () => {
    if (current && batch.length) await db.insertInto(current.table.name).values(batch).execute();
    batch = [];
    batchBytes = 0;
  };

  for await (const text of lines) {
    lineNo++;
    if (text === '') continue;
    if (end) throw new BackupFormatError(`line ${lineNo}: the backup goes on after its end`);
    const line = parseLine(text, lineNo);
    if (line.kind === 'table') {
      await flush();
      current = { table: targetTable(tables, line.start), columns: line.start.columns };
      counts[line.start.table] = 0;
    } else if (line.kind === 'row') {
      if (!current) throw new BackupFormatError(`line ${lineNo}: a row before any table`);
      if (line.cells.length !== current.columns.length)
        throw new BackupFormatError(
          `line ${lineNo}: the row has ${line.cells.length} values for ${current.columns.length} columns`,
        );
      batch.push(Object.fromEntries(current.columns.map((c, i) => [c, line.cells[i]!])));
      batchBytes += text.length;
      counts[current.table.name]!++;
      const maxRows = Math.max(1, Math.floor(MAX_PARAMETERS / current.columns.length));
      if (batch.length >= Math.min(PAGE, maxRows) || batchBytes >= BATCH_BYTES) await flush();
    } else {
      await flush();
      end = line.end;
    }
  }
  if (!end) throw new BackupFormatError('the backup is incomplete: it ends before its last line');
  for (const [table, n] of Object.entries(end.rows))
    if ((counts[table] ?? 0) !== n)
      throw new BackupFormatError(`the backup says ${n} rows of ${table}, but holds ${counts[table] ?? 0}`);
  return end;
}

/** The store's table a backup's table goes into; refuses tables and columns this schema doesn't have. */
function targetTable(tables: TableInfo[], start: TableStart): TableInfo {
  const table = tables.find((t) => t.name === start.table);
  if (!table) throw new RestoreRefused(`the backup holds table ${start.table}, which this store does not have`);
  const missing = start.columns.filter((c) => !table.columns.includes(c));
  if (missing.length)
    throw new RestoreRefused(`the backup holds columns ${start.table}.${missing.join(', ')}, which this store lacks`);
  return table;
}

/** Identity columns would hand out ids the restore just used; move each sequence past its table's largest id. */
async function advanceSequences(trx: Kysely<Database>, tables: TableInfo[]): Promise<void> {
  for (const t of tables) {
    if (!t.columns.includes('id')) continue;
    await sql`select setval(pg_get_serial_sequence(${t.name}, 'id'), coalesce((select max(id) from ${sql.table(t.name)}), 0) + 1, false)`.execute(
      trx,
    );
  }
}
