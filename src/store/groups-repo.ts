import type { Selectable } from 'kysely';
import type { Db } from './entries-repo.js';
import { prepared, preparedRow } from './prepared.js';
import type { CertGroupTable } from './schema.js';

export type GroupRow = Selectable<CertGroupTable>;

const groupByName = prepared((db: Db, projectId: number, name: string) =>
  db.selectFrom('cert_groups').selectAll().where('project_id', '=', projectId).where('name', '=', name),
);

export async function findGroup(db: Db, projectId: number, name: string): Promise<GroupRow | undefined> {
  return (await groupByName(db, projectId, name))[0];
}

export function findGroupById(db: Db, id: number): Promise<GroupRow | undefined> {
  return db.selectFrom('cert_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listGroups(db: Db, projectId: number): Promise<GroupRow[]> {
  return db.selectFrom('cert_groups').selectAll().where('project_id', '=', projectId).orderBy('name').execute();
}

const groupInsert = preparedRow(
  ['project_id', 'name', 'description', 'created_at', 'modified_at'] as const,
  (db: Db, g: Omit<GroupRow, 'id'>) => db.insertInto('cert_groups').values(g).returning('id'),
);

/** Every SAP import of a new alias starts a group. */
export async function insertGroup(db: Db, g: Omit<GroupRow, 'id'>): Promise<number> {
  const [r] = await groupInsert(db, g);
  return r!.id;
}

export async function updateGroup(db: Db, id: number, set: Partial<Omit<GroupRow, 'id'>>): Promise<void> {
  await db.updateTable('cert_groups').set(set).where('id', '=', id).execute();
}

export async function deleteGroup(db: Db, id: number): Promise<void> {
  await db.deleteFrom('cert_groups').where('id', '=', id).execute();
}

const holdingAlias = (db: Db, projectId: number, alias: string) =>
  db
    .selectFrom('environments')
    .innerJoin('keystores', 'keystores.environment_id', 'environments.id')
    .innerJoin('entries', 'entries.keystore_id', 'keystores.id')
    .select('entries.group_id')
    .where('environments.project_id', '=', projectId)
    .where('entries.alias', '=', alias)
    .where('entries.group_id', 'is not', null)
    .limit(1);

const groupHoldingAlias = prepared(holdingAlias);

/**
 * A group of the project that holds this alias in another environment (the SAP API's join rule). Asked through
 * the project's keystores, so that each is one lookup in the (keystore_id, alias) index: starting from the
 * project's groups instead meant reading every group, and every SAP import starts one. An entry's group is always
 * of its own keystore's project, so the group's project needs no test of its own.
 */
export async function findGroupHoldingAlias(
  db: Db,
  projectId: number,
  alias: string,
): Promise<{ id: number } | undefined> {
  const [row] = await groupHoldingAlias(db, projectId, alias);
  return row?.group_id == null ? undefined : { id: row.group_id };
}

const groupStartUnlessHeld = prepared((db: Db, projectId: number, alias: string, now: number) =>
  db
    .insertInto('cert_groups')
    .columns(['project_id', 'name', 'description', 'created_at', 'modified_at'])
    .expression(
      db
        .selectNoFrom((eb) => [
          // Typed, because PostgreSQL can't infer a parameter's type from a bare select list.
          eb.cast<number>(eb.val(projectId), 'integer').as('project_id'),
          eb.cast<string>(eb.val(alias), 'text').as('name'),
          eb.val('').as('description'),
          eb.cast<number>(eb.val(now), 'bigint').as('created_at'),
          eb.cast<number>(eb.val(now), 'bigint').as('modified_at'),
        ])
        .where((eb) => eb.not(eb.exists(holdingAlias(db, projectId, alias)))),
    )
    .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
    .returning('id'),
);

/**
 * The common case of the SAP join rule in one statement, so one round trip on PostgreSQL: no group of the project
 * holds the alias and no group is named after it, so a group named after the alias is started. Undefined when
 * either is not so (or a concurrent writer just took the name); then the caller asks step by step.
 */
export async function startGroupUnlessHeld(db: Db, projectId: number, alias: string, now: number) {
  const [row] = await groupStartUnlessHeld(db, projectId, alias, now);
  return row?.id;
}

export async function groupIsEmpty(db: Db, groupId: number): Promise<boolean> {
  const r = await db.selectFrom('entries').select('id').where('group_id', '=', groupId).limit(1).executeTakeFirst();
  return r === undefined;
}
