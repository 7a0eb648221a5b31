import type { KeystoreInfo } from '../../keystore/keystore-info.js';
import type { Entry } from '../../keystore/model.js';
import { encodeHexAlias } from '../../pki/hexalias.js';

/** A property value as the writers take it: DateTimeOffset values are milliseconds since the epoch. */
export type Value = string | number | null;
export type Values = Record<string, Value>;

/** SAP's `Status` of an entry in a write's answer; reads show `unchanged`. */
export type EntryStatus = 'unchanged' | 'new' | 'changed' | 'removed' | 'notImported';

/** The facts a certificate carries, whether stored (an Entry) or refused (a NotTrusted error's detail). */
export interface CertificateView {
  subjectDn: string;
  issuerDn: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  keyType: string | null;
  keySize: number | null;
  curve: string | null;
  signatureAlgorithm: string | null;
  version: number;
  sha1: string;
  sha256: string;
  sha512: string;
}

function certificateValues(alias: string, c: CertificateView): Values {
  return {
    Hexalias: encodeHexAlias(alias),
    Alias: alias,
    KeyType: c.keyType,
    KeySize: c.keySize,
    ValidNotBefore: c.notBefore,
    ValidNotAfter: c.notAfter,
    SerialNumber: c.serial,
    SignatureAlgorithm: c.signatureAlgorithm,
    EllipticCurve: c.curve,
    Validity: null,
    SubjectDN: c.subjectDn,
    IssuerDN: c.issuerDn,
    Version: c.version,
    FingerprintSha1: c.sha1,
    FingerprintSha256: c.sha256,
    FingerprintSha512: c.sha512,
  };
}

/** A stored entry as a KeystoreEntry; `Version` is the X.509 version, as SAP shows it. */
export function keystoreEntryValues(e: Entry, status: EntryStatus = 'unchanged'): Values {
  return {
    ...certificateValues(e.alias, { ...e, version: e.certVersion }),
    Type: e.kind === 'keypair' ? 'Key Pair' : 'Certificate',
    Owner: e.owner,
    LastModifiedBy: e.modifiedBy,
    LastModifiedTime: e.modifiedAt,
    CreatedBy: e.createdBy,
    CreatedTime: e.createdAt,
    Status: status,
  };
}

/** D17: the refused certificate as the KeystoreEntry it would have become, marked untrusted and not imported. */
export function refusedEntryValues(alias: string, c: CertificateView, type = 'Certificate'): Values {
  return {
    ...certificateValues(alias, c),
    Validity: 'notTrusted',
    Type: type,
    Owner: null,
    LastModifiedBy: null,
    LastModifiedTime: null,
    CreatedBy: null,
    CreatedTime: null,
    Status: 'notImported',
  };
}

const metaText = (meta: Record<string, unknown> | null, key: string): string | null =>
  typeof meta?.[key] === 'string' ? (meta[key] as string) : null;
const metaNumber = (meta: Record<string, unknown> | null, key: string): number | null =>
  typeof meta?.[key] === 'number' && Number.isFinite(meta[key]) ? (meta[key] as number) : null;

/**
 * An entry of `KeyHistory` as a HistoryKeystoreEntry (§3.9): the KeystoreEntry plus the activation data that the
 * activation stored in the entry's meta, under the property names (times as milliseconds since the epoch).
 */
export function historyEntryValues(e: Entry): Values {
  return {
    ...keystoreEntryValues(e),
    ActivatedBy: metaText(e.meta, 'ActivatedBy'),
    ActiveFrom: metaNumber(e.meta, 'ActiveFrom'),
    DeactivatedBy: metaText(e.meta, 'DeactivatedBy'),
    ActiveUntil: metaNumber(e.meta, 'ActiveUntil'),
    ActivationSequenceNumber: metaNumber(e.meta, 'ActivationSequenceNumber'),
    OriginalAlias: metaText(e.meta, 'OriginalAlias'),
  };
}

/** A keystore as a Keystore (§3.8); the Edge Integration Cell properties are null here, as on Cloud Foundry. */
export function keystoreValues(k: KeystoreInfo): Values {
  return {
    Name: k.name,
    LastModifiedBy: k.modifiedBy,
    LastModifiedTime: k.modifiedAt,
    Size: k.size,
    RuntimeIds: null,
    AggregatedStatus: null,
    AggregatedErrors: null,
  };
}
