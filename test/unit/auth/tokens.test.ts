import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../../../src/keystore/errors.js';
import { type AuthFixture, authFixture, PASSWORD } from './fixture.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const kind = (k: string) => (e: unknown) => e instanceof DomainError && e.kind === k;

describe('personal access tokens', () => {
  let f: AuthFixture;
  before(async () => {
    f = await authFixture();
    await f.auth.createUser('alice', PASSWORD);
  });
  after(() => f.close());

  it('are random, prefixed, and authenticate their user', async () => {
    const a = await f.auth.createPersonalToken('alice', 'ci', null);
    const b = await f.auth.createPersonalToken('alice', 'laptop', null);
    assert.match(a.token, /^oks_pat_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.token, b.token);
    assert.equal(a.expiresAt, null);
    const r = await f.auth.authenticateBearer(a.token);
    assert.ok(r.ok);
    assert.equal(r.principal.name, 'alice');
  });

  it('are stored only as SHA-256 hashes', async () => {
    const { token } = await f.auth.createPersonalToken('alice', 'stored', null);
    const rows = await f.store.db.selectFrom('tokens').selectAll().execute();
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(token));
    assert.ok(!dump.includes(token.slice('oks_pat_'.length)));
    const row = rows.find((r) => r.name === 'stored');
    assert.equal(row?.token_hash, sha256(token));
    assert.equal(row?.kind, 'pat');
    const audit = JSON.stringify(await f.store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(!audit.includes(token) && !audit.includes(sha256(token)));
    assert.ok(audit.includes('token.create'));
  });

  it('expire exactly, even while cached', async () => {
    const { token, expiresAt } = await f.auth.createPersonalToken('alice', 'short', 60);
    assert.equal(expiresAt, f.clock.now() + 60_000);
    assert.ok((await f.auth.authenticateBearer(token)).ok);
    f.clock.advance(59_000);
    assert.ok((await f.auth.authenticateBearer(token)).ok);
    f.clock.advance(1_000);
    assert.deepEqual(await f.auth.authenticateBearer(token), { ok: false, reason: 'expired' });
    // A server that never saw it reads the row and says the same.
    assert.deepEqual(await f.otherServer().authenticateBearer(token), { ok: false, reason: 'expired' });
  });

  it('refuse unknown, foreign and tampered tokens', async () => {
    const { token } = await f.auth.createPersonalToken('alice', 'tamper', null);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const t of [
      `${token.slice(0, -1)}${last}`,
      'oks_pat_nope',
      'eyJhbGciOiJIUzI1NiJ9.e30.x',
      '',
      'oks_'.padEnd(500, 'x'),
    ])
      assert.deepEqual(await f.auth.authenticateBearer(t), { ok: false, reason: 'invalid' }, t);
  });

  it('a revoked token stops at once here, and on other servers within the token cache lifetime', async () => {
    const { token } = await f.auth.createPersonalToken('alice', 'revoked', null);
    const other = f.otherServer({ tokenCacheTtlMs: 30_000 });
    assert.ok((await f.auth.authenticateBearer(token)).ok);
    assert.ok((await other.authenticateBearer(token)).ok);
    await f.auth.revokePersonalToken('alice', 'revoked');
    assert.deepEqual(await f.auth.authenticateBearer(token), { ok: false, reason: 'invalid' });
    assert.ok((await other.authenticateBearer(token)).ok, 'still cached on the other server');
    f.clock.advance(30_000);
    assert.deepEqual(await other.authenticateBearer(token), { ok: false, reason: 'invalid' });
    await assert.rejects(f.auth.revokePersonalToken('alice', 'revoked'), kind('NotFound'));
  });

  it('stop working when their user is disabled, within the token cache lifetime', async () => {
    await f.auth.createUser('bob', PASSWORD);
    const { token } = await f.auth.createPersonalToken('bob', 't', null);
    await f.store.db.updateTable('users').set({ disabled: 1 }).where('name', '=', 'bob').execute();
    assert.deepEqual(await f.otherServer().authenticateBearer(token), { ok: false, reason: 'invalid' });
  });

  it('validate names, lifetimes and users', async () => {
    await assert.rejects(f.auth.createPersonalToken('alice', 'ci', null), kind('AlreadyExists'));
    await assert.rejects(f.auth.createPersonalToken('alice', '', null), kind('Invalid'));
    await assert.rejects(f.auth.createPersonalToken('alice', 'zero', 0), kind('Invalid'));
    await assert.rejects(f.auth.createPersonalToken('alice', 'frac', 1.5), kind('Invalid'));
    await assert.rejects(f.auth.createPersonalToken('ghost', 'x', null), kind('NotFound'));
    const names = (await f.auth.listPersonalTokens('alice')).map((t) => t.name);
    assert.ok(names.includes('ci') && names.includes('laptop') && !names.includes('revoked'));
  });
});

