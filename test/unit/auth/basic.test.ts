import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scryptCount } from '../../../src/auth/passwords.js';
import { DomainError } from '../../../src/keystore/errors.js';
import { type AuthFixture, authFixture, PASSWORD } from './fixture.js';

describe('Basic credentials', () => {
  let f: AuthFixture;
  before(async () => {
    f = await authFixture();
    await f.auth.createUser('alice', PASSWORD);
    await f.auth.createUser('bob', 'pa:ss:word');
  });
  after(() => f.close());

  it('accepts the right password and refuses a wrong one or an unknown user', async () => {
    const p = await f.auth.authenticateBasic('alice', PASSWORD);
    assert.equal(p?.name, 'alice');
    assert.equal(typeof p?.userId, 'number');
    assert.equal(await f.auth.authenticateBasic('alice', 'wrong password'), null);
    assert.equal(await f.auth.authenticateBasic('Alice', PASSWORD), null);
    assert.equal(await f.auth.authenticateBasic('nobody', PASSWORD), null);
    assert.equal((await f.auth.authenticateBasic('bob', 'pa:ss:word'))?.name, 'bob');
  });

  it('spares scrypt on a repeated success, by count', async () => {
    const auth = f.otherServer();
    const start = scryptCount();
    assert.ok(await auth.authenticateBasic('alice', PASSWORD));
    assert.equal(scryptCount(), start + 1);
    for (let i = 0; i < 5; i++) assert.ok(await auth.authenticateBasic('alice', PASSWORD));
    assert.equal(scryptCount(), start + 1, 'cache hits run no scrypt');
  });

  it('runs one scrypt for many parallel requests with the same new credentials', async () => {
    const auth = f.otherServer();
    const start = scryptCount();
    const results = await Promise.all(Array.from({ length: 10 }, () => auth.authenticateBasic('alice', PASSWORD)));
    assert.ok(results.every((p) => p?.name === 'alice'));
    assert.equal(scryptCount(), start + 1);
    // They share a failure too, but it is not kept: the next wrong attempt runs scrypt again.
    await Promise.all([auth.authenticateBasic('alice', 'nope-nope'), auth.authenticateBasic('alice', 'nope-nope')]);
    assert.equal(scryptCount(), start + 2);
    assert.equal(await auth.authenticateBasic('alice', 'nope-nope'), null);
    assert.equal(scryptCount(), start + 3);
  });

  it('never caches a failure: every wrong password costs a scrypt', async () => {
    const auth = f.otherServer();
    await auth.authenticateBasic('alice', PASSWORD);
    const start = scryptCount();
    for (let i = 0; i < 3; i++) assert.equal(await auth.authenticateBasic('alice', 'wrong password'), null);
    assert.equal(scryptCount(), start + 3);
    // An unknown user costs one too, so that it can't be told from a wrong password by timing.
    assert.equal(await auth.authenticateBasic('nobody', 'whatever1'), null);
    assert.ok(scryptCount() >= start + 4);
  });

  it('forgets cached credentials once they expire', async () => {
    const auth = f.otherServer({ credentialCacheTtlMs: 60_000 });
    await auth.authenticateBasic('alice', PASSWORD);
    const start = scryptCount();
    f.clock.advance(61_000);
    assert.ok(await auth.authenticateBasic('alice', PASSWORD));
    assert.equal(scryptCount(), start + 1);
  });

  it('a password change on another server invalidates this server’s cache at once', async () => {
    await f.auth.createUser('carol', 'first-password');
    const serverA = f.otherServer();
    const serverB = f.otherServer();
    assert.ok(await serverA.authenticateBasic('carol', 'first-password'));
    await serverB.setPassword('carol', 'second-password');
    assert.equal(await serverA.authenticateBasic('carol', 'first-password'), null);
    assert.equal((await serverA.authenticateBasic('carol', 'second-password'))?.name, 'carol');
    // Setting the same password again makes a new hash: the old cache entry must not count either.
    const start = scryptCount();
    await serverB.setPassword('carol', 'second-password');
    assert.ok(await serverA.authenticateBasic('carol', 'second-password'));
    assert.equal(scryptCount(), start + 2, 'one scrypt to hash, one to verify again');
  });

  it('refuses a disabled user even when the credentials are cached', async () => {
    await f.auth.createUser('dave', 'dave-password');
    assert.ok(await f.auth.authenticateBasic('dave', 'dave-password'));
    await f.store.db.updateTable('users').set({ disabled: 1 }).where('name', '=', 'dave').execute();
    assert.equal(await f.auth.authenticateBasic('dave', 'dave-password'), null);
  });

  it('validates names and passwords and refuses duplicates', async () => {
    const kind = (k: string) => (e: unknown) => e instanceof DomainError && e.kind === k;
    await assert.rejects(f.auth.createUser('alice', 'another-password'), kind('AlreadyExists'));
    await assert.rejects(f.auth.createUser('with:colon', PASSWORD), kind('Invalid'));
    await assert.rejects(f.auth.createUser('oks_cl_fake', PASSWORD), kind('Invalid'));
    await assert.rejects(f.auth.createUser(' padded', PASSWORD), kind('Invalid'));
    await assert.rejects(f.auth.createUser('', PASSWORD), kind('Invalid'));
    await assert.rejects(f.auth.createUser('erin', 'short'), kind('Invalid'));
    await assert.rejects(f.auth.setPassword('nobody', PASSWORD), kind('NotFound'));
  });

  it('audits user creation and password changes without the password', async () => {
    const events = await f.store.db.selectFrom('audit_events').selectAll().execute();
    const created = events.filter((e) => e.action === 'user.create').map((e) => JSON.parse(e.detail ?? '{}').user);
    assert.deepEqual(created.sort(), ['alice', 'bob', 'carol', 'dave']);
    assert.ok(events.some((e) => e.action === 'user.password'));
    const text = JSON.stringify(events);
    for (const secret of [PASSWORD, 'pa:ss:word', 'first-password', 'second-password'])
      assert.ok(!text.includes(secret));
    const hashes = await f.store.db.selectFrom('users').select('password_hash').execute();
    for (const h of hashes) assert.ok(!text.includes(h.password_hash));
  });
});
