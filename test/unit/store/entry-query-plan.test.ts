// A filtered, ordered page of a keystore is answered from an index on both dialects, and its count is a COUNT.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { makeCertificates } from '../../../bench/seed/certificates.js';
import { benchKeystore, seedEntries } from '../../../bench/seed/seed-entries.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { listEntries, selectEntries, selectEntryCount } from '../../../src/store/entries-repo.js';
import type { EntryFilter } from '../../../src/store/entry-query.js';
import { openStore, type Store } from '../../../src/store/open.js';
import type { Database } from '../../../src/store/schema.js';
import { dialects, type TestStore } from '../../helpers/store.js';

/** Enough rows that a planner prefers an index to a scan; the cut selects about one in forty. */
const ROWS = 3000;
const CUT = Date.UTC(2021, 3, 1);
const expiring: EntryFilter = { op: 'cmp', cmp: 'lt', field: { field: 'notAfter' }, value: CUT };

async function plan(db: Kysely<Database>, dialect: string, q: CompiledQuery): Promise<string> {
  const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const r = await db.executeQuery<Record<string, string>>(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
  return r.rows.map((row) => row.detail ?? row['QUERY PLAN']).join('\n');
}

/** SQLite's word for reading a whole table is SCAN without an index; PostgreSQL's is Seq Scan. */
const fullScan = /\bSCAN entries\b(?! USING)|Seq Scan/;

const certificates = await makeCertificates(ROWS);

for (const dialect of dialects) {
  describe(`entry queries on ${dialect.name}`, () => {
    let t: TestStore;
    let reopened: Store | undefined;
    let keystoreId: number;
    const db = () => (reopened ?? t.store).db;

    before(async () => {
      t = await dialect.open();
      const ks = await benchKeystore(t.store, 'default', 'production', 'system');
      // Rows of another keystore share the table and must not be read.
      await seedEntries(
        t.store,
        await benchKeystore(t.store, 'default', 'production', 'KeyRenewal'),
        certificates.slice(0, 500),
      );
      await seedEntries(t.store, ks, certificates);
      keystoreId = ks.keystoreId;
      // Fresh statistics, as a store in use has them: PostgreSQL's autovacuum makes them; for SQLite the store does
      // when it opens (keepStatistics), so the test opens it again.
      if (dialect.name === 'postgres') await sql`VACUUM ANALYZE entries`.execute(db());
      else {
        await t.store.close();
        reopened = await openStore({ dataDir: dirname(t.store.location) });
      }
    });
    after(async () => {
      await reopened?.close();
      await t.dispose();
    });

    test('ValidNotAfter lt … ordered by ValidNotAfter, 100 a page: a range of the (keystore_id, not_after) index', async () => {
      const q = selectEntries(db(), keystoreId, {
        filter: expiring,
        orderBy: [{ field: 'notAfter' }],
        limit: 101,
      }).compile();
      const p = await plan(db(), dialect.name, q);
      assert.match(p, /entries_keystore_not_after/, p);
      assert.doesNotMatch(p, fullScan, p);
      const rows = await listEntries(db(), keystoreId, {
        filter: expiring,
        orderBy: [{ field: 'notAfter' }],
        limit: 101,
      });
      const want = certificates
        .map((der) => parseCertificate(der).notAfter.getTime())
        .filter((n) => n < CUT)
        .sort((a, b) => a - b)
        .slice(0, 101);
      assert.deepEqual(
        rows.map((r) => Number(r.not_after)),
        want,
      );
    });

    test('the inline count of that filter is one COUNT over the same index', async () => {
      const q = selectEntryCount(db(), keystoreId, expiring).compile();
      assert.match(q.sql, /^select count\(\*\)/);
      const p = await plan(db(), dialect.name, q);
      assert.match(p, /entries_keystore_not_after/, p);
      assert.doesNotMatch(p, fullScan, p);
    });

    test('half the keystore filtered, in the default Alias order: the alias index is walked until the page is full', async () => {
      const half: EntryFilter = { op: 'cmp', cmp: 'lt', field: { field: 'notAfter' }, value: Date.UTC(2026, 0, 1) };
      const p = await plan(db(), dialect.name, selectEntries(db(), keystoreId, { filter: half, limit: 101 }).compile());
      assert.match(p, /sqlite_autoindex_entries_1|entries_keystore_alias/, p);
      assert.doesNotMatch(p, /TEMP B-TREE|Sort/, p);
    });

    test('a page in the default Alias order is read from the (keystore_id, alias) index', async () => {
      const q = selectEntries(db(), keystoreId, { limit: 101 }).compile();
      const p = await plan(db(), dialect.name, q);
      assert.match(p, /sqlite_autoindex_entries_1|entries_keystore_alias/, p);
      assert.doesNotMatch(p, fullScan, p);
      assert.doesNotMatch(p, /TEMP B-TREE|Sort/, p);
    });
  });
}
