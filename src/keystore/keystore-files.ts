import { createPrivateKey } from 'node:crypto';
import { parseCertificate } from '../pki/certificate.js';
import { detectJavaKeystore, type JavaKeystoreEntry, readJavaKeystore, writeJavaKeystore } from '../pki/jks.js';
import { privateKeyToPkcs8 } from '../pki/keys.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import { withKeystoreLock } from '../store/locks.js';
import type { Store } from '../store/open.js';
import { DomainError } from './errors.js';
import { chainOf, pkiToDomain } from './keypairs.js';
import type { Keyring } from './keyring.js';
import { type Actor, type KeystoreRef, OWNER_SAP, toEntry } from './model.js';
import { reservedReason } from './reserved.js';
import { putEntry, removeEntry } from './write-entry.js';

export type ImportOption = 'overwrite' | 'merge' | 'replace';

/** SAP's per-entry statuses of a keystore import, with its exact wording. */
export const STATUS = {
  exists: 'notImported: An entry with the same alias already exists',
  keyPairOverwrite: 'notImported :Key Pair entry cannot be overwritten by a certificate entry.',
} as const;

export interface EntryStatus {
  alias: string;
  status: string;
}

export interface KeystoreImportResult {
  /** Every entry the import touched, with SAP's status; entries it left alone are not listed. */
  statuses: EntryStatus[];
}

const KEY_CONTEXT = 'private-key';

/** Reading and writing whole Java keystores: SAP's KeystoreResources import and its public JCEKS export. */
export class KeystoreFiles {
  constructor(
    private readonly store: Store,
    private readonly keyring: () => Keyring,
  ) {}

  /**
   * Imports the X.509 entries of a JKS or JCEKS file, one password for the store and its keys. With `strict`, any
   * entry that can't be imported fails the whole import and nothing is written.
   */
  async importJavaKeystore(
    ks: KeystoreRef,
    file: Uint8Array,
    password: string,
    option: ImportOption,
    actor: Actor,
    strict: boolean,
  ): Promise<KeystoreImportResult> {
    if (!detectJavaKeystore(file))
      throw new DomainError('Unsupported', 'The resource is neither a JKS nor a JCEKS keystore', {
        type: 'body',
        name: 'keystore',
      });
    let entries: JavaKeystoreEntry[] = [];
    try {
      entries = readJavaKeystore(file, password).entries;
    } catch (e) {
      pkiToDomain(e);
    }
    // Sealing needs no transaction: do the slow part before the keystore is locked.
    const prepared: Prepared[] = [];
    for (const e of entries) {
      if (e.type === 'secretKey') continue;
      try {
        const der = Buffer.from(e.type === 'trustedCert' ? e.cert : (e.chain[0] ?? new Uint8Array()));
        const facts = parseCertificate(der);
        if (e.type === 'trustedCert') prepared.push({ alias: e.alias, der, facts, chainDer: null, keyEnc: null });
        else {
          const key = createPrivateKey({ key: Buffer.from(e.pkcs8), format: 'der', type: 'pkcs8' });
          const rest = e.chain.slice(1).map((c) => Buffer.from(c));
          prepared.push({
            alias: e.alias,
            der,
            facts,
            chainDer: rest.length ? Buffer.concat(rest) : null,
            keyEnc: await this.keyring().encrypt(privateKeyToPkcs8(key), KEY_CONTEXT),
          });
        }
      } catch {
        // Entries other than X.509 certificates and key pairs with X.509 chains are ignored, as SAP does.
      }
    }
    return withKeystoreLock(this.store.db, ks.keystoreId, async (trx) => {
      const statuses: EntryStatus[] = [];
      const incoming = new Set(prepared.map((p) => p.alias));
      if (option === 'replace') {
        for (const row of await repo.listEntries(trx, ks.keystoreId, {})) {
          if (row.owner === OWNER_SAP || incoming.has(row.alias)) continue;
          await removeEntry(trx, ks, row.alias, actor);
          statuses.push({ alias: row.alias, status: 'removed' });
        }
      }
      for (const p of prepared) {
        const status = await importOne(trx, ks, p, option, actor);
        if (strict && status.startsWith('notImported'))
          throw new DomainError('Invalid', `Entry '${p.alias}' ${status}`, { type: 'alias', name: p.alias });
        statuses.push({ alias: p.alias, status });
      }
      return { statuses };
    });
  }

  /**
   * The keystore's public content as JCEKS: trusted-certificate entries only, a key pair's chain as alias,
   * alias_1, alias_2 …, with `_` appended until every name is unique. The integrity digest uses an empty
   * password (D23): SAP calls the download unprotected.
   */
  async exportPublicJceks(ks: KeystoreRef): Promise<Buffer> {
    const rows = await repo.listEntries(this.store.db, ks.keystoreId, {});
    const used = new Set<string>();
    const unique = (name: string) => {
      let n = name;
      while (used.has(n.toLowerCase())) n += '_';
      used.add(n.toLowerCase());
      return n;
    };
    const out: { type: 'trustedCert'; alias: string; date: Date; cert: Uint8Array }[] = [];
    for (const entry of rows.map(toEntry)) {
      const date = new Date(entry.modifiedAt);
      chainOf(entry).forEach((cert, i) => {
        out.push({ type: 'trustedCert', alias: unique(i === 0 ? entry.alias : `${entry.alias}_${i}`), date, cert });
      });
    }
    return writeJavaKeystore('JCEKS', out, '');
  }
}

interface Prepared {
  alias: string;
  der: Buffer;
  facts: ReturnType<typeof parseCertificate>;
  chainDer: Buffer | null;
  keyEnc: Buffer | null;
}

async function importOne(trx: Db, ks: KeystoreRef, p: Prepared, option: ImportOption, actor: Actor): Promise<string> {
  const reason = reservedReason(p.alias);
  if (reason) return `notImported: ${reason}`;
  const current = await repo.findEntryForWrite(trx, ks.keystoreId, p.alias);
  if (current) {
    if (option === 'merge') return STATUS.exists;
    if (current.kind === 'keypair' && !p.keyEnc) return STATUS.keyPairOverwrite;
    if (current.owner === OWNER_SAP) return `notImported: The entry '${p.alias}' is owned by SAP`;
    if (current.sha256 === p.facts.sha256 && current.kind === (p.keyEnc ? 'keypair' : 'certificate') && !p.keyEnc)
      return 'unchanged';
  }
  const kind = p.keyEnc ? ('keypair' as const) : ('certificate' as const);
  const r = await putEntry(trx, ks, p.alias, { kind, ...p }, { mode: 'upsert', current: current ?? null }, actor);
  return r.status;
}
