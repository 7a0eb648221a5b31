import { type Insertable, PostgresAdapter, type Selectable, type Updateable } from 'kysely';
import type { Db } from './entries-repo.js';
import type { ApiOpsJwkTable } from './schema.js';

export type JwkRow = Selectable<ApiOpsJwkTable>;
/** A JWK row without its sealed private key: what lists and gets read. */
export type JwkFacts = Omit<JwkRow, 'private_enc'> & { has_private: boolean };

const facts = [
  'id',
  'project_id',
  'name',
  'description',
  'source_type',
  'certificate_project_id',
  'certificate_name',
  'keystore_name',
  'environment_name',
  'alias',
  'use_type',
  'algorithm',
  'kid',
  'public_jwk',
  'created_at',
  'created_by',
  'modified_at',
  'modified_by',
  'version',
] as const;

const withPrivateFlag = (r: Omit<JwkRow, 'private_enc'> & { private_enc?: unknown }, has: boolean): JwkFacts => {
  const { private_enc: _p, ...rest } = r;
  return { ...rest, has_private: has };
};

export async function listJwks(db: Db, projectId: number): Promise<JwkFacts[]> {
  const rows = await db
    .selectFrom('apiops_jwks')
    .select(facts)
    .select((eb) => eb('private_enc', 'is not', null).as('has_private'))
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute();
  return rows.map((r) => withPrivateFlag(r, Boolean(r.has_private)));
}

export async function findJwk(db: Db, projectId: number, name: string): Promise<JwkRow | undefined> {
  return db
    .selectFrom('apiops_jwks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** Inside a write: the row locked until the transaction ends (PostgreSQL). */
export function findJwkForWrite(db: Db, projectId: number, name: string): Promise<JwkRow | undefined> {
  const q = db.selectFrom('apiops_jwks').selectAll().where('project_id', '=', projectId).where('name', '=', name);
  return (db.getExecutor().adapter instanceof PostgresAdapter ? q.forUpdate() : q).executeTakeFirst();
}

export const jwkFacts = (r: JwkRow): JwkFacts => withPrivateFlag(r, r.private_enc !== null);

/** The JWKs made from a certificate, in every project or in one. */
export function jwksOfCertificate(
  db: Db,
  certificateProjectId: number,
  certificateName: string,
  inProject?: number,
): Promise<JwkRow[]> {
  let q = db
    .selectFrom('apiops_jwks')
    .selectAll()
    .where('certificate_project_id', '=', certificateProjectId)
    .where('certificate_name', '=', certificateName);
  if (inProject !== undefined) q = q.where('project_id', '=', inProject);
  return q.orderBy('id').execute();
}

export async function insertJwk(db: Db, row: Insertable<ApiOpsJwkTable>): Promise<number> {
  const r = await db.insertInto('apiops_jwks').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateJwk(db: Db, id: number, set: Updateable<ApiOpsJwkTable>): Promise<void> {
  await db.updateTable('apiops_jwks').set(set).where('id', '=', id).execute();
}

export async function deleteJwk(db: Db, id: number): Promise<void> {
  await db.deleteFrom('apiops_jwks').where('id', '=', id).execute();
}