describe('access tokens (client credentials)', () => {
  let f: AuthFixture;
  before(async () => {
    f = await authFixture();
    await f.auth.createUser('alice', PASSWORD);
  });
  after(() => f.close());

  it('are issued for a user name and password (Apinizer style) and expire after the configured time', async () => {
    const issued = await f.auth.issueAccessToken('alice', PASSWORD);
    assert.ok(issued);
    assert.match(issued.token, /^oks_at_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.expiresIn, f.config.accessTokenTtlSeconds);
    assert.equal(issued.principal.name, 'alice');
    assert.ok((await f.auth.authenticateBearer(issued.token)).ok);
    f.clock.advance(f.config.accessTokenTtlSeconds * 1000);
    assert.deepEqual(await f.auth.authenticateBearer(issued.token), { ok: false, reason: 'expired' });
    assert.equal(await f.auth.issueAccessToken('alice', 'wrong password'), null);
    assert.equal(await f.auth.issueAccessToken('ghost', PASSWORD), null);
  });

  it('are issued for an API client id and secret, which act as their user', async () => {
    const c = await f.auth.createApiClient('alice', 'deploy pipeline');
    assert.match(c.clientId, /^oks_cl_[A-Za-z0-9_-]{22}$/);
    assert.match(c.clientSecret, /^oks_cs_[A-Za-z0-9_-]{43}$/);
    const issued = await f.auth.issueAccessToken(c.clientId, c.clientSecret);
    assert.equal(issued?.principal.name, 'alice');
    assert.ok(issued && (await f.auth.authenticateBearer(issued.token)).ok);
    assert.equal(await f.auth.issueAccessToken(c.clientId, `${c.clientSecret}x`), null);
    assert.equal(await f.auth.issueAccessToken('oks_cl_unknown', c.clientSecret), null);
    // SAP's service keys are also used as Basic credentials directly.
    assert.equal((await f.auth.authenticateBasic(c.clientId, c.clientSecret))?.name, 'alice');
    assert.equal(await f.auth.authenticateBasic(c.clientId, 'wrong'), null);

    const rows = JSON.stringify(await f.store.db.selectFrom('api_clients').selectAll().execute());
    assert.ok(!rows.includes(c.clientSecret) && !rows.includes(c.clientSecret.slice(7)));
    assert.ok(rows.includes(c.clientId));
    const audit = JSON.stringify(await f.store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(audit.includes('client.create') && audit.includes('token.issue'));
    assert.ok(!audit.includes(c.clientSecret) && !audit.includes(issued.token));
  });

  it('clean up long-expired access tokens when issuing new ones', async () => {
    const count = async () =>
      (await f.store.db.selectFrom('tokens').select('id').where('kind', '=', 'access').execute()).length;
    assert.ok((await count()) > 0);
    f.clock.advance(3 * 24 * 3600 * 1000);
    assert.ok(await f.auth.issueAccessToken('alice', PASSWORD));
    assert.equal(await count(), 1, 'only the new token is left');
  });
});
