import { type CertificateFacts, isSignedBy, parseCertificate } from '../pki/certificate.js';
import { PkiError } from '../pki/errors.js';
import { readCertificates } from '../pki/sniff.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import type { EntryFilter, EntryQuery } from '../store/entry-query.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Store } from '../store/open.js';
import type { EntryState } from '../store/schema.js';
import { DomainError } from './errors.js';
import { joinOrStartGroup, removeGroupIfEmpty } from './group-membership.js';
import { type Actor, type Entry, type KeystoreRef, OWNER_SAP, OWNER_TENANT, toEntry } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';

export type WriteMode = 'create' | 'update' | 'upsert';
export type WriteStatus = 'new' | 'changed';

export interface CertificateImport {
  /** The request body as sent: PEM, bracketed PEM, base64 or DER. */
  material: Uint8Array;
  mode: WriteMode;
  /** SAP's trust rule: refuse a certificate whose trust path can't be built from the keystore. */
  requireTrust: boolean;
  /** Put the entry in this group instead of applying the join-by-alias rule (Apinizer's certificates). */
  groupId?: number;
}

export interface WriteResult {
  entry: Entry;
  status: WriteStatus;
}

export const aliasNotFound = (alias: string) =>
  new DomainError('NotFound', `Alias '${alias}' not found in the keystore`, { type: 'alias', name: alias });

/** Turns a body into the first certificate's DER and facts, or a domain error that says why not. */
export function readCertificate(material: Uint8Array): { der: Buffer; facts: CertificateFacts } {
  try {
    const [first] = readCertificates(material);
    if (!first) throw new PkiError('not-certificate', 'The request body does not contain an X.509 certificate');
    const der = Buffer.from(first);
    return { der, facts: parseCertificate(der) };
  } catch (e) {
    if (e instanceof PkiError) throw new DomainError('Unsupported', e.message, { type: 'body', name: e.code });
    throw e;
  }
}

export function factsToState(
  der: Buffer,
  f: CertificateFacts,
): Omit<
  EntryState,
  | 'alias'
  | 'kind'
  | 'owner'
  | 'group_id'
  | 'chain_der'
  | 'key_enc'
  | 'created_at'
  | 'created_by'
  | 'modified_at'
  | 'modified_by'
  | 'version'
  | 'meta'
> {
  return {
    cert_der: der,
    subject_dn: f.subjectDn,
    issuer_dn: f.issuerDn,
    serial: f.serial,
    not_before: f.notBefore.getTime(),
    not_after: f.notAfter.getTime(),
    key_type: f.keyType,
    key_size: f.keySize,
    curve: f.curve,
    sig_alg: f.signatureAlgorithm,
    cert_version: f.version,
    sha1: f.sha1,
    sha256: f.sha256,
    sha512: f.sha512,
  };
}

/** How many times a write is tried again when another writer changed the same entry in between. */
const RETRIES = 5;

export class Entries {
  constructor(private readonly store: Store) {}

  async get(ks: KeystoreRef, alias: string): Promise<Entry> {
    const entry = await this.find(ks, alias);
    if (!entry) throw aliasNotFound(alias);
    return entry;
  }

  async find(ks: KeystoreRef, alias: string): Promise<Entry | undefined> {
    // No alias holds NUL (writes refuse control characters), and PostgreSQL could not even be asked.
    if (alias.includes('\u0000')) return undefined;
    const row = await repo.findEntry(this.store.db, ks.keystoreId, alias);
    return row ? toEntry(row) : undefined;
  }

  async list(ks: KeystoreRef, query: EntryQuery = {}): Promise<Entry[]> {
    return (await repo.listEntries(this.store.db, ks.keystoreId, query)).map(toEntry);
  }

  count(ks: KeystoreRef, filter?: EntryFilter): Promise<number> {
    return repo.countEntries(this.store.db, ks.keystoreId, filter);
  }

