import type { CertificateFacts } from '../pki/certificate.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import { isLockTimeout, isRetryable } from '../store/errors.js';
import type { Store } from '../store/open.js';
import type { EntryState } from '../store/schema.js';
import { writeTransaction } from '../store/write-transaction.js';
import { DomainError } from './errors.js';
import { joinOrStartGroup, removeGroupIfEmpty } from './group-membership.js';
import { type Actor, type Entry, type EntryKind, type KeystoreRef, OWNER_SAP, OWNER_TENANT, toEntry } from './model.js';

export type WriteMode = 'create' | 'update' | 'upsert';
export type WriteStatus = 'new' | 'changed';

export interface WriteResult {
  entry: Entry;
  status: WriteStatus;
}

/** What an entry holds: its certificate with facts, and for a key pair the rest of the chain and the sealed key. */
export interface EntryMaterial {
  kind: EntryKind;
  der: Buffer;
  facts: CertificateFacts;
  chainDer: Buffer | null;
  keyEnc: Buffer | null;
  meta?: Record<string, unknown> | null;
  owner?: string;
}

export interface PutOptions {
  mode: WriteMode;
  /** Put the entry in this group instead of applying the join-by-alias rule (Apinizer's certificates). */
  groupId?: number | undefined;
  /** Checks on the entry being replaced, e.g. "a certificate may not replace a key pair". */
  checkCurrent?: (current: repo.EntryRow) => void;
  /**
   * The entry as the caller already read it for writing in this transaction (null: there is none), so that it is
   * not read a second time; each read is a round trip on PostgreSQL.
   */
  current?: repo.EntryRow | null;
}

export const aliasNotFound = (alias: string) =>
  new DomainError('NotFound', `Alias '${alias}' not found in the keystore`, { type: 'alias', name: alias });

export const aliasExists = (alias: string) =>
  new DomainError('AlreadyExists', `Keystore entry with alias "${alias}" already exists`, {
    type: 'alias',
    name: alias,
  });

export function factsToState(der: Buffer, f: CertificateFacts) {
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

export function auditEntry(
  trx: Db,
  ks: KeystoreRef,
  action: string,
  alias: string,
  actor: Actor,
  at: number,
  before: string | null,
  after: string | null,
  detail?: Record<string, unknown>,
) {
  return repo.insertAudit(trx, entryEvent(ks, action, alias, actor, at, before, after, detail));
}

function entryEvent(
  ks: KeystoreRef,
  action: string,
  alias: string,
  actor: Actor,
  at: number,
  before: string | null,
  after: string | null,
  detail?: Record<string, unknown>,
) {
  return {
    at,
    actor: actor.name,
    action,
    project: ks.project,
    environment: ks.environment,
    keystore: ks.keystore,
    alias,
    sha256_before: before,
    sha256_after: after,
    detail: detail ? JSON.stringify(detail) : null,
  };
}

/**
 * Creates or replaces one entry inside a transaction: the previous version goes to history and an audit
 * event records the change, so nothing is updated without a trace.
 */
export async function putEntry(
  trx: Db,
  ks: KeystoreRef,
  alias: string,
  m: EntryMaterial,
  opts: PutOptions,
  actor: Actor,
  now = Date.now(),
): Promise<WriteResult> {
  const current =
    opts.current === undefined ? await repo.findEntryForWrite(trx, ks.keystoreId, alias) : (opts.current ?? undefined);
  if (current && opts.mode === 'create') throw aliasExists(alias);
  if (!current && opts.mode === 'update')
    throw new DomainError('Invalid', `Keystore entry with alias "${alias}" does not exist`, {
      type: 'alias',
      name: alias,
    });
  if (current?.owner === OWNER_SAP)
    throw new DomainError('Forbidden', `The entry '${alias}' is owned by SAP and cannot be changed`, {
      type: 'alias',
      name: alias,
    });
  if (current) opts.checkCurrent?.(current);

  const state = {
    ...factsToState(m.der, m.facts),
    kind: m.kind,
    chain_der: m.chainDer,
    key_enc: m.keyEnc,
    meta: m.meta ? JSON.stringify(m.meta) : null,
  };
  if (current) {
    await repo.archiveEntry(trx, current.id, 'update', now, actor.name);
    const groupId = opts.groupId ?? current.group_id;
    const ok = await repo.updateEntry(trx, current.id, current.version, {
      ...state,
      group_id: groupId,
      modified_at: now,
      modified_by: actor.name,
      version: current.version + 1,
    });
    if (!ok) throw new RetryWrite();
    await auditEntry(trx, ks, 'entry.update', alias, actor, now, current.sha256, m.facts.sha256);
    await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
    if (current.group_id !== null && current.group_id !== groupId) await removeGroupIfEmpty(trx, current.group_id);
    const row = await repo.findEntry(trx, ks.keystoreId, alias);
    return { entry: toEntry(row!), status: 'changed' };
  }
  const groupId = opts.groupId ?? (await joinOrStartGroup(trx, ks, alias, now));
  const full: EntryState = {
    ...state,
    alias,
    owner: m.owner ?? OWNER_TENANT,
    group_id: groupId,
    created_at: now,
    created_by: actor.name,
    modified_at: now,
    modified_by: actor.name,
    version: 1,
  };
  const event = entryEvent(ks, 'entry.create', alias, actor, now, null, m.facts.sha256);
  const id = await repo.insertEntryAudited(trx, ks.keystoreId, full, event);
  const { key_enc: _key, ...visible } = full;
  return { entry: toEntry({ ...visible, id, keystore_id: ks.keystoreId }), status: 'new' };
}

/** Removes one entry inside a transaction; its last version stays in history. */
export async function removeEntry(
  trx: Db,
  ks: KeystoreRef,
  alias: string,
  actor: Actor,
  now = Date.now(),
  /** Key renewal moves SAP's own keys too; every other removal leaves them alone. */
  opts: { sapOwnedToo?: boolean } = {},
) {
  const current = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
  if (!current) throw aliasNotFound(alias);
  if (current.owner === OWNER_SAP && !opts.sapOwnedToo)
    throw new DomainError('Forbidden', `The entry '${alias}' is owned by SAP and cannot be deleted`, {
      type: 'alias',
      name: alias,
    });
  await repo.archiveEntry(trx, current.id, 'delete', now, actor.name);
  if (!(await repo.deleteEntry(trx, current.id, current.version))) throw new RetryWrite();
  await auditEntry(trx, ks, 'entry.delete', alias, actor, now, current.sha256, null);
  await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
  if (current.group_id !== null) await removeGroupIfEmpty(trx, current.group_id);
  return toEntry(current);
}

/** Thrown inside a transaction when another writer changed the entry in between; the write is tried again. */
export class RetryWrite extends Error {}

const RETRIES = 5;

/**
 * Runs a write in a transaction, again when another writer got there first (a lost version race or a
 * concurrent insert of the same alias), so concurrent writers end in one consistent state.
 */
export async function retrying<T>(store: Store, fn: (trx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeTransaction(store.db, fn);
    } catch (e) {
      if (isLockTimeout(e)) throw new DomainError('Locked', 'The keystore is locked by another user. Try again later.');
      const again = e instanceof RetryWrite || isRetryable(e);
      if (!again || attempt >= RETRIES) {
        if (again) throw new DomainError('Conflict', 'The entry was changed by another request; try again');
        throw e;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
  }
}
