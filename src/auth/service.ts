import type { Config } from '../config.js';
import { alreadyExists, notFound } from '../keystore/errors.js';
import * as repo from '../store/auth-repo.js';
import { type Db, insertAudit } from '../store/entries-repo.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Store } from '../store/open.js';
import { ReadCache } from '../store/read-cache.js';
import { findProject } from '../store/tenants-repo.js';
import { CredentialCache } from './credential-cache.js';
import { LruCache } from './lru.js';
import {
  type BearerResult,
  isRole,
  type LoginResult,
  type Principal,
  type Role,
  type RoleBinding,
  roleRank,
} from './model.js';
import { hashPassword, verifyPassword } from './passwords.js';
import {
  assertPassword,
  assertRole,
  assertTokenName,
  assertTtl,
  assertUserName,
  couldBeUserName,
  hasControlChars,
} from './rules.js';
import {
  CLIENT_ID,
  hashClientSecret,
  MAX_TOKEN_LENGTH,
  newSecret,
  PREFIX,
  RESERVED_PREFIX,
  sha256Hex,
  verifyClientSecret,
} from './secrets.js';
import { LoginThrottle } from './throttle.js';

export type { BearerResult, LoginResult, Principal, Role, RoleBinding } from './model.js';

export interface AuthOptions {
  /** The clock; tests move it to expire tokens and cache entries without sleeping. */
  now?: () => number;
  /** Verified Basic credentials kept, and for how long. */
  credentialCacheSize?: number;
  credentialCacheTtlMs?: number;
  /**
   * Token lookups kept, and for how long. This bounds how long a token deleted in the database (revoked
   * on another server sharing the PostgreSQL database, or by hand) keeps working here. Expiry is exact:
   * it is checked on every hit.
   */
  tokenCacheSize?: number;
  tokenCacheTtlMs?: number;
}

/** The client address of callers that don't name one; they share one window per user name. */
const UNKNOWN_CLIENT = '';

interface CachedToken {
  principal: Principal;
  expiresAt: number | null;
}

/** Users and role bindings kept while the store is unchanged: a few short strings each. */
const CACHED_ROWS = 10_000;

/** Who made a change, for the audit trail, when the caller doesn't say. */
const SYSTEM = 'system';
/** Expired access tokens are kept this long so that they answer 'expired' rather than 'invalid'. */
const EXPIRED_TOKEN_GRACE_MS = 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS = 3600 * 1000;

/**
 * Users, API clients, tokens and roles. Passwords are hashed with scrypt; tokens and client secrets are
 * random and kept as SHA-256 hashes only. Every check that costs scrypt or a token lookup is cached
 * briefly, bounded, and revalidated against the store as described at each cache.
 */
export class AuthService {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly credentials: CredentialCache;
  private readonly tokens: LruCache<string, CachedToken>;
  /** Checked against when the user is unknown, so that an unknown name takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;
  private lastSweep = 0;
  private readonly verifying = new Map<string, Promise<Principal | null>>();
  private readonly throttle: LoginThrottle;
  /** The rows every authenticated request reads, kept while the store is unchanged (see ReadCache). */
  private readonly users: ReadCache<number, repo.UserRow | undefined>;
  private readonly roleBindings: ReadCache<string, repo.BindingRow[]>;

  constructor(
    store: Store,
    private readonly config: Config,
    options: AuthOptions = {},
  ) {
    this.db = store.db;
    this.now = options.now ?? Date.now;
    this.credentials = new CredentialCache(
      options.credentialCacheSize ?? 10_000,
      options.credentialCacheTtlMs ?? 5 * 60_000,
      this.now,
    );
    this.tokens = new LruCache(options.tokenCacheSize ?? 10_000, options.tokenCacheTtlMs ?? 30_000, this.now);
    this.users = new ReadCache(store, CACHED_ROWS);
    this.roleBindings = new ReadCache(store, CACHED_ROWS);
    this.throttle = new LoginThrottle({
      limit: config.loginFailureLimit,
      windowMs: config.loginWindowMs,
      now: this.now,
    });
  }

