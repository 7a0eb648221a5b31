import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService } from '../../../src/auth/service.js';
import { loadConfig } from '../../../src/config.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { ReadCache } from '../../../src/store/read-cache.js';
import { postgresStore } from '../../helpers/store.js';

/** A store whose mark the test moves by hand. */
function markedBy(): { store: { changeMark(): number | undefined }; mark: number | undefined } {
  const m = { mark: 0 as number | undefined, store: { changeMark: () => m.mark } };
  return m;
}

describe('ReadCache', () => {
  it('reads once while the mark stays, again once it moves', async () => {
    const m = markedBy();
    const cache = new ReadCache<string, number>(m.store, 10);
    let reads = 0;
    const load = async () => ++reads;
    assert.equal(await cache.get('a', load), 1);
    assert.equal(await cache.get('a', load), 1);
    m.mark = 1;
    assert.equal(await cache.get('a', load), 2);
    assert.equal(await cache.get('a', load), 2);
  });

  it('keeps nothing where the store has no mark', async () => {
    const m = markedBy();
    m.mark = undefined;
    const cache = new ReadCache<string, number>(m.store, 10);
    let reads = 0;
    const load = async () => ++reads;
    await cache.get('a', load);
    await cache.get('a', load);
    assert.equal(reads, 2);
  });

  it('does not keep a value read while the mark moved', async () => {
    const m = markedBy();
    const cache = new ReadCache<string, string>(m.store, 10);
    const slow = cache.get('a', async () => {
      m.mark = 1;
      // Another caller sees the new mark before the slow read ends.
      await cache.get('b', async () => 'b');
      return 'old';
    });
    assert.equal(await slow, 'old');
    assert.equal(await cache.get('a', async () => 'new'), 'new');
  });

  it('keeps nothing when max is 0', async () => {
    const m = markedBy();
    const cache = new ReadCache<string, number>(m.store, 0);
    let reads = 0;
    const load = async () => ++reads;
    await cache.get('a', load);
    await cache.get('a', load);
    assert.equal(reads, 2);
  });

  it('holds at most max values, dropping the oldest', async () => {
    const m = markedBy();
    const cache = new ReadCache<number, number>(m.store, 2);
    for (const k of [1, 2, 3]) await cache.get(k, async () => k);
    let reread = false;
    await cache.get(1, async () => {
      reread = true;
      return 1;
    });
    assert.equal(reread, true);
  });
});

describe('the SQLite change mark', () => {
  let dir: string;
  let a: Store;
  let b: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oks-mark-'));
    a = await openStore({ dataDir: dir });
    b = await openStore({ dataDir: dir });
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const addProject = (s: Store, name: string) =>
    s.db.insertInto('projects').values({ name, description: '', created_at: 0 }).execute();

  it("stays while only reads happen, moves at once on this connection's own write", async () => {
    await sleep(2);
    const before = a.changeMark();
    await a.db.selectFrom('projects').selectAll().execute();
    await sleep(2);
    assert.equal(a.changeMark(), before);
    await addProject(a, 'own');
    assert.notEqual(a.changeMark(), before);
  });

  it("moves within milliseconds when another connection commits (another process's CLI command)", async () => {
    await sleep(2);
    const before = a.changeMark();
    await addProject(b, 'other');
    await sleep(2);
    assert.notEqual(a.changeMark(), before);
  });

  it("a user disabled through another connection can't log in with cached credentials", async () => {
    const config = loadConfig({}, { dataDir: dir });
    const server = new AuthService(a, config);
    const cli = new AuthService(b, config);
    await cli.createUser('carol', 'correct horse battery staple');
    assert.ok(await server.authenticateBasic('carol', 'correct horse battery staple'));
    assert.ok(await server.authenticateBasic('carol', 'correct horse battery staple'), 'now from the cache');
    await b.db.updateTable('users').set({ disabled: 1 }).where('name', '=', 'carol').execute();
    await sleep(2);
    assert.equal(await server.authenticateBasic('carol', 'correct horse battery staple'), null);
  });
});

describe('the PostgreSQL change mark', () => {
  it('is undefined: other servers commit unseen, so nothing is cached', async () => {
    const t = await postgresStore();
    try {
      assert.equal(t.store.changeMark(), undefined);
    } finally {
      await t.dispose();
    }
  });
});
