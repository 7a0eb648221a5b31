import type { KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { type CertificateFacts, parseCertificate } from '../pki/certificate.js';
import { readChain } from '../pki/chain.js';
import { splitDer } from '../pki/der-split.js';
import { PkiError } from '../pki/errors.js';
import { createSelfSigned, generateKeyPairAsync, normalizeSignatureAlgorithm } from '../pki/generate.js';
import { keyMatchesCertificate, privateKeyToPkcs8 } from '../pki/keys.js';
import { readPkcs12 } from '../pki/pkcs12.js';
import * as repo from '../store/entries-repo.js';
import type { Store } from '../store/open.js';
import { DomainError } from './errors.js';
import type { Keyring } from './keyring.js';
import { type Actor, type Entry, type KeystoreRef, toEntry } from './model.js';
import { assertNotReserved, assertValidAlias } from './reserved.js';
import { isTrusted } from './trust.js';
import { aliasExists, aliasNotFound, putEntry, retrying, type WriteMode, type WriteResult } from './write-entry.js';

/** Private keys are sealed under this context, so a sealed key can't be passed off as another kind of secret. */
const KEY_CONTEXT = 'private-key';

export interface KeyPairInput {
  key: KeyObject;
  /** Leaf first, towards the root. */
  chain: Uint8Array[];
  mode: WriteMode;
  requireTrust: boolean;
}

export interface GenerateSpec {
  keyType: 'RSA' | 'EC' | 'DSA';
  keySize?: number | undefined;
  curve?: string | undefined;
  /** Any of SAP's spellings (SHA-256/RSA, SHA256/RSA, SHA256withRSA); the JCA name is stored. */
  signatureAlgorithm?: string | undefined;
  subject: { CN: string; C?: string; O?: string; OU?: string; L?: string; ST?: string; E?: string };
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
  mode: WriteMode;
}

/** SAP's defaults: RSA 4096 signed with SHA-512, valid for three years. */
const DEFAULT_SIGNATURE: Record<GenerateSpec['keyType'], string> = {
  RSA: 'SHA512withRSA',
  EC: 'SHA512withECDSA',
  DSA: 'SHA256withDSA',
};

/** Turns a PKI failure into the domain's words: a wrong password is the caller's mistake, the rest unreadable input. */
export function pkiToDomain(e: unknown): never {
  if (e instanceof PkiError) {
    if (e.code === 'password') throw new DomainError('Invalid', e.message, { type: 'body', name: e.code });
    throw new DomainError('Unsupported', e.message, { type: 'body', name: e.code });
  }
  throw e;
}

const notKeyPair = (alias: string) =>
  new DomainError('Invalid', `Alias "${alias}" does not represent a Key Pair`, { type: 'alias', name: alias });

export class KeyPairs {
  constructor(
    private readonly store: Store,
    private readonly keyring: () => Keyring,
  ) {}

  /** A key and its certificate chain as one entry; the key is sealed before it reaches the store. */
  async importKeyPair(ks: KeystoreRef, alias: string, input: KeyPairInput, actor: Actor): Promise<WriteResult> {
    assertValidAlias(alias);
    assertNotReserved(alias);
    const [leaf, ...rest] = input.chain;
    if (!leaf) throw new DomainError('Invalid', 'The key pair has no certificate', { type: 'alias', name: alias });
    let facts: CertificateFacts;
    try {
      facts = parseCertificate(leaf);
    } catch (e) {
      pkiToDomain(e);
    }
    if (!keyMatchesCertificate(input.key, leaf))
      throw new DomainError('Invalid', 'The certificate chain does not fit to the key pair', {
        type: 'alias',
        name: alias,
      });
    const keyEnc = await this.keyring().encrypt(privateKeyToPkcs8(input.key), KEY_CONTEXT);
    const der = Buffer.from(leaf);
    const chainDer = rest.length ? Buffer.concat(rest.map((c) => Buffer.from(c))) : null;
    const top = Buffer.from(input.chain[input.chain.length - 1] as Uint8Array);
    return retrying(this.store, async (trx) => {
      const current = await repo.findEntryForWrite(trx, ks.keystoreId, alias);
      if (current && input.mode === 'create') throw aliasExists(alias);
      if (input.requireTrust && !(await isTrusted(trx, ks.keystoreId, top, parseCertificate(top))))
        throw new DomainError(
          'NotTrusted',
          'The key pair cannot be trusted: no trust path to its chain can be built from the keystore',
          { type: 'alias', name: alias },
          { der, facts, kind: 'keypair' },
        );
      return putEntry(trx, ks, alias, { kind: 'keypair', der, facts, chainDer, keyEnc }, { mode: input.mode }, actor);
    });
  }

  /** SAP's KeyPairResources: the first key of a PKCS#12 file with its chain. */
  async importPkcs12(
    ks: KeystoreRef,
    alias: string,
    input: { pkcs12: Uint8Array; password: string; mode: WriteMode; requireTrust: boolean },
    actor: Actor,
  ): Promise<WriteResult> {
    assertValidAlias(alias);
    assertNotReserved(alias);
    let first: { key: KeyObject; chain: Uint8Array[] } | undefined;
    try {
      first = readPkcs12(input.pkcs12, input.password)[0];
    } catch (e) {
      pkiToDomain(e);
    }
    if (!first)
      throw new DomainError('Invalid', 'The PKCS#12 file holds no private key', { type: 'body', name: 'pkcs12' });
    return this.importKeyPair(ks, alias, { ...input, key: first.key, chain: first.chain }, actor);
  }

  /** Replaces a key pair's chain; the new leaf must carry the pair's public key. */
  async replaceChain(
    ks: KeystoreRef,
    alias: string,
    input: { material: Uint8Array; requireTrust: boolean },
    actor: Actor,
  ): Promise<WriteResult> {
    assertNotReserved(alias);
    let chain: Uint8Array[] = [];
    try {
      chain = readChain(input.material);
    } catch (e) {
      pkiToDomain(e);
    }
    const entry = await this.find(ks, alias);
    if (entry.kind !== 'keypair') throw notKeyPair(alias);
    const key = await this.privateKey(ks, alias);
    return this.importKeyPair(ks, alias, { key, chain, mode: 'update', requireTrust: input.requireTrust }, actor);
  }

  /** A new key with a self-signed certificate (SAP's KeyPairGenerationRequests). */
  async generate(ks: KeystoreRef, alias: string, spec: GenerateSpec, actor: Actor): Promise<WriteResult> {
    assertValidAlias(alias);
    assertNotReserved(alias);
    if (spec.mode === 'create' && (await repo.findEntry(this.store.db, ks.keystoreId, alias))) throw aliasExists(alias);
    try {
      // Off the event loop: an RSA 4096 key takes long enough to stall every other request.
      const key = await generateKeyPairAsync({ keyType: spec.keyType, keySize: spec.keySize, curve: spec.curve });
      const signatureAlgorithm = normalizeSignatureAlgorithm(
        spec.signatureAlgorithm ?? DEFAULT_SIGNATURE[spec.keyType],
        spec.keyType,
      );
      const notBefore = spec.notBefore ?? new Date();
      const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + 3 * 365.25 * 86400_000);
      if (notAfter <= notBefore)
        throw new DomainError('Invalid', 'ValidNotAfter must be later than ValidNotBefore', {
          type: 'body',
          name: 'validity',
        });
      const cert = createSelfSigned(key, { subject: spec.subject, signatureAlgorithm, notBefore, notAfter });
      return await this.importKeyPair(ks, alias, { key, chain: [cert], mode: spec.mode, requireTrust: false }, actor);
    } catch (e) {
      if (e instanceof DomainError) throw e;
      pkiToDomain(e);
    }
  }

  /** The pair's private key, opened from its sealed form. Only for operations that use it (CSR, PKCS#12 export). */
  async privateKey(ks: KeystoreRef, alias: string): Promise<KeyObject> {
    const entry = await this.find(ks, alias);
    if (entry.kind !== 'keypair') throw notKeyPair(alias);
    const sealed = await repo.findEntryKey(this.store.db, entry.id);
    if (!sealed) throw notKeyPair(alias);
    const pkcs8 = await this.keyring().decrypt(sealed, KEY_CONTEXT);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  }

  private async find(ks: KeystoreRef, alias: string): Promise<Entry> {
    const row = alias.includes('\u0000') ? undefined : await repo.findEntry(this.store.db, ks.keystoreId, alias);
    if (!row) throw aliasNotFound(alias);
    return toEntry(row);
  }
}

/** The whole chain of an entry, leaf first: its certificate, then what a key pair keeps of the rest. */
export function chainOf(entry: Entry): Buffer[] {
  return [entry.certDer, ...(entry.chainDer ? splitDer(entry.chainDer) : [])];
}
