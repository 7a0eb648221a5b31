import { parseCertificate } from '../pki/certificate.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import { withKeystoreLock } from '../store/locks.js';
import type { Store } from '../store/open.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { DomainError, notFound } from './errors.js';
import type { EntryStatus } from './keystore-files.js';
import { type Actor, type Entry, type KeystoreRef, OWNER_SAP, OWNER_TENANT, toEntry } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';
import { aliasExists, aliasNotFound, auditEntry, putEntry, removeEntry, retrying } from './write-entry.js';

/** A stored row as material for putEntry: the same bytes, facts read again from the DER. */
async function materialOf(db: Db, row: repo.EntryRow) {
  const keyEnc = row.kind === 'keypair' ? ((await repo.findEntryKey(db, row.id)) ?? null) : null;
  return {
    kind: row.kind as Entry['kind'],
    der: row.cert_der,
    facts: parseCertificate(row.cert_der),
    chainDer: row.chain_der,
    keyEnc,
  };
}

/** Keystore-wide operations and the life of keys: backup and restore, mass delete, rename, renewal and history. */
export class Lifecycle {
  constructor(private readonly store: Store) {}

  private async sibling(ks: KeystoreRef, name: string): Promise<KeystoreRef> {
    const k = await tenantsRepo.findKeystore(this.store.db, ks.environmentId, name);
    if (!k) throw notFound('keystore', name, `Keystore name '${name}' is invalid.`);
    return { ...ks, keystoreId: k.id, keystore: k.name };
  }

  /** Copies the tenant-owned entries of `system` into `backup_admin_system`, replacing the previous backup. */
  async backup(system: KeystoreRef, actor: Actor): Promise<EntryStatus[]> {
    const backup = await this.sibling(system, 'backup_admin_system');
    return withKeystoreLock(this.store.db, backup.keystoreId, async (trx) => {
      const statuses: EntryStatus[] = [];
      for (const old of await repo.listEntries(trx, backup.keystoreId, {})) {
        await removeEntry(trx, backup, old.alias, actor);
      }
      for (const row of await repo.listEntries(trx, system.keystoreId, {})) {
        if (row.owner !== OWNER_TENANT) continue;
        await putEntry(trx, backup, row.alias, await materialOf(trx, row), { mode: 'create' }, actor);
        statuses.push({ alias: row.alias, status: 'new' });
      }
      return statuses;
    });
  }

  /** Brings the backup back into `system`: overwrite (same aliases replaced) or replace (tenant entries removed first). */
  async restore(system: KeystoreRef, option: 'overwrite' | 'replace', actor: Actor): Promise<EntryStatus[]> {
    const backup = await this.sibling(system, 'backup_admin_system');
    return withKeystoreLock(this.store.db, system.keystoreId, async (trx) => {
      const saved = await repo.listEntries(trx, backup.keystoreId, {});
      if (saved.length === 0)
        throw new DomainError('NotFound', 'No backed up keystore entries found', {
          type: 'keystore',
          name: 'backup_admin_system',
        });
      const statuses: EntryStatus[] = [];
      const incoming = new Set(saved.map((r) => r.alias));
      if (option === 'replace')
        for (const row of await repo.listEntries(trx, system.keystoreId, {})) {
          if (row.owner !== OWNER_TENANT || incoming.has(row.alias)) continue;
          await removeEntry(trx, system, row.alias, actor);
          statuses.push({ alias: row.alias, status: 'removed' });
        }
      for (const row of saved) {
        const r = await putEntry(trx, system, row.alias, await materialOf(trx, row), { mode: 'upsert' }, actor);
        statuses.push({ alias: row.alias, status: r.status });
      }
      return statuses;
    });
  }

  /** Deletes the named entries; unknown aliases are skipped, and one reserved alias stops the whole operation. */
  async deleteMany(ks: KeystoreRef, aliases: string[], actor: Actor): Promise<Entry[]> {
    for (const alias of aliases) assertNotReserved(alias);
    return withKeystoreLock(this.store.db, ks.keystoreId, async (trx) => {
      const removed: Entry[] = [];
      for (const alias of new Set(aliases)) {
        if (alias.includes('\u0000')) continue;
        const row = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
        if (!row) continue;
        removed.push(await removeEntry(trx, ks, alias, actor));
      }
      return removed;
    });
  }

