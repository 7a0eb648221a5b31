import { type Insertable, PostgresAdapter, type Selectable, type Updateable } from 'kysely';
import type { Db } from './entries-repo.js';
import type { ApiOpsKeystoreFileTable, ApiOpsKeystoreTable } from './schema.js';

export type KeystoreRow = Selectable<ApiOpsKeystoreTable>;
export type KeystoreFileRow = Selectable<ApiOpsKeystoreFileTable>;
/** A file row without its sealed bytes and password: what lists and gets read. */
export type KeystoreFileFacts = Omit<KeystoreFileRow, 'file_enc' | 'password_enc'> & { environment: string };

const factColumns = [
  'apiops_keystores_files.id',
  'apiops_keystores_files.keystore_id',
  'apiops_keystores_files.environment_id',
  'apiops_keystores_files.keystore_type',
  'apiops_keystores_files.alias',
  'apiops_keystores_files.file_sha256',
  'apiops_keystores_files.file_size',
  'apiops_keystores_files.entries',
  'apiops_keystores_files.modified_at',
  'apiops_keystores_files.modified_by',
  'environments.name as environment',
] as const;

export function listKeystores(db: Db, projectId: number): Promise<KeystoreRow[]> {
  return db.selectFrom('apiops_keystores').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
}

export function findKeystore(db: Db, projectId: number, name: string): Promise<KeystoreRow | undefined> {
  return db
    .selectFrom('apiops_keystores')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** Inside a write: the row locked until the transaction ends (PostgreSQL), so writers of one keystore queue. */
export function findKeystoreForWrite(db: Db, projectId: number, name: string): Promise<KeystoreRow | undefined> {
  const q = db.selectFrom('apiops_keystores').selectAll().where('project_id', '=', projectId).where('name', '=', name);
  return (db.getExecutor().adapter instanceof PostgresAdapter ? q.forUpdate() : q).executeTakeFirst();
}

export async function insertKeystore(db: Db, row: Insertable<ApiOpsKeystoreTable>): Promise<number> {
  const r = await db.insertInto('apiops_keystores').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateKeystore(db: Db, id: number, set: Updateable<ApiOpsKeystoreTable>): Promise<void> {
  await db.updateTable('apiops_keystores').set(set).where('id', '=', id).execute();
}

export async function deleteKeystore(db: Db, id: number): Promise<void> {
  await db.deleteFrom('apiops_keystores').where('id', '=', id).execute();
}

/** The files of some keystores, facts only, in environment order. */
export function listFileFacts(db: Db, keystoreIds: number[]): Promise<KeystoreFileFacts[]> {
  if (keystoreIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('apiops_keystores_files')
    .innerJoin('environments', 'environments.id', 'apiops_keystores_files.environment_id')
    .select(factColumns)
    .where('apiops_keystores_files.keystore_id', 'in', keystoreIds)
    .orderBy('environments.id')
    .execute();
}

/** The files of one keystore with their sealed bytes and passwords, for exports and JWKs. */
export function listFiles(db: Db, keystoreId: number): Promise<(KeystoreFileRow & { environment: string })[]> {
  return db
    .selectFrom('apiops_keystores_files')
    .innerJoin('environments', 'environments.id', 'apiops_keystores_files.environment_id')
    .selectAll('apiops_keystores_files')
    .select('environments.name as environment')
    .where('apiops_keystores_files.keystore_id', '=', keystoreId)
    .orderBy('environments.id')
    .execute();
}

export async function upsertFile(
  db: Db,
  existing: number | undefined,
  row: Insertable<ApiOpsKeystoreFileTable>,
): Promise<void> {
  if (existing === undefined) await db.insertInto('apiops_keystores_files').values(row).execute();
  else await db.updateTable('apiops_keystores_files').set(row).where('id', '=', existing).execute();
}

export async function deleteFiles(db: Db, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('apiops_keystores_files').where('id', 'in', ids).execute();
}