  /** Imports or replaces a trusted-certificate entry (SAP's CertificateResources, Apinizer's environment copies). */
  async importCertificate(
    ks: KeystoreRef,
    alias: string,
    input: CertificateImport,
    actor: Actor,
  ): Promise<WriteResult> {
    assertValidAlias(alias);
    assertNotReserved(alias);
    const { der, facts } = readCertificate(input.material);
    return this.retrying(async (trx) => {
      const current = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
      if (current && input.mode === 'create')
        throw new DomainError('AlreadyExists', `Keystore entry with alias "${alias}" already exists`, {
          type: 'alias',
          name: alias,
        });
      if (!current && input.mode === 'update')
        throw new DomainError('Invalid', `Keystore entry with alias "${alias}" does not exist`, {
          type: 'alias',
          name: alias,
        });
      if (current?.kind === 'keypair')
        throw new DomainError('Invalid', 'Key Pair entry cannot be overwritten by a certificate entry.', {
          type: 'alias',
          name: alias,
        });
      if (current?.owner === OWNER_SAP)
        throw new DomainError('Forbidden', `The entry '${alias}' is owned by SAP and cannot be changed`, {
          type: 'alias',
          name: alias,
        });
      if (input.requireTrust && !(await isTrusted(trx, ks.keystoreId, der, facts)))
        throw new DomainError(
          'NotTrusted',
          'The certificate cannot be trusted: no trust path to it can be built from the keystore',
          { type: 'alias', name: alias },
          { der, facts },
        );

      const now = Date.now();
      const state = factsToState(der, facts);
      if (current) {
        await repo.archiveEntry(trx, current.id, 'update', now, actor.name);
        const groupId = input.groupId ?? current.group_id;
        const ok = await repo.updateEntry(trx, current.id, current.version, {
          ...state,
          group_id: groupId,
          modified_at: now,
          modified_by: actor.name,
          version: current.version + 1,
        });
        if (!ok) throw new RetryWrite();
        await this.audit(trx, ks, 'entry.update', alias, actor, now, current.sha256, facts.sha256);
        await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
        if (current.group_id !== null && current.group_id !== groupId) await removeGroupIfEmpty(trx, current.group_id);
        const row = await repo.findEntry(trx, ks.keystoreId, alias);
        return { entry: toEntry(row!), status: 'changed' as const };
      }
      const groupId = input.groupId ?? (await joinOrStartGroup(trx, ks, alias, now));
      const full: EntryState = {
        ...state,
        alias,
        kind: 'certificate',
        owner: OWNER_TENANT,
        group_id: groupId,
        chain_der: null,
        key_enc: null,
        created_at: now,
        created_by: actor.name,
        modified_at: now,
        modified_by: actor.name,
        version: 1,
        meta: null,
      };
      const id = await repo.insertEntry(trx, ks.keystoreId, full);
      await this.audit(trx, ks, 'entry.create', alias, actor, now, null, facts.sha256);
      await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
      const { key_enc: _key, ...visible } = full;
      return { entry: toEntry({ ...visible, id, keystore_id: ks.keystoreId }), status: 'new' as const };
    });
  }

  /** Removes an entry; its last version stays in history. */
  async delete(ks: KeystoreRef, alias: string, actor: Actor): Promise<Entry> {
    assertNotReserved(alias);
    if (alias.includes('\u0000')) throw aliasNotFound(alias);
    return this.retrying(async (trx) => {
      const current = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
      if (!current) throw aliasNotFound(alias);
      if (current.owner === OWNER_SAP)
        throw new DomainError('Forbidden', `The entry '${alias}' is owned by SAP and cannot be deleted`, {
          type: 'alias',
          name: alias,
        });
      const now = Date.now();
      await repo.archiveEntry(trx, current.id, 'delete', now, actor.name);
      if (!(await repo.deleteEntry(trx, current.id, current.version))) throw new RetryWrite();
      await this.audit(trx, ks, 'entry.delete', alias, actor, now, current.sha256, null);
      await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
      if (current.group_id !== null) await removeGroupIfEmpty(trx, current.group_id);
      return toEntry(current);
    });
  }

  async history(ks: KeystoreRef, alias: string) {
    return repo.listHistory(this.store.db, ks.keystoreId, alias);
  }

  private audit(
    trx: Db,
    ks: KeystoreRef,
    action: string,
    alias: string,
    actor: Actor,
    at: number,
    before: string | null,
    after: string | null,
  ) {
    return repo.insertAudit(trx, {
      at,
      actor: actor.name,
      action,
      project: ks.project,
      environment: ks.environment,
      keystore: ks.keystore,
      alias,
      sha256_before: before,
      sha256_after: after,
    });
  }

  /**
   * Runs a write in a transaction, again when another writer got there first (a lost version race or a
   * concurrent insert of the same alias), so concurrent writers end in one consistent state.
   */
  private async retrying<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.db.transaction().execute(fn);
      } catch (e) {
        const again = e instanceof RetryWrite || isUniqueViolation(e);
        if (!again || attempt >= RETRIES) {
          if (again) throw new DomainError('Conflict', 'The entry was changed by another request; try again');
          throw e;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
      }
    }
  }
}

class RetryWrite extends Error {}

/**
 * SAP's rule: trusted when the very certificate is stored already, or a stored certificate signed it.
 * Looks only at entries whose subject is the certificate's issuer, so the keystore is never loaded whole.
 */
async function isTrusted(db: Db, keystoreId: number, der: Buffer, facts: CertificateFacts): Promise<boolean> {
  const issuers = await repo.findEntriesBySubject(db, keystoreId, facts.issuerDn);
  for (const candidate of issuers) {
    if (candidate.sha256 === facts.sha256) return true;
    if (isSignedBy(der, candidate.cert_der)) return true;
  }
  const same = await repo.listEntries(db, keystoreId, {
    filter: { op: 'cmp', cmp: 'eq', field: { field: 'sha256' }, value: facts.sha256 },
    limit: 1,
  });
  return same.length > 0;
}
