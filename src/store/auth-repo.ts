import type { Db } from './entries-repo.js';
import { prepared } from './prepared.js';

export interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  disabled: number;
}

export interface ApiClientRow {
  client_id: string;
  secret_hash: string;
  user_id: number;
  user_name: string;
  disabled: number;
}

export interface TokenLookup {
  user_id: number;
  user_name: string;
  disabled: number;
  kind: string;
  expires_at: number | null;
}

export interface BindingRow {
  project_id: number | null;
  role: string;
}

const userColumns = ['id', 'name', 'password_hash', 'disabled'] as const;

export function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(userColumns).where('name', '=', name).executeTakeFirst();
}

const userById = prepared((db: Db, id: number) => db.selectFrom('users').select(userColumns).where('id', '=', id));

/** By primary key: the one read a cached credential costs, on every request with Basic credentials. */
export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return (await userById(db, id))[0];
}

export async function hasAnyUser(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function insertUser(
  db: Db,
  u: { name: string; password_hash: string; created_at: number },
): Promise<number> {
  const r = await db
    .insertInto('users')
    .values({ ...u, disabled: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updatePasswordHash(db: Db, id: number, hash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
}

export function findApiClient(db: Db, clientId: string): Promise<ApiClientRow | undefined> {
  return db
    .selectFrom('api_clients')
    .innerJoin('users', 'users.id', 'api_clients.user_id')
    .select([
      'api_clients.client_id',
      'api_clients.secret_hash',
      'api_clients.user_id',
      'users.name as user_name',
      'users.disabled',
    ])
    .where('api_clients.client_id', '=', clientId)
    .executeTakeFirst();
}

export async function insertApiClient(
  db: Db,
  c: { client_id: string; secret_hash: string; description: string; user_id: number; created_at: number },
): Promise<void> {
  await db.insertInto('api_clients').values(c).execute();
}

export async function insertToken(
  db: Db,
  t: { token_hash: string; user_id: number; kind: string; name: string; expires_at: number | null; created_at: number },
): Promise<number> {
  const r = await db.insertInto('tokens').values(t).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

const tokenByHash = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select(['tokens.user_id', 'users.name as user_name', 'users.disabled', 'tokens.kind', 'tokens.expires_at'])
    .where('tokens.token_hash', '=', tokenHash),
);

/** A token and its user in one indexed read (token_hash is unique). */
export async function findToken(db: Db, tokenHash: string): Promise<TokenLookup | undefined> {
  return (await tokenByHash(db, tokenHash))[0];
}

export function listTokens(
  db: Db,
  userId: number,
  kind: string,
): Promise<{ name: string; created_at: number; expires_at: number | null }[]> {
  return db
    .selectFrom('tokens')
    .select(['name', 'created_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}

export async function hasTokenNamed(db: Db, userId: number, kind: string, name: string): Promise<boolean> {
  const r = await db
    .selectFrom('tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  return r !== undefined;
}

/** Deletes a user's tokens of one name and returns their hashes, so the caller can drop them from its cache. */
export async function deleteTokensNamed(db: Db, userId: number, kind: string, name: string): Promise<string[]> {
  const rows = await db
    .deleteFrom('tokens')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .returning('token_hash')
    .execute();
  return rows.map((r) => r.token_hash);
}

/** Removes tokens of a kind that expired before `before`; returns how many. */
export async function deleteExpiredTokens(db: Db, kind: string, before: number): Promise<number> {
  const r = await db
    .deleteFrom('tokens')
    .where('kind', '=', kind)
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function listBindings(db: Db, userId: number): Promise<BindingRow[]> {
  return db.selectFrom('role_bindings').select(['project_id', 'role']).where('user_id', '=', userId).execute();
}

const globalBindings = prepared((db: Db, userId: number) =>
  db
    .selectFrom('role_bindings')
    .select(['project_id', 'role'])
    .where('user_id', '=', userId)
    .where('project_id', 'is', null),
);

const projectBindings = prepared((db: Db, userId: number, projectId: number) =>
  db
    .selectFrom('role_bindings')
    .select(['project_id', 'role'])
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)])),
);

/** The bindings that can answer a question about one project: its own and the global ones. Read on every request. */
export function bindingsFor(db: Db, userId: number, projectId: number | null): Promise<BindingRow[]> {
  return projectId === null ? globalBindings(db, userId) : projectBindings(db, userId, projectId);
}

/** Replaces the user's binding(s) for one project (null: the global one) with a single role. */
export async function replaceBinding(db: Db, userId: number, projectId: number | null, role: string): Promise<void> {
  await db
    .deleteFrom('role_bindings')
    .where('user_id', '=', userId)
    .where((eb) => (projectId === null ? eb('project_id', 'is', null) : eb('project_id', '=', projectId)))
    .execute();
  await db.insertInto('role_bindings').values({ user_id: userId, project_id: projectId, role }).execute();
}
