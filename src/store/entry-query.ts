/**
 * A query over the entries of one keystore, in the domain's field names. The store compiles it to SQL over a
 * fixed whitelist of columns, so no caller text ever becomes SQL.
 */
export const entryFields = {
  alias: 'alias',
  kind: 'kind',
  owner: 'owner',
  subjectDn: 'subject_dn',
  issuerDn: 'issuer_dn',
  serial: 'serial',
  notBefore: 'not_before',
  notAfter: 'not_after',
  keyType: 'key_type',
  keySize: 'key_size',
  curve: 'curve',
  signatureAlgorithm: 'sig_alg',
  certVersion: 'cert_version',
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
  createdAt: 'created_at',
  createdBy: 'created_by',
  modifiedAt: 'modified_at',
  modifiedBy: 'modified_by',
} as const;

export type EntryField = keyof typeof entryFields;

/**
 * The fields that may hold NULL. SQL's three-valued logic and each dialect's own place for NULL in an order (first in
 * SQLite, last in PostgreSQL) differ from what a caller of either API expects, so compile() treats these specially.
 */
export const nullableEntryFields: ReadonlySet<EntryField> = new Set([
  'keyType',
  'keySize',
  'curve',
  'signatureAlgorithm',
]);

export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A value is compared as given; a field wrapped in tolower/toupper compares case-folded. */
export interface FieldRef {
  field: EntryField;
  fold?: 'lower' | 'upper';
}

export type EntryFilter =
  | { op: 'and' | 'or'; left: EntryFilter; right: EntryFilter }
  | { op: 'not'; arg: EntryFilter }
  | { op: 'cmp'; cmp: Comparison; field: FieldRef; value: string | number | boolean | null }
  /** Two fields of the same entry, e.g. SubjectDN eq IssuerDN for self-signed certificates. */
  | { op: 'cmpFields'; cmp: Comparison; left: FieldRef; right: FieldRef }
  | { op: 'text'; fn: 'contains' | 'startswith' | 'endswith'; field: FieldRef; value: string }
  | { op: 'const'; value: boolean };

/** NULL sorts before every value (after, descending), on both dialects. */
export interface EntryOrder {
  field: EntryField;
  desc?: boolean;
}

export interface EntryQuery {
  filter?: EntryFilter | undefined;
  /** Alias ascending is always appended as the tie-breaker, so pages are stable. */
  orderBy?: EntryOrder[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}
