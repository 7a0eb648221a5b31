import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Apinizer's keystores and JWKs (reference §3.10). A keystore keeps, per environment, the file exactly as
 * uploaded and its password, both sealed with the store's keyring; only public facts about its entries are in
 * clear. A JWK keeps its public JSON, and a private key only sealed. The names sort in an order that inserts
 * each table after those it references, which a restore of tables it doesn't know relies on.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const millis = pg ? sql`bigint` : sql`integer`;
  const bytes = pg ? sql`bytea` : sql`blob`;
  const primary = (c: ColumnDefinitionBuilder) =>
    pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('apiops_keystores')
    .addColumn('id', 'integer', primary)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .addColumn('created_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addColumn('modified_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('apiops_keystores_project_name', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('apiops_keystores_files')
    .addColumn('id', 'integer', primary)
    .addColumn('keystore_id', 'integer', (c) => c.notNull().references('apiops_keystores.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    // JKS | JCEKS | PKCS12
    .addColumn('keystore_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('alias', 'varchar(250)', (c) => c.notNull())
    .addColumn('file_enc', bytes, (c) => c.notNull())
    .addColumn('password_enc', bytes, (c) => c.notNull())
    .addColumn('file_sha256', 'varchar(100)', (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    // JSON: alias, type, subject, validity and fingerprint of each entry; never key material.
    .addColumn('entries', 'text', (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addColumn('modified_by', 'varchar(150)', (c) => c.notNull())
    .addUniqueConstraint('apiops_keystores_files_environment', ['keystore_id', 'environment_id'])
    .execute();

  await db.schema
    .createTable('apiops_jwks')
    .addColumn('id', 'integer', primary)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // CERTIFICATE | KEYSTORE
    .addColumn('source_type', 'varchar(20)', (c) => c.notNull())
    // The certificate it was made from (its project may be `admin`, the global one); null once unlinked.
    .addColumn('certificate_project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('certificate_name', 'varchar(250)')
    .addColumn('keystore_name', 'varchar(250)')
    .addColumn('environment_name', 'varchar(200)')
    .addColumn('alias', 'varchar(250)')
    // SIGNATURE | ENCRYPTION
    .addColumn('use_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('algorithm', 'varchar(30)', (c) => c.notNull())
    .addColumn('kid', 'varchar(250)', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_enc', bytes)
    .addColumn('created_at', millis, (c) => c.notNull())
    .addColumn('created_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addColumn('modified_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('apiops_jwks_project_name', ['project_id', 'name'])
    .execute();
  await db.schema
    .createIndex('apiops_jwks_certificate')
    .on('apiops_jwks')
    .columns(['certificate_project_id', 'certificate_name'])
    .execute();
}
