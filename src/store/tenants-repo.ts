import type { Selectable } from 'kysely';
import type { Db } from './entries-repo.js';
import { prepared } from './prepared.js';
import type { EnvironmentTable, KeystoreTable, ProjectTable } from './schema.js';

export type ProjectRow = Selectable<ProjectTable>;
export type EnvironmentRow = Selectable<EnvironmentTable>;
export type KeystoreRow = Selectable<KeystoreTable>;

export interface KeystorePath {
  project_id: number;
  project: string;
  environment_id: number;
  environment: string;
  keystore_id: number;
  keystore: string;
}

const projectByName = prepared((db: Db, name: string) =>
  db.selectFrom('projects').selectAll().where('name', '=', name),
);

/** Every Apinizer request names its project: a prepared query (see prepared.ts). */
export async function findProject(db: Db, name: string): Promise<ProjectRow | undefined> {
  return (await projectByName(db, name))[0];
}

export function listProjects(db: Db): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().orderBy('name').execute();
}

export async function insertProject(db: Db, p: Omit<ProjectRow, 'id'>): Promise<number> {
  const r = await db.insertInto('projects').values(p).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function findEnvironment(db: Db, projectId: number, name: string): Promise<EnvironmentRow | undefined> {
  return db
    .selectFrom('environments')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
}

const environmentsOf = prepared((db: Db, projectId: number) =>
  db.selectFrom('environments').selectAll().where('project_id', '=', projectId).orderBy('project_id').orderBy('id'),
);

export function listEnvironments(db: Db, projectId?: number): Promise<EnvironmentRow[]> {
  if (projectId !== undefined) return environmentsOf(db, projectId);
  return db.selectFrom('environments').selectAll().orderBy('project_id').orderBy('id').execute();
}

export async function insertEnvironment(db: Db, e: Omit<EnvironmentRow, 'id'>): Promise<number> {
  const r = await db.insertInto('environments').values(e).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertKeystore(db: Db, k: Omit<KeystoreRow, 'id'>): Promise<number> {
  const r = await db.insertInto('keystores').values(k).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** Project, environment and keystore by name in one round trip. */
export function findKeystorePath(
  db: Db,
  project: string,
  environment: string,
  keystore: string,
): Promise<KeystorePath | undefined> {
  return db
    .selectFrom('keystores')
    .innerJoin('environments', 'environments.id', 'keystores.environment_id')
    .innerJoin('projects', 'projects.id', 'environments.project_id')
    .select([
      'projects.id as project_id',
      'projects.name as project',
      'environments.id as environment_id',
      'environments.name as environment',
      'keystores.id as keystore_id',
      'keystores.name as keystore',
    ])
    .where('projects.name', '=', project)
    .where('environments.name', '=', environment)
    .where('keystores.name', '=', keystore)
    .executeTakeFirst();
}

export function findKeystore(db: Db, environmentId: number, name: string): Promise<KeystoreRow | undefined> {
  return db
    .selectFrom('keystores')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('name', '=', name)
    .executeTakeFirst();
}
