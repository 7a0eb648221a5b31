import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { withKeystoreLock, withStoreLock } from '../../../src/store/locks.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { postgresStore, sqliteStore, type TestStore } from '../../helpers/store.js';

/** A promise with its resolve, to hold a lock open until the test lets go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

const tick = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('keystore locks on PostgreSQL, between two servers', () => {
  let t: TestStore;
  let other: Store;

  before(async () => {
    t = await postgresStore();
    // A second pool on the same database: what a second server is to the first. The test server trusts local
    // connections, so the location (the URL without a password) reaches the same database.
    other = await openStore({ databaseUrl: t.store.location, dataDir: '/nonexistent' });
  });
  after(async () => {
    await other?.close();
    await t.dispose();
  });

  test('one keystore-wide operation per keystore at a time; other keystores go on', async () => {
    const log: string[] = [];
    const hold = gate();
    const first = withKeystoreLock(t.store.db, 7, async () => {
      log.push('first in');
      await hold.opened;
      log.push('first out');
    });
    await tick();
    const second = withKeystoreLock(other.db, 7, async () => {
      log.push('second in');
    });
    const elsewhere = withKeystoreLock(other.db, 8, async () => {
      log.push('other keystore in');
    });
    await elsewhere;
    await tick();
    assert.deepEqual(log, ['first in', 'other keystore in']);
    hold.open();
    await Promise.all([first, second]);
    assert.deepEqual(log, ['first in', 'other keystore in', 'first out', 'second in']);
  });

  test('the store lock waits for every keystore lock, and they for it; a rollback releases it', async () => {
    const log: string[] = [];
    const hold = gate();
    const ks = withKeystoreLock(t.store.db, 1, async () => {
      log.push('keystore in');
      await hold.opened;
      log.push('keystore out');
    });
    await tick();
    const whole = withStoreLock(other.db, async () => {
      log.push('store in');
      throw new Error('restore failed');
    });
    await tick();
    assert.deepEqual(log, ['keystore in']);
    hold.open();
    await assert.rejects(whole, /restore failed/);
    await ks;
    await withKeystoreLock(t.store.db, 2, async () => {
      log.push('after rollback');
    });
    assert.deepEqual(log, ['keystore in', 'keystore out', 'store in', 'after rollback']);
  });

  test('what the function writes commits with the lock, or not at all', async () => {
    await withKeystoreLock(t.store.db, 3, (trx) =>
      trx.insertInto('settings').values({ name: 'lock-test', value: 'kept' }).execute(),
    );
    await assert.rejects(
      withKeystoreLock(t.store.db, 3, async (trx) => {
        await trx.insertInto('settings').values({ name: 'lock-test-2', value: 'lost' }).execute();
        throw new Error('no');
      }),
    );
    const names = (await other.db.selectFrom('settings').select('name').execute()).map((r) => r.name);
    assert.ok(names.includes('lock-test'));
    assert.ok(!names.includes('lock-test-2'));
  });
});

describe('keystore locks on SQLite', () => {
  let t: TestStore;
  let dbFile: string;

  before(async () => {
    t = await sqliteStore();
    dbFile = t.store.location;
    assert.equal(dbFile, join(dbFile, '..', 'openkeystore.db'));
  });
  after(() => t.dispose());

  test('BEGIN IMMEDIATE: another process can not write from the moment the lock is taken, before any write', async () => {
    // Another connection to the file, as another process would have; no waiting, so a held lock shows at once.
    const otherProcess = new SqliteDatabase(dbFile);
    otherProcess.pragma('busy_timeout = 0');
    try {
      let busyInside: unknown;
      await withKeystoreLock(t.store.db, 1, async (trx) => {
        await trx.selectFrom('settings').selectAll().execute();
        try {
          otherProcess.exec('begin immediate');
          otherProcess.exec('rollback');
        } catch (e) {
          busyInside = e;
        }
        await trx.insertInto('settings').values({ name: 'sqlite-lock', value: 'kept' }).execute();
      });
      assert.equal((busyInside as { code?: string } | undefined)?.code, 'SQLITE_BUSY');
      otherProcess.exec('begin immediate');
      otherProcess.exec('rollback');
      const row = otherProcess.prepare("select value from settings where name = 'sqlite-lock'").get() as {
        value: string;
      };
      assert.equal(row.value, 'kept');
    } finally {
      otherProcess.close();
    }
  });

  test('a failing function rolls back and frees the database', async () => {
    await assert.rejects(
      withStoreLock(t.store.db, async (trx) => {
        await trx.insertInto('settings').values({ name: 'sqlite-lost', value: 'x' }).execute();
        throw new Error('no');
      }),
      /no/,
    );
    const rows = await t.store.db.selectFrom('settings').select('name').where('name', '=', 'sqlite-lost').execute();
    assert.equal(rows.length, 0);
    await withKeystoreLock(t.store.db, 1, async () => undefined);
  });
});
