export type Role = 'viewer' | 'editor' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** Who is calling: the user whose roles apply (an API client acts as the user it belongs to). */
export interface Principal {
  userId: number;
  name: string;
}

export type BearerResult = { ok: true; principal: Principal } | { ok: false; reason: 'invalid' | 'expired' };

/** A name and password (or client id and secret) checked, or refused without a check while the client is throttled. */
export type LoginResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfter: number };

export interface RoleBinding {
  /** null: every project */
  projectId: number | null;
  role: Role;
}

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** admin > editor > viewer; an unknown role in the store ranks below all, so it grants nothing. */
export const roleRank = (role: string): number => ROLES.indexOf(role as Role);
