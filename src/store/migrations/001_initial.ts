import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Column types written once for both dialects. */
function types(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    millis: pg ? sql`bigint` : sql`integer`,
    bytes: pg ? sql`bytea` : sql`blob`,
    id: (t: CreateTableBuilder<string, never>): Table =>
      t.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      ),
  };
}

/** The entry's state columns, shared by entries and entry_history. */
type Table = CreateTableBuilder<string, string>;

function stateColumns(t: Table, dialect: Dialect): Table {
  const { millis, bytes } = types(dialect);
  return t
    .addColumn('alias', 'varchar(250)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner', 'varchar(30)', (c) => c.notNull())
    .addColumn('group_id', 'integer')
    .addColumn('cert_der', bytes, (c) => c.notNull())
    .addColumn('chain_der', bytes)
    .addColumn('key_enc', bytes)
    .addColumn('subject_dn', 'text', (c) => c.notNull())
    .addColumn('issuer_dn', 'text', (c) => c.notNull())
    .addColumn('serial', 'varchar(256)', (c) => c.notNull())
    .addColumn('not_before', millis, (c) => c.notNull())
    .addColumn('not_after', millis, (c) => c.notNull())
    .addColumn('key_type', 'varchar(30)')
    .addColumn('key_size', 'integer')
    .addColumn('curve', 'varchar(80)')
    .addColumn('sig_alg', 'varchar(60)')
    .addColumn('cert_version', 'integer', (c) => c.notNull())
    .addColumn('sha1', 'varchar(64)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(100)', (c) => c.notNull())
    .addColumn('sha512', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .addColumn('created_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addColumn('modified_by', 'varchar(150)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('meta', 'text');
}

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const { millis, bytes, id } = types(dialect);

  await id(db.schema.createTable('projects'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('environments'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .addUniqueConstraint('environments_project_name', ['project_id', 'name'])
    .execute();

  await id(db.schema.createTable('keystores'))
    .addColumn('environment_id', 'integer', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addColumn('modified_by', 'varchar(150)', (c) => c.notNull())
    .addUniqueConstraint('keystores_environment_name', ['environment_id', 'name'])
    .execute();

  await id(db.schema.createTable('cert_groups'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .addColumn('modified_at', millis, (c) => c.notNull())
    .addUniqueConstraint('cert_groups_project_name', ['project_id', 'name'])
    .execute();

  await stateColumns(
    id(db.schema.createTable('entries')).addColumn('keystore_id', 'integer', (c) =>
      c.notNull().references('keystores.id').onDelete('cascade'),
    ),
    dialect,
  )
    .addUniqueConstraint('entries_keystore_alias', ['keystore_id', 'alias'])
    .execute();
  await db.schema
    .createIndex('entries_keystore_not_after')
    .on('entries')
    .columns(['keystore_id', 'not_after'])
    .execute();
  await db.schema.createIndex('entries_group').on('entries').column('group_id').execute();
  await db.schema.createIndex('entries_sha256').on('entries').columns(['keystore_id', 'sha256']).execute();
  await db.schema.createIndex('entries_subject').on('entries').columns(['keystore_id', 'subject_dn']).execute();

  await stateColumns(
    id(db.schema.createTable('entry_history'))
      .addColumn('entry_id', 'integer', (c) => c.notNull())
      .addColumn('keystore_id', 'integer', (c) => c.notNull().references('keystores.id').onDelete('cascade'))
      .addColumn('change', 'varchar(16)', (c) => c.notNull())
      .addColumn('superseded_at', millis, (c) => c.notNull())
      .addColumn('superseded_by', 'varchar(150)', (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('entry_history_entry').on('entry_history').columns(['entry_id', 'version']).execute();
  await db.schema.createIndex('entry_history_alias').on('entry_history').columns(['keystore_id', 'alias']).execute();

  await id(db.schema.createTable('audit_events'))
    .addColumn('at', millis, (c) => c.notNull())
    .addColumn('actor', 'varchar(150)', (c) => c.notNull())
    .addColumn('action', 'varchar(60)', (c) => c.notNull())
    .addColumn('project', 'varchar(200)')
    .addColumn('environment', 'varchar(200)')
    .addColumn('keystore', 'varchar(100)')
    .addColumn('alias', 'varchar(250)')
    .addColumn('sha256_before', 'varchar(100)')
    .addColumn('sha256_after', 'varchar(100)')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();

  await id(db.schema.createTable('users'))
    .addColumn('name', 'varchar(150)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await id(db.schema.createTable('api_clients'))
    .addColumn('client_id', 'varchar(150)', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', millis, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('tokens'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('expires_at', millis)
    .addColumn('created_at', millis, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('role_bindings'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('role_bindings_user').on('role_bindings').column('user_id').execute();

  await id(db.schema.createTable('data_keys'))
    .addColumn('wrapped', bytes, (c) => c.notNull())
    .addColumn('created_at', millis, (c) => c.notNull())
    .execute();
}
