import type { EntryRow } from '../store/entries-repo.js';

export type EntryKind = 'certificate' | 'keypair';

export const OWNER_TENANT = 'Tenant Administrator';
export const OWNER_SAP = 'SAP';

/** SAP's keystore names, which every environment has. */
export const KEYSTORE_NAMES = ['system', 'backup_admin_system', 'KeyRenewal', 'KeyHistory'] as const;
export type KeystoreName = (typeof KEYSTORE_NAMES)[number];
export const isKeystoreName = (s: string): s is KeystoreName => (KEYSTORE_NAMES as readonly string[]).includes(s);

export const ENVIRONMENT_TYPES = ['PRODUCTION', 'SANDBOX', 'TEST'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

export interface Project {
  id: number;
  name: string;
  description: string;
  createdAt: number;
}

export interface Environment {
  id: number;
  projectId: number;
  name: string;
  type: EnvironmentType;
  description: string;
  createdAt: number;
}

/** A keystore addressed by names, resolved to ids. */
export interface KeystoreRef {
  projectId: number;
  project: string;
  environmentId: number;
  environment: string;
  keystoreId: number;
  keystore: string;
}

/** Who does a change: recorded in the entry, its history and the audit trail. */
export interface Actor {
  name: string;
}

export interface Entry {
  id: number;
  keystoreId: number;
  alias: string;
  kind: EntryKind;
  owner: string;
  groupId: number | null;
  /** DER exactly as imported. */
  certDer: Buffer;
  /** Key pairs: DER of the rest of the chain, leaf excluded, towards the root. */
  chainDer: Buffer | null;
  subjectDn: string;
  issuerDn: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  keyType: string | null;
  keySize: number | null;
  curve: string | null;
  signatureAlgorithm: string | null;
  certVersion: number;
  sha1: string;
  sha256: string;
  sha512: string;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
  version: number;
  meta: Record<string, unknown> | null;
}

export function toEntry(r: EntryRow): Entry {
  return {
    id: r.id,
    keystoreId: r.keystore_id,
    alias: r.alias,
    kind: r.kind as EntryKind,
    owner: r.owner,
    groupId: r.group_id,
    certDer: r.cert_der,
    chainDer: r.chain_der,
    subjectDn: r.subject_dn,
    issuerDn: r.issuer_dn,
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    keyType: r.key_type,
    keySize: r.key_size,
    curve: r.curve,
    signatureAlgorithm: r.sig_alg,
    certVersion: r.cert_version,
    sha1: r.sha1,
    sha256: r.sha256,
    sha512: r.sha512,
    createdAt: r.created_at,
    createdBy: r.created_by,
    modifiedAt: r.modified_at,
    modifiedBy: r.modified_by,
    version: r.version,
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
  };
}