  /** Gives an entry a new alias; the old one stays in history under its old name. */
  async rename(ks: KeystoreRef, alias: string, newAlias: string, actor: Actor): Promise<Entry> {
    assertNotReserved(alias);
    assertValidAlias(newAlias);
    assertNotReserved(newAlias);
    return retrying(this.store, async (trx) => {
      const current = alias.includes('\u0000') ? undefined : await repo.findEntryForWrite(trx, ks.keystoreId, alias);
      if (!current) throw aliasNotFound(alias);
      if (current.owner === OWNER_SAP)
        throw new DomainError('Forbidden', `The entry '${alias}' is owned by SAP and cannot be renamed`, {
          type: 'alias',
          name: alias,
        });
      if (newAlias !== alias && (await repo.findEntry(trx, ks.keystoreId, newAlias))) throw aliasExists(newAlias);
      const now = Date.now();
      await repo.archiveEntry(trx, current.id, 'rename', now, actor.name);
      await repo.updateEntry(trx, current.id, current.version, {
        alias: newAlias,
        modified_at: now,
        modified_by: actor.name,
        version: current.version + 1,
      });
      await auditEntry(trx, ks, 'entry.rename', newAlias, actor, now, current.sha256, current.sha256, { from: alias });
      await repo.touchKeystore(trx, ks.keystoreId, now, actor.name);
      return toEntry((await repo.findEntry(trx, ks.keystoreId, newAlias))!);
    });
  }

  /**
   * Activates a renewed key: the `KeyRenewal` entry moves into `system` under the same alias, and the `system`
   * entry it replaces moves to `KeyHistory` as `[n]_<alias>` with its activation data.
   */
  async activate(system: KeystoreRef, alias: string, actor: Actor): Promise<Entry> {
    const renewal = await this.sibling(system, 'KeyRenewal');
    const history = await this.sibling(system, 'KeyHistory');
    return withKeystoreLock(this.store.db, system.keystoreId, async (trx) => {
      const fresh = await repo.findEntryForWrite(trx, renewal.keystoreId, alias);
      if (!fresh) throw aliasNotFound(alias);
      const now = Date.now();
      const old = await repo.findEntryForWrite(trx, system.keystoreId, alias);
      if (old) {
        const n = (await lastSequence(trx, history.keystoreId, alias)) + 1;
        const meta = {
          OriginalAlias: alias,
          ActivatedBy: old.created_by,
          ActiveFrom: old.created_at,
          DeactivatedBy: actor.name,
          ActiveUntil: now,
          ActivationSequenceNumber: n,
        };
        const m = await materialOf(trx, old);
        await putEntry(
          trx,
          history,
          `[${n}]_${alias}`,
          { ...m, meta, owner: old.owner },
          { mode: 'create' },
          actor,
          now,
        );
        await removeEntry(trx, system, alias, actor, now, { sapOwnedToo: true });
      }
      const m = await materialOf(trx, fresh);
      const r = await putEntry(trx, system, alias, { ...m, owner: fresh.owner }, { mode: 'create' }, actor, now);
      await removeEntry(trx, renewal, alias, actor, now, { sapOwnedToo: true });
      return r.entry;
    });
  }

  /** Copies a `KeyHistory` entry into `KeyRenewal`, by default under its original alias, so it can be activated again. */
  async copyFromHistory(system: KeystoreRef, historyAlias: string, destination: string | undefined, actor: Actor) {
    if (!historyAlias.startsWith('['))
      throw new DomainError(
        'Invalid',
        `The alias "${historyAlias}" is invalid: Alias '${historyAlias}' does not start with '['`,
        { type: 'alias', name: historyAlias },
      );
    const history = await this.sibling(system, 'KeyHistory');
    const renewal = await this.sibling(system, 'KeyRenewal');
    return retrying(this.store, async (trx) => {
      const row = await repo.findEntry(trx, history.keystoreId, historyAlias);
      if (!row) throw aliasNotFound(historyAlias);
      const original =
        (row.meta ? (JSON.parse(row.meta) as { OriginalAlias?: string }).OriginalAlias : undefined) ??
        historyAlias.replace(/^\[\d+\]_/, '');
      const target = destination || original;
      assertValidAlias(target);
      if (await repo.findEntry(trx, renewal.keystoreId, target)) throw aliasExists(target);
      const m = await materialOf(trx, row);
      return (await putEntry(trx, renewal, target, { ...m, owner: row.owner }, { mode: 'create' }, actor)).entry;
    });
  }
}

async function lastSequence(db: Db, historyKeystoreId: number, alias: string): Promise<number> {
  let last = 0;
  for (const row of await repo.listEntries(db, historyKeystoreId, {
    filter: { op: 'text', fn: 'endswith', field: { field: 'alias' }, value: `]_${alias}` },
  })) {
    const seq = row.meta ? (JSON.parse(row.meta) as { ActivationSequenceNumber?: number }).ActivationSequenceNumber : 0;
    if (typeof seq === 'number' && seq > last) last = seq;
  }
  return last;
}
