import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { writeTransaction } from '../../../src/store/write-transaction.js';
import { dialects, type TestStore } from '../../helpers/store.js';

const setting = (name: string) => ({ name, value: `v-${name}` });

for (const dialect of dialects) {
  describe(`writeTransaction on ${dialect.name}`, () => {
    let t: TestStore;
    before(async () => {
      t = await dialect.open();
    });
    after(() => t.dispose());

    const keys = async (prefix: string) =>
      (
        await t.store.db
          .selectFrom('settings')
          .select('name')
          .where('name', 'like', `${prefix}%`)
          .orderBy('name')
          .execute()
      ).map((r) => r.name);

    test('concurrent writes: each commits or fails alone, and sees the writes before it', async () => {
      const db = t.store.db;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          writeTransaction(db, async (trx) => {
            await trx
              .insertInto('settings')
              .values(setting(`c-${String(i).padStart(2, '0')}`))
              .execute();
            // A write that fails after writing: what it wrote must go, the others' must stay.
            if (i % 5 === 3) throw new Error(`refused ${i}`);
            return i;
          }),
        ),
      );
      for (const [i, r] of results.entries()) {
        if (i % 5 === 3) assert.deepEqual(r, { status: 'rejected', reason: new Error(`refused ${i}`) });
        else assert.deepEqual(r, { status: 'fulfilled', value: i });
      }
      const expected = Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 5 !== 3)
        .map((i) => `c-${String(i).padStart(2, '0')}`);
      assert.deepEqual(await keys('c-'), expected);
    });

    test('a unique violation fails that write only, and the one before it counts', async () => {
      const db = t.store.db;
      const [first, second, third] = await Promise.allSettled([
        writeTransaction(db, (trx) => trx.insertInto('settings').values(setting('u-1')).execute()),
        writeTransaction(db, (trx) => trx.insertInto('settings').values(setting('u-1')).execute()),
        writeTransaction(db, (trx) => trx.insertInto('settings').values(setting('u-2')).execute()),
      ]);
      if (t.store.dialect === 'sqlite') {
        // One batch, in order of arrival: the first insert counts, the second clashes with it.
        assert.equal(first.status, 'fulfilled');
        assert.equal(second.status, 'rejected');
      } else {
        // Separate transactions on separate connections: either may commit first, and the other clashes.
        assert.deepEqual([first.status, second.status].sort(), ['fulfilled', 'rejected']);
      }
      assert.equal(third.status, 'fulfilled');
      assert.deepEqual(await keys('u-'), ['u-1', 'u-2']);
    });

    test('a write failing on an SQL error fails alone, and the store stays usable', async () => {
      const db = t.store.db;
      const broken = writeTransaction(db, async (trx) => {
        await trx.insertInto('settings').values(setting('b-1')).execute();
        await sql`select * from no_such_table`.execute(trx);
      });
      const fine = writeTransaction(db, (trx) => trx.insertInto('settings').values(setting('b-2')).execute());
      await assert.rejects(broken);
      await fine;
      assert.deepEqual(await keys('b-'), ['b-2']);
    });
  });
}
