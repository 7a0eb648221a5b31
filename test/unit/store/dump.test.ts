import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { BackupFormatError, parseHeader } from '../../../src/store/backup-format.js';
import { dumpStore, isStoreEmpty, RestoreRefused, restoreStore, storeTables, TABLES } from '../../../src/store/dump.js';
import { MIGRATIONS, type Store } from '../../../src/store/open.js';
import type { Database } from '../../../src/store/schema.js';
import { storeContents } from '../../helpers/contents.js';
import { postgresStore, sqliteStore, type TestStore } from '../../helpers/store.js';

/** Every byte value, a NUL-heavy run and a large random blob: what a lossy encoding would get wrong. */
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const big = randomBytes(1024 * 1024 + 7);
const sealedKey = randomBytes(1219);

/** Writes rows into every table, with gaps in the ids, NULLs, text beyond ASCII and bytes of every value. */
async function fill(db: Kysely<Database>): Promise<void> {
  const now = 1_795_000_000_123;
  await db
    .insertInto('projects')
    .values([
      { name: 'default', description: 'first', created_at: now },
      { name: 'gone', description: '', created_at: now },
      { name: 'zürich ✓ 東京', description: 'multi\nline "quoted" \\ back', created_at: now + 1 },
    ])
    .execute();
  await db.deleteFrom('projects').where('name', '=', 'gone').execute();
  const [p1, p3] = (await db.selectFrom('projects').select('id').orderBy('id').execute()).map((r) => r.id);
  await db
    .insertInto('environments')
    .values([
      { project_id: p1!, name: 'production', type: 'PRODUCTION', description: '', created_at: now },
      { project_id: p3!, name: 'test', type: 'TEST', description: 'ü', created_at: now },
    ])
    .execute();
  const envs = (await db.selectFrom('environments').select('id').orderBy('id').execute()).map((r) => r.id);
  await db
    .insertInto('keystores')
    .values(envs.map((e) => ({ environment_id: e, name: 'system', modified_at: now, modified_by: 'me' })))
    .execute();
  const [k1, k2] = (await db.selectFrom('keystores').select('id').orderBy('id').execute()).map((r) => r.id);
  await db
    .insertInto('cert_groups')
    .values({ project_id: p1!, name: 'partner', description: 'd', created_at: now, modified_at: now })
    .execute();
  const group = (await db.selectFrom('cert_groups').select('id').executeTakeFirstOrThrow()).id;
  const state = (alias: string, der: Buffer, version: number) => ({
    alias,
    kind: 'keypair',
    owner: 'Tenant Administrator',
    group_id: group,
    cert_der: der,
    chain_der: Buffer.concat([everyByte, everyByte]),
    key_enc: sealedKey,
    subject_dn: 'CN=ü, O=x',
    issuer_dn: 'CN=root',
    serial: '01:02',
    not_before: now - 10,
    not_after: 4_102_444_800_000,
    key_type: 'RSA',
    key_size: 2048,
    curve: null,
    sig_alg: 'SHA256withRSA',
    cert_version: 3,
    sha1: 'AA',
    sha256: 'BB',
    sha512: 'CC',
    created_at: now,
    created_by: 'me',
    modified_at: now + version,
    modified_by: 'me',
    version,
    meta: '{"k":"v"}',
  });
  await db
    .insertInto('entries')
    .values([
      { ...state('a', everyByte, 3), keystore_id: k1! },
      { ...state('big', big, 1), keystore_id: k2!, key_enc: null, chain_der: null, group_id: null },
    ])
    .execute();
  const entry = (await db.selectFrom('entries').select('id').where('alias', '=', 'a').executeTakeFirstOrThrow()).id;
  for (const v of [1, 2])
    await db
      .insertInto('entry_history')
      .values({
        ...state('a', randomBytes(300 + v), v),
        keystore_id: k1!,
        entry_id: entry,
        change: 'update',
        superseded_at: now + v,
        superseded_by: 'me',
      })
      .execute();
  for (let i = 0; i < 1200; i++)
    await db
      .insertInto('audit_events')
      .values({
        at: now + i,
        actor: i % 2 ? 'alice' : 'bob ✓',
        action: 'entry.update',
        project: 'default',
        environment: i % 3 ? 'production' : null,
        keystore: 'system',
        alias: `alias-${i}`,
        sha256_before: null,
        sha256_after: 'BB',
        detail: i % 7 ? null : JSON.stringify({ i, text: 'Grüße\u2028' }),
      })
      .execute();
  await db
    .insertInto('users')
    .values({ name: 'alice', password_hash: 'scrypt$x', created_at: now, disabled: 0 })
    .execute();
  await db
    .insertInto('users')
    .values({ name: 'bob', password_hash: 'scrypt$y', created_at: now, disabled: 1 })
    .execute();
  const [u1, u2] = (await db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => r.id);
  await db
    .insertInto('api_clients')
    .values({ client_id: 'oks_cid_1', secret_hash: 'h', description: '', user_id: u1!, created_at: now })
    .execute();
  await db
    .insertInto('tokens')
    .values([
      { token_hash: 'a'.repeat(64), user_id: u1!, kind: 'pat', name: 'ci', expires_at: null, created_at: now },
      { token_hash: 'b'.repeat(64), user_id: u2!, kind: 'access', name: 'x', expires_at: now + 5, created_at: now },
    ])
    .execute();
  await db
    .insertInto('role_bindings')
    .values([
      { user_id: u1!, project_id: null, role: 'admin' },
      { user_id: u2!, project_id: p3!, role: 'viewer' },
    ])
    .execute();
  await db
    .insertInto('data_keys')
    .values({ wrapped: randomBytes(60), created_at: now })
    .execute();
  await db
    .insertInto('settings')
    .values({ name: 'cpi.csrf.secret', value: randomBytes(32).toString('base64') })
    .execute();
}

