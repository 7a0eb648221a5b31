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

/**
 * The properties every certificate shows, `version` apart so that a stored entry (whose X.509 version is
 * `certVersion`) needs no copy. Callers add their properties to the object this returns rather than spreading it
 * into a new one: on Node 20's V8, `{ ...o, more }` gives each object its own hidden class, allocated in the old
 * generation, and a keystore-wide answer of 10,000 entries grew the heap by tens of MB that way (bench row 6).
 */
function certificateValues(alias: string, c: Omit<CertificateView, 'version'>, version: number): Values {
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
    Version: version,
    FingerprintSha1: c.sha1,
    FingerprintSha256: c.sha256,
    FingerprintSha512: c.sha512,
  };
}

/** A stored entry as a KeystoreEntry; `Version` is the X.509 version, as SAP shows it. */
export function keystoreEntryValues(e: Entry, status: EntryStatus | string = 'unchanged'): Values {
  const v = certificateValues(e.alias, e, e.certVersion);
  v.Type = e.kind === 'keypair' ? 'Key Pair' : 'Certificate';
  v.Owner = e.owner;
  v.LastModifiedBy = e.modifiedBy;
  v.LastModifiedTime = e.modifiedAt;
  v.CreatedBy = e.createdBy;
  v.CreatedTime = e.createdAt;
  v.Status = status;
  return v;
}

/** D17: the refused certificate as the KeystoreEntry it would have become, marked untrusted and not imported. */
export function refusedEntryValues(alias: string, c: CertificateView, type = 'Certificate'): Values {
  const v = certificateValues(alias, c, c.version);
  v.Validity = 'notTrusted';
  v.Type = type;
  v.Owner = null;
  v.LastModifiedBy = null;
  v.LastModifiedTime = null;
  v.CreatedBy = null;
  v.CreatedTime = null;
  v.Status = 'notImported';
  return v;
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
  const v = keystoreEntryValues(e);
  v.ActivatedBy = metaText(e.meta, 'ActivatedBy');
  v.ActiveFrom = metaNumber(e.meta, 'ActiveFrom');
  v.DeactivatedBy = metaText(e.meta, 'DeactivatedBy');
  v.ActiveUntil = metaNumber(e.meta, 'ActiveUntil');
  v.ActivationSequenceNumber = metaNumber(e.meta, 'ActivationSequenceNumber');
  v.OriginalAlias = metaText(e.meta, 'OriginalAlias');
  return v;
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