  // ---- authentication ----

  /**
   * HTTP Basic and the token endpoints: a user's name and password, or an API client's id and secret (as SAP's
   * service keys allow). Every such check passes through here, so this is where brute force is throttled: after
   * too many failures from one client address for one name, the answer is 'throttled' and the password is not
   * even looked at (a correct one included, or the throttle would tell a guesser when it guessed right).
   */
  async login(user: string, password: string, clientIp: string = UNKNOWN_CLIENT): Promise<LoginResult> {
    const retryAfter = this.throttle.retryAfter(clientIp, user);
    if (retryAfter > 0) return { ok: false, reason: 'throttled', retryAfter };
    const principal = user.startsWith(PREFIX.clientId)
      ? await this.checkClient(user, password)
      : await this.checkPassword(user, password);
    if (!principal) {
      this.throttle.fail(clientIp, user);
      return { ok: false, reason: 'invalid' };
    }
    this.throttle.succeed(clientIp, user);
    return { ok: true, principal };
  }

  /** login() for callers that only need who it is: null when refused, whether wrong or throttled. */
  async authenticateBasic(user: string, password: string, clientIp?: string): Promise<Principal | null> {
    const result = await this.login(user, password, clientIp);
    return result.ok ? result.principal : null;
  }

  /** Seconds this client must wait before it may try `user` again, 0 when it may now: for a token endpoint's 429. */
  loginRetryAfter(user: string, clientIp: string = UNKNOWN_CLIENT): number {
    return this.throttle.retryAfter(clientIp, user);
  }

  async authenticateBearer(token: string): Promise<BearerResult> {
    if (!token.startsWith(RESERVED_PREFIX) || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
    const hash = sha256Hex(token);
    let found = this.tokens.get(hash);
    if (!found) {
      const row = await repo.findToken(this.db, hash);
      // Misses are not cached: a token issued a moment ago by another server must work at once.
      if (!row || row.disabled) return { ok: false, reason: 'invalid' };
      found = { principal: { userId: row.user_id, name: row.user_name }, expiresAt: row.expires_at };
      this.tokens.set(hash, found);
    }
    if (found.expiresAt !== null && found.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, principal: { ...found.principal } };
  }

  /** Every password check passes through here (via login, which throttles), Basic and the token endpoints alike. */
  private async checkPassword(user: string, password: string): Promise<Principal | null> {
    if (!couldBeUserName(user)) return null;
    const key = this.credentials.key(user, password);
    const cached = this.credentials.get(key);
    if (cached) {
      const row = await this.users.get(cached.userId, () => repo.findUserById(this.db, cached.userId));
      if (row && !row.disabled && row.name === user && row.password_hash === cached.passwordHash)
        return { userId: row.id, name: row.name };
      this.credentials.forget(key);
    }
    // Parallel requests with the same new credentials (a client opening many connections at once) share
    // one scrypt instead of each running its own.
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = this.verifyAndRemember(key, user, password).finally(() => this.verifying.delete(key));
      this.verifying.set(key, pending);
    }
    return pending;
  }

