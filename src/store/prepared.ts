import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './entries-repo.js';

const SLOT = Symbol('prepared query slot');
type Slot = { readonly [SLOT]: number };

const isSlot = (p: unknown): p is Slot => typeof p === 'object' && p !== null && SLOT in p;

/** The SQL texts of prepared queries: few and fixed, so the PostgreSQL pool may name them (pg-statements.ts). */
const preparedSql = new Set<string>();

export const isPreparedSql = (sql: string): boolean => preparedSql.has(sql);

interface Template<R> {
  query: CompiledQuery<R>;
  /** For each parameter of the SQL, the argument that fills it; undefined for a constant of the query (a LIMIT). */
  slots: (number | undefined)[];
}

/**
 * A query that Kysely builds and compiles once per dialect and then runs with each call's values. Kysely otherwise
 * builds the query tree and compiles it to SQL on every call, which on the hot reads (a user by id, an entry by
 * alias) cost more than the database's work: the profile of the SAP export showed it.
 *
 * `build` is called once, with stand-ins for the arguments, so it must give every call the same shape: an
 * argument may only be a value that is compared or stored, never choose a table, a column or a branch. Queries
 * whose shape depends on an argument are written as one prepared query per shape.
 */
export function prepared<A extends unknown[], R>(
  build: (db: Db, ...args: A) => Compilable<R>,
  arity = build.length - 1,
): (db: Db, ...args: A) => Promise<R[]> {
  // By adapter: the SQL differs by dialect, and a transaction shares its database's adapter.
  const templates = new WeakMap<object, Template<R>>();
  const template = (db: Db): Template<R> => {
    const adapter = db.getExecutor().adapter;
    let t = templates.get(adapter);
    if (!t) {
      const standIns = Array.from({ length: arity }, (_, i): Slot => ({ [SLOT]: i })) as unknown as A;
      const query = build(db, ...standIns).compile();
      t = { query, slots: query.parameters.map((p) => (isSlot(p) ? p[SLOT] : undefined)) };
      templates.set(adapter, t);
      preparedSql.add(query.sql);
    }
    return t;
  };
  return async (db, ...args) => {
    const { query, slots } = template(db);
    const parameters = query.parameters.map((p, i) => {
      const slot = slots[i];
      return slot === undefined ? p : args[slot];
    });
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
}

/**
 * prepared() for a statement that writes one row (an INSERT): each of `columns` becomes a parameter, taken from
 * the row of each call. A column the row leaves out is written as NULL, which is what leaving it out of a dynamic
 * INSERT does for the columns named here (none has a default).
 */
export function preparedRow<Row extends object, R>(
  columns: readonly (keyof Row & string)[],
  build: (db: Db, row: Row) => Compilable<R>,
): (db: Db, row: Row) => Promise<R[]> {
  const run = prepared(
    (db: Db, ...values: unknown[]) => build(db, Object.fromEntries(columns.map((c, i) => [c, values[i]])) as Row),
    columns.length,
  );
  return (db, row) => run(db, ...columns.map((c) => (row as Record<string, unknown>)[c] ?? null));
}
