import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { storeTables } from './dump.js';
import type { Store } from './open.js';
import type { Database } from './schema.js';
import { withSnapshot } from './snapshot.js';

export interface IntegrityReport {
  ok: boolean;
  dialect: Store['dialect'];
  /** Rows per table. */
  counts: Record<string, number>;
  /** What is wrong, one sentence each; empty when ok. */
  problems: string[];
}

/** Every reference between tables, including those the schema leaves unenforced (entries.group_id). */
const REFERENCES: [table: string, column: string, target: string][] = [
  ['environments', 'project_id', 'projects'],
  ['keystores', 'environment_id', 'environments'],
  ['cert_groups', 'project_id', 'projects'],
  ['entries', 'keystore_id', 'keystores'],
  ['entries', 'group_id', 'cert_groups'],
  ['entry_history', 'keystore_id', 'keystores'],
  ['api_clients', 'user_id', 'users'],
  ['tokens', 'user_id', 'users'],
  ['role_bindings', 'user_id', 'users'],
  ['role_bindings', 'project_id', 'projects'],
];

/** What must be unique, whether or not a constraint says so in the store at hand. */
const UNIQUE: [table: string, columns: string[]][] = [
  ['projects', ['name']],
  ['environments', ['project_id', 'name']],
  ['keystores', ['environment_id', 'name']],
  ['cert_groups', ['project_id', 'name']],
  ['entries', ['keystore_id', 'alias']],
  ['entry_history', ['entry_id', 'version']],
  ['users', ['name']],
  ['api_clients', ['client_id']],
  ['tokens', ['token_hash']],
  ['settings', ['name']],
];

/** Rows read per query when hashing certificates. */
const PAGE = 500;

/**
 * Checks that the store is whole, on one snapshot while servers keep writing: SQLite's own page-level check
 * (`PRAGMA integrity_check`, `foreign_key_check`), then in both dialects every reference, every uniqueness rule,
 * the version chain of each entry (history holds versions below the live one, each once) and that every stored
 * certificate still hashes to the SHA-256 fingerprint recorded beside it.
 */
export async function checkIntegrity(store: Store): Promise<IntegrityReport> {
  return withSnapshot(store.db, async (trx) => {
    const problems: string[] = [];
    if (store.dialect === 'sqlite') problems.push(...(await sqlitePages(trx)));
    const counts: Record<string, number> = {};
    for (const t of await storeTables(trx))
      counts[t.name] = await count(trx, sql`select count(*) as n from ${sql.table(t.name)}`);

    for (const [table, column, target] of REFERENCES) {
      const n = await count(
        trx,
        sql`select count(*) as n from ${sql.table(table)} t where t.${sql.ref(column)} is not null
            and not exists (select 1 from ${sql.table(target)} r where r.id = t.${sql.ref(column)})`,
      );
      if (n) problems.push(`${n} rows of ${table} name a ${column} that ${target} does not hold`);
    }
    for (const [table, columns] of UNIQUE) {
      const cols = sql.join(columns.map((c) => sql.ref(c)));
      const n = await count(
        trx,
        sql`select count(*) as n from (select 1 as x from ${sql.table(table)} group by ${cols} having count(*) > 1) d`,
      );
      if (n) problems.push(`${n} values of ${table} (${columns.join(', ')}) occur more than once`);
    }
    const ahead = await count(
      trx,
      sql`select count(*) as n from entry_history h join entries e on e.id = h.entry_id where h.version >= e.version`,
    );
    if (ahead) problems.push(`${ahead} history records are not older than the entry they belong to`);
    const noVersion = await count(trx, sql`select count(*) as n from entries where version < 1`);
    if (noVersion) problems.push(`${noVersion} entries have no valid version`);
    const keyless = await count(trx, sql`select count(*) as n from entries where kind = 'keypair' and key_enc is null`);
    if (keyless) problems.push(`${keyless} key pair entries have no private key`);
    if ((counts.data_keys ?? 0) === 0) {
      const sealed = await count(trx, sql`select count(*) as n from entries where key_enc is not null`);
      if (sealed) problems.push(`${sealed} entries hold encrypted keys, but the store has no data key to open them`);
    }
    problems.push(...(await fingerprints(trx, 'entries')), ...(await fingerprints(trx, 'entry_history')));
    return { ok: problems.length === 0, dialect: store.dialect, counts, problems };
  });
}

async function sqlitePages(db: Kysely<Database>): Promise<string[]> {
  const problems: string[] = [];
  const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
  for (const r of check.rows) if (r.integrity_check !== 'ok') problems.push(`SQLite: ${r.integrity_check}`);
  const fk = await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(db);
  for (const r of fk.rows) problems.push(`SQLite: a row of ${r.table} names a missing row of ${r.parent}`);
  return problems;
}

async function count(db: Kysely<Database>, query: RawBuilder<unknown>): Promise<number> {
  const r = await (query as RawBuilder<{ n: number | string }>).execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** A torn or altered certificate no longer hashes to the fingerprint written with it. */
async function fingerprints(db: Kysely<Database>, table: 'entries' | 'entry_history'): Promise<string[]> {
  const problems: string[] = [];
  let last = 0;
  for (;;) {
    const rows = await db
      .selectFrom(table)
      .select(['id', 'alias', 'cert_der', 'sha256'])
      .where('id', '>', last)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const r of rows)
      if (sha256Fingerprint(r.cert_der) !== r.sha256)
        problems.push(`${table} ${r.id} (alias '${r.alias}'): the certificate does not match its SHA-256 fingerprint`);
    if (rows.length < PAGE) return problems;
    last = rows[rows.length - 1]!.id;
  }
}

/** As pki/certificate.ts writes fingerprints: uppercase hex pairs joined by colons. */
function sha256Fingerprint(der: Uint8Array): string {
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}
