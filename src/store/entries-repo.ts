import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  PostgresAdapter,
  type QueryCreator,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import { type EntryFilter, type EntryQuery, entryFields, type FieldRef, nullableEntryFields } from './entry-query.js';
import { prepared, preparedRow } from './prepared.js';
import type { AuditEventTable, Database, EntryState, EntryTable } from './schema.js';

export type Db = Kysely<Database>;
export type EntryRow = Omit<Selectable<EntryTable>, 'key_enc'>;
export type HistoryRow = Omit<Selectable<Database['entry_history']>, 'key_enc'>;

/** Every entry column but the encrypted key, which is read only where a key is used. */
export const entryColumns = [
  'id',
  'keystore_id',
  'alias',
  'kind',
  'owner',
  'group_id',
  'cert_der',
  'chain_der',
  'subject_dn',
  'issuer_dn',
  'serial',
  'not_before',
  'not_after',
  'key_type',
  'key_size',
  'curve',
  'sig_alg',
  'cert_version',
  'sha1',
  'sha256',
  'sha512',
  'created_at',
  'created_by',
  'modified_at',
  'modified_by',
  'version',
  'meta',
] as const;

type EB = ExpressionBuilder<Database, 'entries'>;

function column(eb: EB, ref: FieldRef): Expression<unknown> {
  const col = eb.ref(`entries.${entryFields[ref.field]}`);
  if (ref.fold === 'lower') return eb.fn('lower', [col]);
  if (ref.fold === 'upper') return eb.fn('upper', [col]);
  return col;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * A test on a nullable field is made two-valued: where the field is NULL it is false, never SQL's unknown, which
 * `not` would keep unknown and so drop rows that the caller's `not` asked for.
 */
function known(eb: EB, refs: FieldRef[], test: Expression<SqlBool>): Expression<SqlBool> {
  const nullable = refs.filter((r) => nullableEntryFields.has(r.field));
  if (nullable.length === 0) return test;
  return eb.and([test, ...nullable.map((r) => eb(column(eb, r), 'is not', null))]);
}

function compareFields(eb: EB, f: Extract<EntryFilter, { op: 'cmpFields' }>): Expression<SqlBool> {
  const [l, r] = [column(eb, f.left), column(eb, f.right)];
  const refs = [f.left, f.right];
  if (f.cmp !== 'eq' && f.cmp !== 'ne') return known(eb, refs, eb(l, SQL_OPS[f.cmp], r));
  // As OData compares: two NULLs are equal, a NULL and a value are not.
  const bothNull = refs.every((ref) => nullableEntryFields.has(ref.field))
    ? [eb.and([eb(l, 'is', null), eb(r, 'is', null)])]
    : [];
  const equal = eb.or([known(eb, refs, eb(l, '=', r)), ...bothNull]);
  return f.cmp === 'eq' ? equal : eb.not(equal);
}

function compile(eb: EB, f: EntryFilter): Expression<SqlBool> {
  switch (f.op) {
    case 'and':
      return eb.and([compile(eb, f.left), compile(eb, f.right)]);
    case 'or':
      return eb.or([compile(eb, f.left), compile(eb, f.right)]);
    case 'not':
      return eb.not(compile(eb, f.arg));
    case 'const':
      return f.value ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
    case 'cmp': {
      const col = column(eb, f.field);
      if (f.value === null) {
        if (f.cmp === 'eq') return eb(col, 'is', null);
        if (f.cmp === 'ne') return eb(col, 'is not', null);
        return sql<SqlBool>`1 = 0`;
      }
      const value = typeof f.value === 'boolean' ? (f.value ? 1 : 0) : f.value;
      const cmp = eb(col, SQL_OPS[f.cmp], value);
      // OData's ne is true for a null column; SQL's <> is not.
      return f.cmp === 'ne' ? eb.or([cmp, eb(col, 'is', null)]) : known(eb, [f.field], cmp);
    }
    case 'cmpFields':
      return compareFields(eb, f);
    case 'text': {
      const v = likeEscape(f.value);
      const pattern = f.fn === 'contains' ? `%${v}%` : f.fn === 'startswith' ? `${v}%` : `%${v}`;
      return known(eb, [f.field], sql<SqlBool>`${column(eb, f.field)} like ${pattern} escape '\\'`);
    }
  }
}

const entryByAlias = prepared((db: Db, keystoreId: number, alias: string) =>
  db.selectFrom('entries').select(entryColumns).where('keystore_id', '=', keystoreId).where('alias', '=', alias),
);

export async function findEntry(db: Db, keystoreId: number, alias: string): Promise<EntryRow | undefined> {
  return (await entryByAlias(db, keystoreId, alias))[0];
}

/**
 * Reads an entry inside a write transaction and locks its row until the transaction ends (PostgreSQL), so
 * concurrent writers of one alias queue up instead of losing updates. SQLite runs one write transaction at a
 * time, so the plain read already is exclusive there.
 */
const entryForWrite = prepared((db: Db, keystoreId: number, alias: string) => {
  const q = db
    .selectFrom('entries')
    .select(entryColumns)
    .where('keystore_id', '=', keystoreId)
    .where('alias', '=', alias);
  // The shape depends on the dialect only, and prepared queries are kept per dialect.
  return db.getExecutor().adapter instanceof PostgresAdapter ? q.forUpdate() : q;
});

export async function findEntryForWrite(db: Db, keystoreId: number, alias: string): Promise<EntryRow | undefined> {
  return (await entryForWrite(db, keystoreId, alias))[0];
}

export function findEntryKey(db: Db, id: number): Promise<Buffer | null | undefined> {
  return db
    .selectFrom('entries')
    .select('key_enc')
    .where('id', '=', id)
    .executeTakeFirst()
    .then((r) => r?.key_enc);
}

/** The SELECT behind listEntries, apart so that tests can ask each dialect how it runs it (EXPLAIN). */
export function selectEntries(db: Db, keystoreId: number, q: EntryQuery) {
  let query = db.selectFrom('entries').select(entryColumns).where('keystore_id', '=', keystoreId);
  if (q.filter) {
    const filter = q.filter;
    query = query.where((eb) => compile(eb, filter));
  }
  for (const o of q.orderBy ?? []) {
    const col = `entries.${entryFields[o.field]}` as const;
    // A nullable field gets an explicit NULL place; the others keep the plain order their indexes can serve.
    if (!nullableEntryFields.has(o.field)) query = query.orderBy(col, o.desc ? 'desc' : 'asc');
    else query = query.orderBy(col, (ob) => (o.desc ? ob.desc().nullsLast() : ob.asc().nullsFirst()));
  }
  query = query.orderBy('entries.alias', 'asc');
  if (q.limit !== undefined) query = query.limit(q.limit);
  if (q.offset) {
    if (q.limit === undefined) query = query.limit(Number.MAX_SAFE_INTEGER);
    query = query.offset(q.offset);
  }
  return query;
}

export function listEntries(db: Db, keystoreId: number, q: EntryQuery): Promise<EntryRow[]> {
  return selectEntries(db, keystoreId, q).execute();
}

/** The COUNT behind countEntries, apart for EXPLAIN in tests. */
export function selectEntryCount(db: Db, keystoreId: number, filter?: EntryFilter) {
  let query = db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('keystore_id', '=', keystoreId);
  if (filter) query = query.where((eb) => compile(eb, filter));
  return query;
}

export async function countEntries(db: Db, keystoreId: number, filter?: EntryFilter): Promise<number> {
  const row = await selectEntryCount(db, keystoreId, filter).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findEntriesBySubject(db: Db, keystoreId: number, subjectDn: string): Promise<EntryRow[]> {
  return db
    .selectFrom('entries')
    .select(entryColumns)
    .where('keystore_id', '=', keystoreId)
    .where('subject_dn', '=', subjectDn)
    .execute();
}

const entriesOfGroup = prepared((db: Db, groupId: number) =>
  db
    .selectFrom('entries')
    .innerJoin('keystores', 'keystores.id', 'entries.keystore_id')
    .select(entryColumns.map((c) => `entries.${c}` as const))
    .select('keystores.environment_id')
    .where('entries.group_id', '=', groupId)
    .orderBy('entries.id'),
);

/** An Apinizer certificate's members, read on every get and export of it. */
export function findEntriesByGroup(db: Db, groupId: number): Promise<(EntryRow & { environment_id: number })[]> {
  return entriesOfGroup(db, groupId);
}

type EntryInsert = EntryState & { keystore_id: number };

/** Every column but the id, which the database assigns; the encrypted key included. */
const insertColumns: (keyof EntryInsert & string)[] = [
  ...entryColumns.filter((c): c is Exclude<(typeof entryColumns)[number], 'id'> => c !== 'id'),
  'key_enc',
];

const entryInsert = preparedRow(insertColumns, (db: Db, row: EntryInsert) =>
  db.insertInto('entries').values(row).returning('id'),
);

/** Every import writes one; prepared, so that a keystore file of 10,000 entries doesn't compile 10,000 INSERTs. */
export async function insertEntry(db: Db, keystoreId: number, state: EntryState): Promise<number> {
  const [row] = await entryInsert(db, { ...state, keystore_id: keystoreId });
  return row!.id;
}

/** Replaces an entry's state if it still has the version the caller read; false when someone else changed it. */
export async function updateEntry(
  db: Db,
  id: number,
  expectedVersion: number,
  state: Partial<EntryState>,
): Promise<boolean> {
  const res = await db
    .updateTable('entries')
    .set(state)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deleteEntry(db: Db, id: number, expectedVersion: number): Promise<boolean> {
  const res = await db
    .deleteFrom('entries')
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** Copies the entry's current row, key included, into history before it is replaced or removed. */
export async function archiveEntry(db: Db, id: number, change: string, at: number, by: string): Promise<void> {
  const row = await db.selectFrom('entries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const { id: entryId, ...rest } = row;
  await db
    .insertInto('entry_history')
    .values({ ...rest, entry_id: entryId, change, superseded_at: at, superseded_by: by })
    .execute();
}

export function listHistory(db: Db, keystoreId: number, alias: string): Promise<HistoryRow[]> {
  return db
    .selectFrom('entry_history')
    .select([...entryColumns, 'entry_id', 'change', 'superseded_at', 'superseded_by'])
    .where('keystore_id', '=', keystoreId)
    .where('alias', '=', alias)
    .orderBy('id', 'asc')
    .execute();
}

const auditColumns = [
  'at',
  'actor',
  'action',
  'project',
  'environment',
  'keystore',
  'alias',
  'sha256_before',
  'sha256_after',
  'detail',
] as const;

const auditInsert = preparedRow(auditColumns, (db: Db, event: Insertable<AuditEventTable>) =>
  db.insertInto('audit_events').values(event),
);

export async function insertAudit(db: Db, event: Insertable<AuditEventTable>): Promise<void> {
  await auditInsert(db, event);
}

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Stamps the keystore's last change. Every entry write does, and on PostgreSQL the row lock of that UPDATE is held
 * until commit, so concurrent writers of one keystore used to queue on it, each through the other's commit. There
 * the stamp is skipped while another transaction holds the row: that one is stamping the keystore at the same
 * moment. NO KEY UPDATE, not UPDATE, so that the key-share locks of concurrent entry inserts (their foreign key to
 * the keystore) don't make every writer skip. SQLite has one writer at a time anyway.
 */
const touchUnlessLocked = (db: QueryCreator<Database>, keystoreId: number, at: number, by: string) =>
  db
    .updateTable('keystores')
    .set({ modified_at: at, modified_by: by })
    .where(
      'id',
      'in',
      db.selectFrom('keystores').select('id').where('id', '=', keystoreId).forNoKeyUpdate().skipLocked(),
    );

// The shape depends on the dialect only, and prepared queries are kept per dialect.
const keystoreTouch = prepared((db: Db, keystoreId: number, at: number, by: string) =>
  isPostgres(db)
    ? touchUnlessLocked(db, keystoreId, at, by)
    : db.updateTable('keystores').set({ modified_at: at, modified_by: by }).where('id', '=', keystoreId),
);

export async function touchKeystore(db: Db, keystoreId: number, at: number, by: string): Promise<void> {
  await keystoreTouch(db, keystoreId, at, by);
}

/**
 * PostgreSQL: the new entry, its audit event and the keystore's stamp in one statement (data-modifying WITH), so
 * one round trip instead of three. Every part runs to completion whether or not the final SELECT reads it.
 */
const entryInsertAudited = prepared((db: Db, ...v: unknown[]) => {
  const row = Object.fromEntries(insertColumns.map((c, i) => [c, v[i]])) as unknown as EntryInsert;
  const base = insertColumns.length;
  const event = Object.fromEntries(auditColumns.map((c, i) => [c, v[base + i]])) as Insertable<AuditEventTable>;
  return db
    .with('k', (d) => touchUnlessLocked(d, row.keystore_id, event.at, event.actor).returning('id'))
    .with('e', (d) => d.insertInto('entries').values(row).returning('id'))
    .with('a', (d) => d.insertInto('audit_events').values(event).returning('id'))
    .selectFrom('e')
    .select('id');
}, insertColumns.length + auditColumns.length);

/**
 * Inserts a new entry with its audit event and stamps its keystore with the event's time and actor: what every
 * create does, in the caller's transaction.
 */
export async function insertEntryAudited(
  db: Db,
  keystoreId: number,
  state: EntryState,
  event: Insertable<AuditEventTable>,
): Promise<number> {
  if (!isPostgres(db)) {
    const id = await insertEntry(db, keystoreId, state);
    await insertAudit(db, event);
    await touchKeystore(db, keystoreId, event.at, event.actor);
    return id;
  }
  const row: Record<string, unknown> = { ...state, keystore_id: keystoreId };
  const values = [
    ...insertColumns.map((c) => row[c] ?? null),
    ...auditColumns.map((c) => (event as Record<string, unknown>)[c] ?? null),
  ];
  const [inserted] = await entryInsertAudited(db, ...values);
  return inserted!.id;
}
