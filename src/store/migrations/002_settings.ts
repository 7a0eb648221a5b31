import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Server-wide values that every server sharing the database must agree on, such as the secret that signs
 * CSRF tokens (so a token fetched from one server is accepted by the next).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
