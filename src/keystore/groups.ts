import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import { isRetryable } from '../store/errors.js';
import * as groupsRepo from '../store/groups-repo.js';
import type { Store } from '../store/open.js';
import { ReadCache } from '../store/read-cache.js';
import type { EntryState } from '../store/schema.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { assertAliasFree } from './alias-scope.js';
import { factsToState, readCertificate } from './entries.js';
import { DomainError, notFound } from './errors.js';
import { type Actor, type Entry, OWNER_SAP, OWNER_TENANT, toEntry } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';

/** Apinizer's "certificate": a named set of entries, one per environment, in each environment's system keystore. */
export interface CertificateGroup {
  id: number;
  name: string;
  description: string;
  createdAt: number;
  modifiedAt: number;
  members: GroupMember[];
}

export interface GroupMember {
  environment: string;
  entry: Entry;
}

export interface GroupInput {
  description: string;
  alias: string;
  environments: string[];
  /** PEM, DER or base64 of one certificate (the first is taken when several are given). */
  material: Uint8Array;
}

const GROUP_KEYSTORE = 'system';

/** Work that must commit or fail with a certificate's change, given the certificate and the change's time. */
export type GroupHook = (trx: Db, group: CertificateGroup, now: number) => Promise<void>;

/** Certificates kept with their members while the store is unchanged: an export asked again reads nothing. */
const CACHED_GROUPS = 1000;

export class Groups {
  /** Shared by the callers of get(), which must not change what they get. */
  private readonly cache: ReadCache<string, CertificateGroup | undefined>;

  constructor(private readonly store: Store) {
    this.cache = new ReadCache(store, CACHED_GROUPS);
  }

  async list(project: string): Promise<CertificateGroup[]> {
    const db = this.store.db;
    const p = await this.project(db, project);
    const envNames = await this.environmentNames(db, p.id);
    const rows = await groupsRepo.listGroups(db, p.id);
    const out: CertificateGroup[] = [];
    for (const g of rows) out.push(await this.withMembers(db, g, envNames));
    return out;
  }

  async get(project: string, name: string): Promise<CertificateGroup> {
    // Names hold no NUL (PostgreSQL can't store one), so the key is unambiguous.
    const group = await this.cache.get(`${project}\u0000${name}`, async () => {
      const db = this.store.db;
      const p = await this.project(db, project);
      const g = await groupsRepo.findGroup(db, p.id, name);
      return g && this.withMembers(db, g, await this.environmentNames(db, p.id));
    });
    if (!group) throw notFound('certificate', name);
    return group;
  }

  async create(project: string, name: string, input: GroupInput, actor: Actor): Promise<CertificateGroup> {
    return this.write(project, name, input, actor, 'create');
  }

  /**
   * Replaces the whole certificate: the result has exactly the listed environments. `after` runs in the same
   * transaction with the new state (the JWKs made from the certificate follow it there).
   */
  async replace(
    project: string,
    name: string,
    input: GroupInput,
    actor: Actor,
    after?: GroupHook,
  ): Promise<CertificateGroup> {
    return this.write(project, name, input, actor, 'replace', after);
  }

  /** `after` runs in the same transaction with the state before the delete. */
  async delete(project: string, name: string, actor: Actor, after?: GroupHook): Promise<CertificateGroup> {
    return this.store.db.transaction().execute(async (trx) => {
      const p = await this.project(trx, project);
      const g = await this.lockedGroup(trx, p.id, name);
      if (!g) throw notFound('certificate', name);
      const before = await this.withMembers(trx, g, await this.environmentNames(trx, p.id));
      const now = Date.now();
      for (const m of before.members) await this.removeMember(trx, project, m, actor, now);
      await groupsRepo.deleteGroup(trx, g.id);
      await repo.insertAudit(trx, {
        at: now,
        actor: actor.name,
        action: 'certificate.delete',
        project,
        detail: JSON.stringify({ name }),
      });
      await after?.(trx, before, now);
      return before;
    });
  }

