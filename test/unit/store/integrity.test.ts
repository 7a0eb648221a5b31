import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { KeystoreRef } from '../../../src/keystore/model.js';
import { KeystoreService } from '../../../src/keystore/service.js';
import { checkIntegrity } from '../../../src/store/integrity.js';
import { dialects, fixture, type TestStore } from '../../helpers/store.js';

const actor = { name: 'tester' };

for (const dialect of dialects) {
  describe(`integrity check on ${dialect.name}`, () => {
    let t: TestStore;
    let system: KeystoreRef;

    before(async () => {
      t = await dialect.open();
      const ks = new KeystoreService(t.store);
      await ks.tenants.createProject({ name: 'default' }, actor);
      await ks.tenants.createEnvironment('default', { name: 'production', type: 'PRODUCTION' }, actor);
      system = await ks.tenants.keystore('default', 'production');
      for (const [alias, file] of [
        ['root', 'keystore/ca.pem'],
        ['root', 'keystore/selfsigned.pem'],
        ['leaf', 'keystore/leaf.pem'],
      ] as const)
        await ks.entries.importCertificate(
          system,
          alias,
          { material: fixture(file), mode: 'upsert', requireTrust: false },
          actor,
        );
    });
    after(() => t.dispose());

    test('a store written through the rules is whole', async () => {
      const report = await checkIntegrity(t.store);
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.counts.entries, 2);
      assert.equal(report.counts.entry_history, 1);
    });

    test('finds a torn certificate, a history record from the future, a duplicate version and a lost group', async () => {
      const db = t.store.db;
      const entry = await db.selectFrom('entries').selectAll().where('alias', '=', 'leaf').executeTakeFirstOrThrow();
      const history = await db.selectFrom('entry_history').selectAll().executeTakeFirstOrThrow();
      await db
        .updateTable('entries')
        .set({ cert_der: entry.cert_der.subarray(0, entry.cert_der.length - 1) })
        .where('id', '=', entry.id)
        .execute();
      const { id: _id, ...copy } = history;
      await db.insertInto('entry_history').values(copy).execute();
      await db
        .insertInto('entry_history')
        .values({ ...copy, version: 99 })
        .execute();
      await sql`update entries set group_id = 424242 where id = ${entry.id}`.execute(db);

      const report = await checkIntegrity(t.store);
      assert.equal(report.ok, false);
      const text = report.problems.join('\n');
      assert.match(text, /entries \d+ \(alias 'leaf'\): the certificate does not match its SHA-256 fingerprint/);
      assert.match(text, /1 values of entry_history \(entry_id, version\) occur more than once/);
      assert.match(text, /1 history records are not older than the entry/);
      assert.match(text, /1 rows of entries name a group_id that cert_groups does not hold/);
    });
  });
}
