import { type CertificateFacts, parseCertificate } from '../pki/certificate.js';
import { PkiError } from '../pki/errors.js';
import { readCertificates } from '../pki/sniff.js';
import * as repo from '../store/entries-repo.js';
import type { EntryFilter, EntryQuery } from '../store/entry-query.js';
import type { Store } from '../store/open.js';
import { ReadCache } from '../store/read-cache.js';
import { DomainError } from './errors.js';
import { type Actor, type Entry, type KeystoreRef, toEntry } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';
import { isTrusted } from './trust.js';
import {
  aliasExists,
  aliasNotFound,
  putEntry,
  removeEntry,
  retrying,
  type WriteMode,
  type WriteResult,
} from './write-entry.js';

export {
  aliasNotFound,
  factsToState,
  type WriteMode,
  type WriteResult,
  type WriteStatus,
} from './write-entry.js';

export interface CertificateImport {
  /** The request body as sent: PEM, bracketed PEM, base64 or DER. */
  material: Uint8Array;
  mode: WriteMode;
  /** SAP's trust rule: refuse a certificate whose trust path can't be built from the keystore. */
  requireTrust: boolean;
  /** Put the entry in this group instead of applying the join-by-alias rule (Apinizer's certificates). */
  groupId?: number;
}

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

/** Entries kept in memory while the store is unchanged: an export asked again and again reads its row once. */
const CACHED_ENTRIES = 1000;

export class Entries {
  private readonly cache: ReadCache<string, repo.EntryRow | undefined>;

  constructor(private readonly store: Store) {
    this.cache = new ReadCache(store, CACHED_ENTRIES);
  }

  async get(ks: KeystoreRef, alias: string): Promise<Entry> {
    const entry = await this.find(ks, alias);
    if (!entry) throw aliasNotFound(alias);
    return entry;
  }

  async find(ks: KeystoreRef, alias: string): Promise<Entry | undefined> {
    // No alias holds NUL (writes refuse control characters), and PostgreSQL could not even be asked.
    if (alias.includes('\u0000')) return undefined;
    const row = await this.cache.get(`${ks.keystoreId}:${alias}`, () =>
      repo.findEntry(this.store.db, ks.keystoreId, alias),
    );
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
    return retrying(this.store, async (trx) => {
      const checkCurrent = (current: repo.EntryRow) => {
        if (current.kind === 'keypair')
          throw new DomainError('Invalid', 'Key Pair entry cannot be overwritten by a certificate entry.', {
            type: 'alias',
            name: alias,
          });
      };
      // The trust check needs the current state, so the existence rules run first, as SAP orders them.
      const current = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
      if (current && input.mode === 'create') throw aliasExists(alias);
      if (current) checkCurrent(current);
      if (input.requireTrust && !(await isTrusted(trx, ks.keystoreId, der, facts)))
        throw new DomainError(
          'NotTrusted',
          'The certificate cannot be trusted: no trust path to it can be built from the keystore',
          { type: 'alias', name: alias },
          { der, facts },
        );
      const material = { kind: 'certificate' as const, der, facts, chainDer: null, keyEnc: null };
      const options = { mode: input.mode, groupId: input.groupId, checkCurrent, current: current ?? null };
      return putEntry(trx, ks, alias, material, options, actor);
    });
  }

  /** Removes an entry; its last version stays in history. */
  async delete(ks: KeystoreRef, alias: string, actor: Actor): Promise<Entry> {
    assertNotReserved(alias);
    if (alias.includes('\u0000')) throw aliasNotFound(alias);
    return retrying(this.store, (trx) => removeEntry(trx, ks, alias, actor));
  }

  async history(ks: KeystoreRef, alias: string) {
    return repo.listHistory(this.store.db, ks.keystoreId, alias);
  }
}
