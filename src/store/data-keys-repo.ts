import type { Db } from './entries-repo.js';

export function firstDataKey(db: Db): Promise<{ id: number; wrapped: Buffer } | undefined> {
  return db.selectFrom('data_keys').select(['id', 'wrapped']).orderBy('id').limit(1).executeTakeFirst();
}

export async function insertDataKey(db: Db, wrapped: Buffer, at: number): Promise<void> {
  await db.insertInto('data_keys').values({ wrapped, created_at: at }).execute();
}
