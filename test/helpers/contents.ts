import type { Kysely } from 'kysely';
import { storeTables } from '../../src/store/dump.js';
import type { Store } from '../../src/store/open.js';

/** Every row of every table, in key order, as the driver returns it (Buffers for bytes): to compare stores. */
export async function storeContents(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const t of await storeTables(store.db))
    out[t.name] = await db
      .selectFrom(t.name)
      .selectAll()
      .orderBy(t.columns.includes('id') ? 'id' : t.columns[0]!)
      .execute();
  return out;
}

export { asPostgresAdmin, emptyPostgresDatabase } from './postgres.js';
