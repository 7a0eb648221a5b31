import { type CertificateFacts, parseCertificate } from '../pki/certificate.js';
import { PkiError } from '../pki/errors.js';
import { detectJavaKeystore, readJavaKeystore } from '../pki/jks.js';
import { privateKeyToPkcs8 } from '../pki/keys.js';
import { readPkcs12 } from '../pki/pkcs12.js';

export const KEYSTORE_FILE_TYPES = ['JKS', 'JCEKS', 'PKCS12'] as const;
export type KeystoreFileType = (typeof KEYSTORE_FILE_TYPES)[number];

export type KeystoreEntryType = 'PrivateKeyEntry' | 'TrustedCertificateEntry' | 'SecretKeyEntry';

/** What may be shown about an entry of a keystore file: names and public facts, never key material. */
export interface KeystoreEntryFacts {
  alias: string;
  entryType: KeystoreEntryType;
  subjectDn?: string;
  notBefore?: number;
  notAfter?: number;
  /** Uppercase hex pairs joined by ':', as the store keeps fingerprints. */
  sha1?: string;
}

/** One entry opened for use (a JWK): its certificate chain, leaf first, and for a key entry the PKCS#8 key. */
export interface OpenedKeystoreEntry {
  alias: string;
  chain: Uint8Array[];
  pkcs8?: Uint8Array;
}

export type KeystoreFileProblem = 'password' | 'not-keystore' | 'type-mismatch' | 'malformed';

/** Why a keystore file was refused; the caller words it for the environment it was uploaded for. */
export class KeystoreFileError extends Error {
  override readonly name = 'KeystoreFileError';
  constructor(
    readonly problem: KeystoreFileProblem,
    message: string,
    readonly actualType?: KeystoreFileType,
  ) {
    super(message);
  }
}

/** JKS and JCEKS by their magic numbers; anything else that starts as DER (a SEQUENCE) may be PKCS#12. */
export function detectKeystoreType(bytes: Uint8Array): KeystoreFileType | null {
  const java = detectJavaKeystore(bytes);
  if (java) return java;
  return bytes.length > 2 && bytes[0] === 0x30 ? 'PKCS12' : null;
}

/**
 * Opens a keystore file with its password, as Apinizer must before it can use it: the file is refused here,
 * at upload, rather than failing later in a gateway. A declared type must be the file's own.
 */
export function inspectKeystore(
  bytes: Uint8Array,
  password: string,
  declared?: KeystoreFileType,
): { type: KeystoreFileType; entries: KeystoreEntryFacts[] } {
  const type = detectKeystoreType(bytes);
  if (type === null) throw new KeystoreFileError('not-keystore', 'not a JKS, JCEKS or PKCS12 keystore');
  if (declared && declared !== type) throw new KeystoreFileError('type-mismatch', `a ${type} keystore`, type);
  return { type, entries: open(bytes, type, password).map(facts) };
}

/** One entry of a stored keystore file, opened for use; the first key entry when no alias is given. */
export function openKeystoreEntry(
  bytes: Uint8Array,
  type: KeystoreFileType,
  password: string,
  alias: string | undefined,
): OpenedKeystoreEntry | undefined {
  const entries = open(bytes, type, password);
  if (alias !== undefined && alias !== '') return entries.find((e) => e.alias === alias);
  return entries.find((e) => e.pkcs8 !== undefined) ?? entries[0];
}

function open(bytes: Uint8Array, type: KeystoreFileType, password: string): OpenedKeystoreEntry[] {
  try {
    if (type === 'PKCS12')
      // Without a friendlyName keytool shows a PKCS#12 key by its position; so do we.
      return readPkcs12(bytes, password).map((e, i) => ({
        alias: e.alias ?? String(i + 1),
        chain: e.chain,
        pkcs8: privateKeyToPkcs8(e.key),
      }));
    const { entries } = readJavaKeystore(bytes, password);
    return entries.map((e) =>
      e.type === 'privateKey'
        ? { alias: e.alias, chain: e.chain, pkcs8: e.pkcs8 }
        : e.type === 'trustedCert'
          ? { alias: e.alias, chain: [e.cert] }
          : { alias: e.alias, chain: [] },
    );
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    // readPkcs12 verifies the MAC (the password) before it finds that a file holds certificates only: such a
    // PKCS#12 truststore opened with its password, though no key entry can be listed from it.
    if (type === 'PKCS12' && e.code === 'malformed' && /no private key/.test(e.message)) return [];
    if (e.code === 'password') throw new KeystoreFileError('password', e.message);
    if (e.code === 'not-keystore' || e.code === 'not-pkcs12') throw new KeystoreFileError('not-keystore', e.message);
    throw new KeystoreFileError('malformed', e.message);
  }
}

function facts(e: OpenedKeystoreEntry): KeystoreEntryFacts {
  const entryType: KeystoreEntryType =
    e.pkcs8 !== undefined ? 'PrivateKeyEntry' : e.chain.length > 0 ? 'TrustedCertificateEntry' : 'SecretKeyEntry';
  const leaf = e.chain[0];
  let cert: CertificateFacts | undefined;
  try {
    cert = leaf ? parseCertificate(leaf) : undefined;
  } catch {
    cert = undefined;
  }
  if (!cert) return { alias: e.alias, entryType };
  return {
    alias: e.alias,
    entryType,
    subjectDn: cert.subjectDn,
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
    sha1: cert.sha1,
  };
}
