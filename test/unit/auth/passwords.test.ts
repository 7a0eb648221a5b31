import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, MAX_PASSWORD_BYTES, scryptCount, verifyPassword } from '../../../src/auth/passwords.js';

describe('password hashing', () => {
  it('writes a salted, self-describing scrypt string', async () => {
    const a = await hashPassword('s3cret-pass');
    const b = await hashPassword('s3cret-pass');
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(!a.includes('s3cret-pass'));
  });

  it('verifies the right password and refuses others', async () => {
    const h = await hashPassword('pa:ss wörd');
    assert.equal(await verifyPassword('pa:ss wörd', h), true);
    assert.equal(await verifyPassword('pa:ss word', h), false);
    assert.equal(await verifyPassword('', h), false);
  });

  it('refuses unreadable or hostile hashes without running scrypt', async () => {
    const before = scryptCount();
    for (const bad of [
      '',
      'plain',
      'bcrypt$2b$10$abc',
      'scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'scrypt$1073741824$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'scrypt$16384$8$1$$',
    ])
      assert.equal(await verifyPassword('x', bad), false, bad);
    assert.equal(scryptCount(), before);
  });

  it('refuses an oversized password before hashing it', async () => {
    const h = await hashPassword('short-enough');
    const before = scryptCount();
    assert.equal(await verifyPassword('x'.repeat(MAX_PASSWORD_BYTES + 1), h), false);
    assert.equal(scryptCount(), before);
  });

  it('verifies hashes made with other parameters', async () => {
    // A hash written with N=2^15, r=8, p=2 (for instance by a later version) still verifies.
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('old', salt, 32, { N: 1 << 15, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
    const encoded = `scrypt$${1 << 15}$8$2$${salt.toString('base64url')}$${key.toString('base64url')}`;
    assert.equal(await verifyPassword('old', encoded), true);
    assert.equal(await verifyPassword('new', encoded), false);
  });
});
