import type { Db } from './entries-repo.js';

/**
 * The stored value of a setting, created from `make` when there is none yet. Servers racing to create it all end
 * with the value of the one that inserted first.
 */
export async function settingOrCreate(db: Db, name: string, make: () => string): Promise<string> {
  const found = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
  if (found) return found.value;
  await db
    .insertInto('settings')
    .values({ name, value: make() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