  private async write(
    project: string,
    name: string,
    input: GroupInput,
    actor: Actor,
    mode: 'create' | 'replace',
    after?: GroupHook,
  ): Promise<CertificateGroup> {
    assertValidAlias(input.alias);
    assertNotReserved(input.alias);
    const environments = [...new Set(input.environments)];
    return this.retryingUniqueViolation(() =>
      this.store.db.transaction().execute(async (trx) => {
        const p = await this.project(trx, project);
        const keystores: { environment: string; keystoreId: number; environmentId: number }[] = [];
        for (const env of environments) {
          const e = await tenantsRepo.findEnvironment(trx, p.id, env);
          if (!e) throw notFound('environment', env);
          const ks = await tenantsRepo.findKeystore(trx, e.id, GROUP_KEYSTORE);
          if (!ks) throw notFound('keystore', GROUP_KEYSTORE);
          keystores.push({ environment: env, keystoreId: ks.id, environmentId: e.id });
        }
        const { der, facts } = readCertificate(input.material);
        const now = Date.now();
        let group = await this.lockedGroup(trx, p.id, name);
        if (mode === 'create' && group)
          throw new DomainError('AlreadyExists', `Certificate '${name}' already exists`, { type: 'certificate', name });
        if (mode === 'replace' && !group) throw notFound('certificate', name);
        for (const k of keystores)
          await assertAliasFree(trx, {
            project,
            environment: k.environment,
            keystoreId: k.keystoreId,
            alias: input.alias,
            groupId: group?.id,
          });
        if (group) {
          const old = await this.withMembers(trx, group, await this.environmentNames(trx, p.id));
          for (const m of old.members) await this.removeMember(trx, project, m, actor, now);
          await groupsRepo.updateGroup(trx, group.id, { description: input.description, modified_at: now });
        } else {
          const id = await groupsRepo.insertGroup(trx, {
            project_id: p.id,
            name,
            description: input.description,
            created_at: now,
            modified_at: now,
          });
          group = { id, project_id: p.id, name, description: input.description, created_at: now, modified_at: now };
        }
        const state = factsToState(der, facts);
        for (const k of keystores) {
          const full: EntryState = {
            ...state,
            alias: input.alias,
            kind: 'certificate',
            owner: OWNER_TENANT,
            group_id: group.id,
            chain_der: null,
            key_enc: null,
            created_at: now,
            created_by: actor.name,
            modified_at: now,
            modified_by: actor.name,
            version: 1,
            meta: null,
          };
          await repo.insertEntry(trx, k.keystoreId, full);
          await repo.insertAudit(trx, {
            at: now,
            actor: actor.name,
            action: 'entry.create',
            project,
            environment: k.environment,
            keystore: GROUP_KEYSTORE,
            alias: input.alias,
            sha256_after: facts.sha256,
            detail: JSON.stringify({ certificate: name }),
          });
          await repo.touchKeystore(trx, k.keystoreId, now, actor.name);
        }
        await repo.insertAudit(trx, {
          at: now,
          actor: actor.name,
          action: mode === 'create' ? 'certificate.create' : 'certificate.replace',
          project,
          detail: JSON.stringify({ name, environments }),
        });
        const written = await this.withMembers(
          trx,
          { ...group, description: input.description, modified_at: now },
          await this.environmentNames(trx, p.id),
        );
        await after?.(trx, written, now);
        return written;
      }),
    );
  }

  /**
   * The group, its row locked for the rest of the transaction by a no-op update: concurrent writers of one
   * certificate (PostgreSQL) then queue here and read what the one before them committed, instead of
   * removing members another writer already removed. Read again after the lock, which may have waited.
   */
  private async lockedGroup(trx: Db, projectId: number, name: string): Promise<groupsRepo.GroupRow | undefined> {
    const g = await groupsRepo.findGroup(trx, projectId, name);
    if (!g) return undefined;
    await groupsRepo.updateGroup(trx, g.id, { modified_at: g.modified_at });
    return groupsRepo.findGroup(trx, projectId, name);
  }

  /**
   * Two writers may both find a name or an alias free and both insert it; the loser's transaction fails on
   * the unique constraint (or, taking locks in another order, in a deadlock). Run again, it sees the winner's
   * rows and ends in the domain error it should.
   */
  private async retryingUniqueViolation<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isRetryable(e) || attempt >= 3) throw e;
      }
    }
  }

  private async removeMember(trx: Db, project: string, m: GroupMember, actor: Actor, now: number): Promise<void> {
    if (m.entry.owner === OWNER_SAP)
      throw new DomainError('Forbidden', `The entry '${m.entry.alias}' is owned by SAP and cannot be changed`);
    await repo.archiveEntry(trx, m.entry.id, 'delete', now, actor.name);
    await repo.deleteEntry(trx, m.entry.id, m.entry.version);
    await repo.insertAudit(trx, {
      at: now,
      actor: actor.name,
      action: 'entry.delete',
      project,
      environment: m.environment,
      keystore: GROUP_KEYSTORE,
      alias: m.entry.alias,
      sha256_before: m.entry.sha256,
    });
    await repo.touchKeystore(trx, m.entry.keystoreId, now, actor.name);
  }

  private async project(db: Db, name: string) {
    const p = await tenantsRepo.findProject(db, name);
    if (!p) throw notFound('project', name);
    return p;
  }

  private async environmentNames(db: Db, projectId: number): Promise<Map<number, string>> {
    const envs = await tenantsRepo.listEnvironments(db, projectId);
    return new Map(envs.map((e) => [e.id, e.name]));
  }

  private async withMembers(db: Db, g: groupsRepo.GroupRow, envNames: Map<number, string>): Promise<CertificateGroup> {
    const rows = await repo.findEntriesByGroup(db, g.id);
    return {
      id: g.id,
      name: g.name,
      description: g.description,
      createdAt: g.created_at,
      modifiedAt: g.modified_at,
      members: rows.map((r) => ({ environment: envNames.get(r.environment_id) ?? '', entry: toEntry(r) })),
    };
  }
}
