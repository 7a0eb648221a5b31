import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthService } from '../../../src/auth/service.js';
import { LoginThrottle } from '../../../src/auth/throttle.js';
import { authenticateRequest } from '../../../src/http/credentials.js';
import { type AuthFixture, authFixture, Clock, PASSWORD } from './fixture.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('LoginThrottle: a sliding window per client address and name', () => {
  test('refuses after `limit` failures until the oldest leaves the window', () => {
    const clock = new Clock();
    const t = new LoginThrottle({ limit: 3, windowMs: 60_000, now: clock.now });
    for (let i = 0; i < 3; i++) {
      assert.equal(t.retryAfter('10.0.0.1', 'alice'), 0);
      t.fail('10.0.0.1', 'alice');
      clock.advance(10_000);
    }
    // Failures at 0 s, 10 s and 20 s; now is 30 s: the first leaves the window at 60 s.
    assert.equal(t.retryAfter('10.0.0.1', 'alice'), 30);
    assert.equal(t.retryAfter('10.0.0.2', 'alice'), 0, 'another address');
    assert.equal(t.retryAfter('10.0.0.1', 'bob'), 0, 'another name');
    clock.advance(29_500);
    assert.equal(t.retryAfter('10.0.0.1', 'alice'), 1, 'rounded up, never 0 while refused');
    clock.advance(500);
    assert.equal(t.retryAfter('10.0.0.1', 'alice'), 0);
    // One more failure refuses again: two of the three are still within the window (sliding, not fixed).
    t.fail('10.0.0.1', 'alice');
    assert.equal(t.retryAfter('10.0.0.1', 'alice'), 10);
  });

  test('a success clears the record; limit 0 turns it off', () => {
    const clock = new Clock();
    const t = new LoginThrottle({ limit: 2, windowMs: 60_000, now: clock.now });
    t.fail('a', 'u');
    t.succeed('a', 'u');
    t.fail('a', 'u');
    assert.equal(t.retryAfter('a', 'u'), 0);
    const off = new LoginThrottle({ limit: 0, windowMs: 60_000, now: clock.now });
    for (let i = 0; i < 100; i++) off.fail('a', 'u');
    assert.equal(off.retryAfter('a', 'u'), 0);
  });

  test('memory is bounded: the least recently failing clients are forgotten first', () => {
    const clock = new Clock();
    const t = new LoginThrottle({ limit: 1, windowMs: 60_000, maxKeys: 100, now: clock.now });
    t.fail('x', 'victim');
    for (let i = 0; i < 99; i++) t.fail('x', `name-${i}`);
    assert.ok(t.retryAfter('x', 'victim') > 0);
    for (let i = 99; i < 300; i++) t.fail('x', `name-${i}`);
    assert.equal(t.retryAfter('x', 'victim'), 0);
  });
});

describe('AuthService and authenticateRequest throttle failed logins', () => {
  let f: AuthFixture;
  let auth: AuthService;

  before(async () => {
    f = await authFixture();
    await f.auth.createUser('alice', PASSWORD);
    auth = new AuthService(f.store, { ...f.config, loginFailureLimit: 3, loginWindowMs: 60_000 }, { now: f.clock.now });
  });
  after(() => f.close());

  test('after the limit even the right password is refused unchecked, with the wait; then it works again', async () => {
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await auth.login('alice', 'wrong password', '192.0.2.1'), { ok: false, reason: 'invalid' });
    const throttled = await auth.login('alice', PASSWORD, '192.0.2.1');
    assert.deepEqual(throttled, { ok: false, reason: 'throttled', retryAfter: 60 });
    assert.equal(auth.loginRetryAfter('alice', '192.0.2.1'), 60);
    // Refused before scrypt: an unchecked answer takes no time at all.
    const started = performance.now();
    for (let i = 0; i < 50; i++) await auth.login('alice', 'another guess', '192.0.2.1');
    assert.ok(performance.now() - started < 200, 'no password was hashed');
    assert.ok((await auth.login('alice', PASSWORD, '192.0.2.9')).ok, 'another address is not affected');
    f.clock.advance(60_000);
    assert.ok((await auth.login('alice', PASSWORD, '192.0.2.1')).ok);
  });

  test('the token endpoints count too, and API client ids as well as user names', async () => {
    const c = await f.auth.createApiClient('alice', 'ci');
    for (let i = 0; i < 3; i++) assert.equal(await auth.issueAccessToken('alice', 'nope-nope', '192.0.2.2'), null);
    assert.equal(await auth.issueAccessToken('alice', PASSWORD, '192.0.2.2'), null);
    assert.ok(auth.loginRetryAfter('alice', '192.0.2.2') > 0);
    for (let i = 0; i < 3; i++) await auth.issueAccessToken(c.clientId, 'wrong', '192.0.2.2');
    assert.equal(await auth.issueAccessToken(c.clientId, c.clientSecret, '192.0.2.2'), null);
    assert.ok(await auth.issueAccessToken(c.clientId, c.clientSecret, '192.0.2.3'));
  });

  test('authenticateRequest: throttled with the address, invalid without it (callers that cannot say 429)', async () => {
    const header = basic('alice', 'wrong again');
    for (let i = 0; i < 3; i++) await authenticateRequest(auth, header, '198.51.100.7');
    assert.deepEqual(await authenticateRequest(auth, basic('alice', PASSWORD), '198.51.100.7'), {
      ok: false,
      reason: 'throttled',
      retryAfter: 60,
    });
    // Without an address the callers share one window per name, and see 'invalid' once it is full.
    for (let i = 0; i < 3; i++) await authenticateRequest(auth, header);
    assert.deepEqual(await authenticateRequest(auth, basic('alice', PASSWORD)), { ok: false, reason: 'invalid' });
    // Bearer tokens are not guessable and not counted.
    const pat = (await f.auth.createPersonalToken('alice', 'throttle-pat', null)).token;
    assert.ok((await authenticateRequest(auth, `Bearer ${pat}`, '198.51.100.7')).ok);
  });
});