const contents = storeContents;

async function backupLines(store: Store): Promise<string[]> {
  const lines: string[] = [];
  await dumpStore(store, async (l) => {
    lines.push(l);
  });
  return lines;
}

async function* iterate(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

/** What the CLI does after reading the header: the rest of the lines go to restoreStore. */
const restore = (store: Store, lines: string[], force = false) =>
  restoreStore(store, iterate(lines.slice(1)), { force });

describe('backup and restore of the whole store', () => {
  let sqliteA: TestStore;
  let pg: TestStore;
  let sqliteB: TestStore;
  let original: Record<string, unknown[]>;
  let fromSqlite: string[];

  before(async () => {
    [sqliteA, pg, sqliteB] = await Promise.all([sqliteStore(), postgresStore(), sqliteStore()]);
    await fill(sqliteA.store.db);
    original = await contents(sqliteA.store);
    fromSqlite = await backupLines(sqliteA.store);
  });
  after(() => Promise.all([sqliteA, pg, sqliteB].map((t) => t?.dispose())));

  test('tables come in the order of their foreign keys, every table after those it references', async () => {
    const references = [
      ['environments', 'projects'],
      ['keystores', 'environments'],
      ['entries', 'keystores'],
      ['api_clients', 'users'],
      ['role_bindings', 'projects'],
    ];
    for (const t of [sqliteA, pg]) {
      const names = (await storeTables(t.store.db)).map((x) => x.name);
      // The first migrations' tables lead in their usual order; whatever later migrations add follows.
      assert.deepEqual(names.slice(0, TABLES.length), [...TABLES], t.store.dialect);
      for (const [child, parent] of references) assert.ok(names.indexOf(parent!) < names.indexOf(child!));
      assert.ok(!names.some((n) => n.startsWith('kysely_')), 'no migration bookkeeping');
    }
  });

  test('a table a later migration adds, referencing another, is placed after it whatever its name', async (t) => {
    const store = await sqliteStore();
    t.after(() => store.dispose());
    await sql`create table aaa_child (id integer primary key, parent_id integer not null references zzz_parent(id))`.execute(
      store.store.db,
    );
    await sql`create table zzz_parent (id integer primary key, name text)`.execute(store.store.db);
    const names = (await storeTables(store.store.db)).map((x) => x.name);
    assert.ok(names.indexOf('zzz_parent') < names.indexOf('aaa_child'), names.join(' '));
    await sql`insert into zzz_parent values (5, 'p')`.execute(store.store.db);
    await sql`insert into aaa_child values (9, 5)`.execute(store.store.db);
    const target = await sqliteStore();
    t.after(() => target.dispose());
    await sql`create table aaa_child (id integer primary key, parent_id integer not null references zzz_parent(id))`.execute(
      target.store.db,
    );
    await sql`create table zzz_parent (id integer primary key, name text)`.execute(target.store.db);
    await restore(target.store, await backupLines(store.store));
    assert.deepEqual(await contents(target.store), await contents(store.store));
  });

  test('the header names the format and the schema level; the last line counts the rows', () => {
    const header = parseHeader(fromSqlite[0]);
    assert.deepEqual(header.migrations, [...MIGRATIONS]);
    assert.equal(header.dialect, 'sqlite');
    const end = JSON.parse(fromSqlite[fromSqlite.length - 1]!);
    assert.equal(end.end, true);
    assert.equal(end.rows.audit_events, 1200);
    assert.equal(end.rows.entries, 2);
    assert.equal(end.rows.entry_history, 2);
  });

  test('SQLite -> PostgreSQL -> SQLite keeps every row, id and byte', async () => {
    await restore(pg.store, fromSqlite);
    assert.deepEqual(await contents(pg.store), original);
    const fromPg = await backupLines(pg.store);
    await restore(sqliteB.store, fromPg);
    const back = await contents(sqliteB.store);
    assert.deepEqual(back, original);
    const entries = back.entries as { alias: string; cert_der: Buffer; key_enc: Buffer | null }[];
    assert.ok(entries.find((e) => e.alias === 'big')!.cert_der.equals(big));
    assert.ok(entries.find((e) => e.alias === 'a')!.key_enc!.equals(sealedKey));
    // The same store gives the same lines, whichever dialect it sits in (apart from the header).
    assert.deepEqual(fromPg.slice(1), fromSqlite.slice(1));
  });

  test('PostgreSQL hands out new ids after the restored ones', async () => {
    const max = Math.max(...(original.audit_events as { id: number }[]).map((r) => r.id));
    const row = await pg.store.db
      .insertInto('audit_events')
      .values({ at: 1, actor: 'a', action: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.ok(row.id > max, `${row.id} > ${max}`);
    await pg.store.db.deleteFrom('audit_events').where('id', '=', row.id).execute();
  });

  test('a store that holds anything is refused unless forced; forced, it is replaced', async () => {
    await assert.rejects(restore(pg.store, fromSqlite), RestoreRefused);
    await pg.store.db.insertInto('settings').values({ name: 'extra', value: 'x' }).execute();
    await restore(pg.store, fromSqlite, true);
    assert.deepEqual(await contents(pg.store), original);
  });

  test('a backup cut short or altered restores nothing', async (t) => {
    const target = await sqliteStore();
    t.after(() => target.dispose());
    const cut = fromSqlite.slice(0, -1);
    await assert.rejects(restore(target.store, cut), BackupFormatError);
    assert.ok(await isStoreEmpty(target.store.db));
    const lost = fromSqlite.filter((l) => !l.includes('"alias-17"'));
    await assert.rejects(restore(target.store, lost), /says 1200 rows of audit_events, but holds 1199/);
    assert.ok(await isStoreEmpty(target.store.db));
    const alien = [...fromSqlite];
    alien.splice(2, 0, '{"table":"nope","columns":["id"]}');
    await assert.rejects(restore(target.store, alien), /table nope, which this store does not have/);
    await assert.rejects(restore(target.store, ['{}', '{"end":true,"rows":{}}', '[1]']), /goes on after its end/);
    assert.ok(await isStoreEmpty(target.store.db));
    assert.throws(() => parseHeader('{"format":"something-else"}'), BackupFormatError);
    assert.throws(() => parseHeader(undefined), BackupFormatError);
  });
});