  private async verifyAndRemember(key: string, user: string, password: string): Promise<Principal | null> {
    const row = await repo.findUserByName(this.db, user);
    if (!row) {
      this.dummyHash ??= hashPassword(newSecret(''));
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    const ok = await verifyPassword(password, row.password_hash);
    if (!ok || row.disabled) return null;
    this.credentials.remember(key, { userId: row.id, passwordHash: row.password_hash });
    return { userId: row.id, name: row.name };
  }

  private async checkClient(clientId: string, secret: string): Promise<Principal | null> {
    if (!CLIENT_ID.test(clientId)) return null;
    const row = await repo.findApiClient(this.db, clientId);
    if (!row) return null;
    if (!verifyClientSecret(secret, row.secret_hash) || row.disabled) return null;
    return { userId: row.user_id, name: row.user_name };
  }

  // ---- authorisation ----

  /** true when the principal holds at least `role` in the project, or globally. projectId null asks for a global right. */
  async can(principal: Principal, projectId: number | null, role: Role): Promise<boolean> {
    const need = roleRank(role);
    const rows = await this.roleBindings.get(`${principal.userId}:${projectId}`, () =>
      repo.bindingsFor(this.db, principal.userId, projectId),
    );
    return rows.some((r) => roleRank(r.role) >= need);
  }

  /** The principal's role bindings, e.g. to list the projects it may see. */
  async bindings(principal: Principal): Promise<RoleBinding[]> {
    const rows = await repo.listBindings(this.db, principal.userId);
    return rows.flatMap((r) => (isRole(r.role) ? [{ projectId: r.project_id, role: r.role }] : []));
  }

  // ---- tokens ----

  /**
   * OAuth client credentials: an API client's id+secret, or a user's name+password (Apinizer's style). null when
   * wrong or throttled; loginRetryAfter() tells which.
   */
  async issueAccessToken(
    clientId: string,
    secret: string,
    clientIp?: string,
  ): Promise<{ token: string; expiresIn: number; principal: Principal } | null> {
    const principal = await this.authenticateBasic(clientId, secret, clientIp);
    if (!principal) return null;
    await this.sweepExpiredTokens();
    const now = this.now();
    const expiresIn = this.config.accessTokenTtlSeconds;
    const token = newSecret(PREFIX.accessToken);
    await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertToken(trx, {
        token_hash: sha256Hex(token),
        user_id: principal.userId,
        kind: 'access',
        name: clientId,
        expires_at: now + expiresIn * 1000,
        created_at: now,
      });
      await this.audit(trx, principal.name, 'token.issue', { user: principal.name, client: clientId, tokenId: id });
    });
    return { token, expiresIn, principal };
  }

  /** Issued access tokens pile up; drop the long-expired ones now and then, from whichever server issues. */
  private async sweepExpiredTokens(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    await repo.deleteExpiredTokens(this.db, 'access', now - EXPIRED_TOKEN_GRACE_MS);
  }

  async createPersonalToken(
    userName: string,
    tokenName: string,
    ttlSeconds: number | null,
    actor = SYSTEM,
  ): Promise<{ token: string; expiresAt: number | null }> {
    assertTokenName(tokenName);
    assertTtl(ttlSeconds);
    const user = await this.requireUser(userName);
    if (await repo.hasTokenNamed(this.db, user.id, 'pat', tokenName))
      throw alreadyExists('token', tokenName, `User '${userName}' already has a token named '${tokenName}'`);
    const now = this.now();
    const expiresAt = ttlSeconds === null ? null : now + ttlSeconds * 1000;
    const token = newSecret(PREFIX.personalToken);
    await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertToken(trx, {
        token_hash: sha256Hex(token),
        user_id: user.id,
        kind: 'pat',
        name: tokenName,
        expires_at: expiresAt,
        created_at: now,
      });
      await this.audit(trx, actor, 'token.create', { user: userName, name: tokenName, tokenId: id, expiresAt });
    });
    return { token, expiresAt };
  }

  async listPersonalTokens(userName: string): Promise<{ name: string; createdAt: number; expiresAt: number | null }[]> {
    const user = await this.requireUser(userName);
    const rows = await repo.listTokens(this.db, user.id, 'pat');
    return rows.map((r) => ({ name: r.name, createdAt: r.created_at, expiresAt: r.expires_at }));
  }

  /** Stops the token at once on this server; other servers sharing the database notice within tokenCacheTtlMs. */
  async revokePersonalToken(userName: string, tokenName: string, actor = SYSTEM): Promise<void> {
    assertTokenName(tokenName);
    const user = await this.requireUser(userName);
    const hashes = await this.db.transaction().execute(async (trx) => {
      const deleted = await repo.deleteTokensNamed(trx, user.id, 'pat', tokenName);
      if (deleted.length) await this.audit(trx, actor, 'token.revoke', { user: userName, name: tokenName });
      return deleted;
    });
    if (!hashes.length) throw notFound('token', tokenName, `User '${userName}' has no token named '${tokenName}'`);
    for (const h of hashes) this.tokens.delete(h);
  }

  // ---- accounts ----

  /** Creates a user, with a first role binding in the same transaction when `options.role` is given. */
  async createUser(
    name: string,
    password: string,
    options: { role?: Role; project?: string | null; actor?: string } = {},
  ): Promise<Principal> {
    assertUserName(name);
    assertPassword(password);
    if (options.role !== undefined) assertRole(options.role);
    const hash = await hashPassword(password);
    const actor = options.actor ?? SYSTEM;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const id = await repo.insertUser(trx, { name, password_hash: hash, created_at: this.now() });
        await this.audit(trx, actor, 'user.create', { user: name });
        if (options.role) await this.bind(trx, id, name, options.project ?? null, options.role, actor);
        return { userId: id, name };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyExists('user', name, `User '${name}' already exists`);
      throw e;
    }
  }

  async setPassword(name: string, password: string, actor = SYSTEM): Promise<void> {
    assertPassword(password);
    const user = await this.requireUser(name);
    const hash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await repo.updatePasswordHash(trx, user.id, hash);
      await this.audit(trx, actor, 'user.password', { user: name });
    });
    this.credentials.forgetUser(user.id);
  }

  /** Sets the user's role in the project (project null: in every project), replacing the role it had there. */
  async grantRole(userName: string, project: string | null, role: Role, actor = SYSTEM): Promise<void> {
    assertRole(role);
    const user = await this.requireUser(userName);
    await this.db.transaction().execute((trx) => this.bind(trx, user.id, userName, project, role, actor));
  }

  async createApiClient(
    userName: string,
    description: string,
    actor = SYSTEM,
  ): Promise<{ clientId: string; clientSecret: string }> {
    const user = await this.requireUser(userName);
    // 16 random bytes are plenty for an identifier that is not a secret.
    const clientId = newSecret(PREFIX.clientId, 16);
    const clientSecret = newSecret(PREFIX.clientSecret);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertApiClient(trx, {
        client_id: clientId,
        secret_hash: hashClientSecret(clientSecret),
        description,
        user_id: user.id,
        created_at: this.now(),
      });
      await this.audit(trx, actor, 'client.create', { user: userName, clientId });
    });
    return { clientId, clientSecret };
  }

  async hasUsers(): Promise<boolean> {
    return repo.hasAnyUser(this.db);
  }

  async userExists(name: string): Promise<boolean> {
    return (await repo.findUserByName(this.db, name)) !== undefined;
  }

  // ---- helpers ----

  private async requireUser(name: string): Promise<repo.UserRow> {
    const user = couldBeUserName(name) ? await repo.findUserByName(this.db, name) : undefined;
    if (!user) throw notFound('user', name, `User '${name}' not found`);
    return user;
  }

  private async bind(trx: Db, userId: number, userName: string, project: string | null, role: Role, actor: string) {
    let projectId: number | null = null;
    if (project !== null) {
      // Control characters can't be in a project name (and a NUL would make PostgreSQL fail, not miss).
      const p = hasControlChars(project) ? undefined : await findProject(trx, project);
      if (!p) throw notFound('project', project, `Project '${project}' not found`);
      projectId = p.id;
    }
    await repo.replaceBinding(trx, userId, projectId, role);
    await this.audit(trx, actor, 'role.grant', { user: userName, role, scope: project ?? '*' }, project);
  }

  private audit(db: Db, actor: string, action: string, detail: Record<string, unknown>, project: string | null = null) {
    return insertAudit(db, { at: this.now(), actor, action, project, detail: JSON.stringify(detail) });
  }
}
