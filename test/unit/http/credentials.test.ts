import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authenticateRequest } from '../../../src/http/credentials.js';
import { type AuthFixture, authFixture } from '../auth/fixture.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('authenticateRequest', () => {
  let f: AuthFixture;
  let pat: string;
  before(async () => {
    f = await authFixture();
    await f.auth.createUser('alice', 'pass:with:colons');
    pat = (await f.auth.createPersonalToken('alice', 'pat', 60)).token;
  });
  after(() => f.close());

  const check = (header: string | undefined) => authenticateRequest(f.auth, header);

  it('reads Basic credentials whose password holds colons, with any case of scheme', async () => {
    for (const scheme of ['Basic', 'basic', 'BASIC']) {
      const r = await check(`${scheme} ${b64('alice:pass:with:colons')}`);
      assert.ok(r.ok, scheme);
      assert.equal(r.principal.name, 'alice');
    }
  });

  it('reads Bearer tokens with any case of scheme', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) assert.ok((await check(`${scheme} ${pat}`)).ok, scheme);
  });

  it('says missing, invalid or expired', async () => {
    assert.deepEqual(await check(undefined), { ok: false, reason: 'missing' });
    assert.deepEqual(await check(''), { ok: false, reason: 'missing' });
    const invalid = { ok: false, reason: 'invalid' };
    for (const h of [
      'Basic',
      'Basic ',
      'Basic !!!notbase64',
      `Basic ${b64('no-colon')}`,
      `Basic ${b64(':password-without-user')}`,
      `Basic ${b64('alice:wrong')}`,
      'Bearer',
      'Bearer oks_pat_unknown',
      `Bearer ${pat} extra`,
      `Digest ${b64('alice:pass:with:colons')}`,
      `Basic ${'A'.repeat(5000)}`,
    ])
      assert.deepEqual(await check(h), invalid, h);
    f.clock.advance(60_000);
    assert.deepEqual(await check(`Bearer ${pat}`), { ok: false, reason: 'expired' });
  });
});
