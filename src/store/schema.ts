import type { Generated } from 'kysely';

/** Times are milliseconds since the epoch in both dialects (bigint in PostgreSQL). */
export type Millis = number;

export interface ProjectTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: Millis;
}

export interface EnvironmentTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  /** PRODUCTION | SANDBOX | TEST */
  type: string;
  description: string;
  created_at: Millis;
}

export interface KeystoreTable {
  id: Generated<number>;
  environment_id: number;
  /** SAP's names: system, backup_admin_system, KeyRenewal, KeyHistory */
  name: string;
  modified_at: Millis;
  modified_by: string;
}

/** Apinizer's "certificate": a name in a project whose members are entries of several environments. */
export interface CertGroupTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  created_at: Millis;
  modified_at: Millis;
}

/** The columns an entry and each of its history records share: the material and its parsed facts. */
export interface EntryState {
  alias: string;
  /** 'certificate' | 'keypair' */
  kind: string;
  /** 'Tenant Administrator' | 'SAP' */
  owner: string;
  group_id: number | null;
  /** The certificate's DER bytes exactly as imported (for a key pair: its own certificate). */
  cert_der: Buffer;
  /** Key pairs only: the rest of the chain, DER certificates concatenated, leaf excluded. */
  chain_der: Buffer | null;
  /** Key pairs only: the PKCS#8 private key, AES-256-GCM under the store's data key. */
  key_enc: Buffer | null;
  subject_dn: string;
  issuer_dn: string;
  serial: string;
  not_before: Millis;
  not_after: Millis;
  key_type: string | null;
  key_size: number | null;
  curve: string | null;
  sig_alg: string | null;
  cert_version: number;
  sha1: string;
  sha256: string;
  sha512: string;
  created_at: Millis;
  created_by: string;
  modified_at: Millis;
  modified_by: string;
  version: number;
  /** JSON of attributes some keystores add (KeyHistory: activation data). */
  meta: string | null;
}

export interface EntryTable extends EntryState {
  id: Generated<number>;
  keystore_id: number;
}

/** A previous version of an entry, written in the transaction that replaced or removed it. */
export interface EntryHistoryTable extends EntryState {
  id: Generated<number>;
  entry_id: number;
  keystore_id: number;
  /** update | delete | rename */
  change: string;
  superseded_at: Millis;
  superseded_by: string;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: Millis;
  actor: string;
  /** e.g. entry.create, entry.update, entry.delete, project.create, user.create */
  action: string;
  project: string | null;
  environment: string | null;
  keystore: string | null;
  alias: string | null;
  sha256_before: string | null;
  sha256_after: string | null;
  /** JSON with whatever else the action records; never secrets. */
  detail: string | null;
}

export interface UserTable {
  id: Generated<number>;
  name: string;
  password_hash: string;
  created_at: Millis;
  disabled: number;
}

export interface ApiClientTable {
  id: Generated<number>;
  client_id: string;
  secret_hash: string;
  description: string;
  /** The user whose roles the client acts with. */
  user_id: number;
  created_at: Millis;
}

export interface TokenTable {
  id: Generated<number>;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  user_id: number;
  /** 'pat' (personal access token) | 'access' (issued by a token endpoint) */
  kind: string;
  name: string;
  expires_at: Millis | null;
  created_at: Millis;
}

export interface RoleBindingTable {
  id: Generated<number>;
  user_id: number;
  /** null: every project */
  project_id: number | null;
  /** viewer | editor | admin */
  role: string;
}

/** Data keys for envelope encryption, each wrapped by the master key. */
export interface DataKeyTable {
  id: Generated<number>;
  wrapped: Buffer;
  created_at: Millis;
}

/** Server-wide values shared by every server on the database (e.g. the CSRF signing secret). */
export interface SettingTable {
  name: string;
  value: string;
}

/** Apinizer's keystore (§3.10): a name in a project with one uploaded file per environment. */
export interface ApiOpsKeystoreTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  created_at: Millis;
  created_by: string;
  modified_at: Millis;
  modified_by: string;
  version: number;
}

/** One environment's file of an Apinizer keystore: the bytes as uploaded and the password, both sealed. */
export interface ApiOpsKeystoreFileTable {
  id: Generated<number>;
  keystore_id: number;
  environment_id: number;
  /** JKS | JCEKS | PKCS12 */
  keystore_type: string;
  alias: string;
  file_enc: Buffer;
  password_enc: Buffer;
  file_sha256: string;
  file_size: number;
  /** JSON of the entries' public facts. */
  entries: string;
  modified_at: Millis;
  modified_by: string;
}

/** Apinizer's JWK (§3.10), made from a certificate or a keystore entry. */
export interface ApiOpsJwkTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  /** CERTIFICATE | KEYSTORE */
  source_type: string;
  certificate_project_id: number | null;
  certificate_name: string | null;
  keystore_name: string | null;
  environment_name: string | null;
  alias: string | null;
  /** SIGNATURE | ENCRYPTION */
  use_type: string;
  algorithm: string;
  kid: string;
  /** The public JWK, JSON. */
  public_jwk: string;
  /** The private key as PKCS#8, sealed; null for a JWK made from a certificate. */
  private_enc: Buffer | null;
  created_at: Millis;
  created_by: string;
  modified_at: Millis;
  modified_by: string;
  version: number;
}

export interface Database {
  projects: ProjectTable;
  environments: EnvironmentTable;
  keystores: KeystoreTable;
  cert_groups: CertGroupTable;
  entries: EntryTable;
  entry_history: EntryHistoryTable;
  audit_events: AuditEventTable;
  users: UserTable;
  api_clients: ApiClientTable;
  tokens: TokenTable;
  role_bindings: RoleBindingTable;
  data_keys: DataKeyTable;
  settings: SettingTable;
  apiops_keystores: ApiOpsKeystoreTable;
  apiops_keystores_files: ApiOpsKeystoreFileTable;
  apiops_jwks: ApiOpsJwkTable;
}
