import type { CertificateFacts } from '../pki/certificate.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import * as groupsRepo from '../store/groups-repo.js';
import type { Store } from '../store/open.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { assertAliasFree } from './alias-scope.js';
import { readCertificate } from './entries.js';
import { DomainError, notFound } from './errors.js';
import { type Actor, type KeystoreRef, OWNER_SAP } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';
import { putEntry, retrying } from './write-entry.js';

const GROUP_KEYSTORE = 'system';

export interface MemberImport {
  environment: string;
  /** PEM, DER or base64 of a certificate; the first certificate counts. */
  material: Uint8Array;
}

export interface GroupImport {
  alias: string;
  /** Undefined keeps the description of an existing certificate ('' for a new one). */
  description: string | undefined;
  members: MemberImport[];
}

export interface GroupImportResult {
  created: boolean;
  environments: string[];
}

interface Target {
  ks: KeystoreRef;
  der: Buffer;
  facts: CertificateFacts;
}

/**
 * Apinizer's import-file (§3.7): the certificate is created when absent, and only the named environments'
 * entries are replaced; its other environments keep theirs. Checks run in A9's order (alias, project,
 * environments, certificates, alias free), all before the first write, so a refusal changes nothing.
 */
export async function importGroupMembers(
  store: Store,
  project: string,
  name: string,
  input: GroupImport,
  actor: Actor,
): Promise<GroupImportResult> {
  assertValidAlias(input.alias);
  assertNotReserved(input.alias);
  return retrying(store, async (trx) => {
    const p = await tenantsRepo.findProject(trx, project);
    if (!p) throw notFound('project', project);
    const keystores: KeystoreRef[] = [];
    for (const m of input.members) keystores.push(await systemKeystore(trx, project, m.environment));
    const targets: Target[] = input.members.map((m, i) => ({ ks: keystores[i]!, ...readCertificate(m.material) }));

    const now = Date.now();
    let group = await lockedGroup(trx, p.id, name);
    for (const t of targets)
      await assertAliasFree(trx, {
        project,
        environment: t.ks.environment,
        keystoreId: t.ks.keystoreId,
        alias: input.alias,
        groupId: group?.id,
      });

    const created = group === undefined;
    if (!group) {
      const row = { project_id: p.id, name, description: input.description ?? '', created_at: now, modified_at: now };
      group = { id: await groupsRepo.insertGroup(trx, row), ...row };
    } else {
      const set = input.description === undefined ? {} : { description: input.description };
      await groupsRepo.updateGroup(trx, group.id, { ...set, modified_at: now });
    }
    const members = await repo.findEntriesByGroup(trx, group.id);
    for (const t of targets) {
      // The certificate's previous entry in this environment goes when it had another alias; one of the same
      // alias is replaced in place below, so its history continues.
      for (const old of members.filter((m) => m.keystore_id === t.ks.keystoreId && m.alias !== input.alias))
        await removeOldMember(trx, t.ks, old, actor, now);
      const material = { kind: 'certificate' as const, der: t.der, facts: t.facts, chainDer: null, keyEnc: null };
      await putEntry(trx, t.ks, input.alias, material, { mode: 'upsert', groupId: group.id }, actor, now);
    }
    await repo.insertAudit(trx, {
      at: now,
      actor: actor.name,
      action: 'certificate.import',
      project,
      detail: JSON.stringify({ name, environments: targets.map((t) => t.ks.environment) }),
    });
    return { created, environments: targets.map((t) => t.ks.environment) };
  });
}

async function systemKeystore(db: Db, project: string, environment: string): Promise<KeystoreRef> {
  const path = await tenantsRepo.findKeystorePath(db, project, environment, GROUP_KEYSTORE);
  if (!path) throw notFound('environment', environment);
  return {
    projectId: path.project_id,
    project: path.project,
    environmentId: path.environment_id,
    environment: path.environment,
    keystoreId: path.keystore_id,
    keystore: path.keystore,
  };
}

/** The group row locked by a no-op update, so concurrent imports of one certificate queue (PostgreSQL). */
async function lockedGroup(trx: Db, projectId: number, name: string): Promise<groupsRepo.GroupRow | undefined> {
  const g = await groupsRepo.findGroup(trx, projectId, name);
  if (!g) return undefined;
  await groupsRepo.updateGroup(trx, g.id, { modified_at: g.modified_at });
  return groupsRepo.findGroup(trx, projectId, name);
}

async function removeOldMember(trx: Db, ks: KeystoreRef, old: repo.EntryRow, actor: Actor, now: number) {
  if (old.owner === OWNER_SAP)
    throw new DomainError('Forbidden', `The entry '${old.alias}' is owned by SAP and cannot be changed`);
  await repo.archiveEntry(trx, old.id, 'delete', now, actor.name);
  await repo.deleteEntry(trx, old.id, old.version);
  await repo.insertAudit(trx, {
    at: now,
    actor: actor.name,
    action: 'entry.delete',
    project: ks.project,
    environment: ks.environment,
    keystore: GROUP_KEYSTORE,
    alias: old.alias,
    sha256_before: old.sha256,
  });
}
