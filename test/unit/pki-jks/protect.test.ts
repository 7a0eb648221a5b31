import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { children, contentsOf, readWhole } from '../../../src/pki/der.js';
import { readJavaKeystore } from '../../../src/pki/jks.js';
import { parseProtectedKey, protectPrivateKey, recoverPrivateKey } from '../../../src/pki/jks-protect.js';
import { iterateMd5 } from '../../../src/pki/md5-iterate.js';
import { fixture, fixtureText, KEY_PASSWORD, STORE_PASSWORD, throwsPki } from './fixtures.js';

const WRONG = 'Keystore was tampered with, or password was incorrect';
const hex = (text: string) => Buffer.from(text, 'hex');

const keys = readJavaKeystore(fixture('jks-mixed.jks'), STORE_PASSWORD, KEY_PASSWORD).entries.flatMap((e) =>
  e.type === 'privateKey' ? [e.pkcs8] : [],
);
const ecKey = keys.reduce((a, b) => (a.length < b.length ? a : b));

/** The OCTET STRING of an EncryptedPrivateKeyInfo. */
function encryptedData(epki: Uint8Array): Buffer {
  const parts = children(epki, readWhole(epki)!)!;
  return Buffer.from(contentsOf(epki, parts[1]!));
}

/** Where `pattern` occurs in a fixture: Java's own EncryptedPrivateKeyInfo headers. */
function occurs(haystack: Uint8Array, pattern: string): boolean {
  return Buffer.from(haystack).includes(hex(pattern));
}

describe('iterateMd5', () => {
  it('equals chained node:crypto MD5 for suffixes around the one-block boundary', () => {
    for (const length of [0, 1, 39, 40, 47, 48, 100, 111, 112, 200]) {
      const suffix = Buffer.alloc(length, 0x61 + (length % 26));
      for (const rounds of [1, 2, 3, 17]) {
        let expected = createHash('md5').update(hex('deadbeef')).update(suffix).digest();
        for (let i = 1; i < rounds; i++) expected = createHash('md5').update(expected).update(suffix).digest();
        assert.deepEqual(iterateMd5(hex('deadbeef'), suffix, rounds), expected, `${length} bytes, ${rounds} rounds`);
      }
    }
  });
});

describe('PBEWithMD5AndTripleDES (JCEKS)', () => {
  const vectors = fixtureText('pbe-vectors.txt')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [password, salt, iterations, plain, cipher] = line.split('\t');
      return { password: password!, salt: hex(salt!), iterations: Number(iterations), plain: hex(plain!), cipher };
    });

  it('encrypts as SunJCE does, salts with equal halves included', () => {
    assert.equal(vectors.length, 12);
    assert.ok(vectors.some((v) => v.salt.subarray(0, 4).equals(v.salt.subarray(4)) && v.salt[0] !== v.salt[3]));
    for (const v of vectors) {
      const epki = protectPrivateKey('JCEKS', v.plain, v.password, { salt: v.salt, iterations: v.iterations });
      assert.equal(encryptedData(epki).toString('hex'), v.cipher, `${v.password} ${v.salt.toString('hex')}`);
    }
  });

  it('encodes the algorithm and parameters as Java does', () => {
    const epki = protectPrivateKey('JCEKS', ecKey, KEY_PASSWORD, { salt: hex('0011223344556677') });
    // 1.3.6.1.4.1.42.2.19.1, SEQUENCE { salt, 200000 }: what keytool wrote into the fixture, salt aside.
    const algorithm = '301c06092b060104012a021301300f04080011223344556677' + '0203030d40';
    assert.ok(epki.toString('hex').includes(algorithm));
    assert.ok(occurs(fixture('jceks-mixed.jceks'), '301c06092b060104012a021301300f0408'));
    assert.ok(occurs(fixture('jceks-mixed.jceks'), '0203030d40'));
  });

  it('recovers what it protects, and refuses a wrong password', () => {
    const epki = protectPrivateKey('JCEKS', ecKey, 'p w', { iterations: 1000 });
    assert.deepEqual(recoverPrivateKey(parseProtectedKey(epki, 'k'), 'p w', 'k'), ecKey);
    throwsPki(() => recoverPrivateKey(parseProtectedKey(epki, 'k'), 'p W', 'k'), 'password', WRONG);
  });

  it('recovers keys older SunJCE releases wrote with equal salt halves (dabd instead of dcba)', () => {
    const salt = hex('0a0b0c0d0a0b0c0d');
    const pw = Buffer.from('legacy');
    const half = (seed: Buffer) => {
      let h = createHash('md5').update(seed).update(pw).digest();
      for (let i = 1; i < 50; i++) h = createHash('md5').update(h).update(pw).digest();
      return h;
    };
    const k1 = half(hex('0d0a0b0d'));
    const k2 = half(salt.subarray(4));
    const cipher = createCipheriv('des-ede3-cbc', Buffer.concat([k1, k2.subarray(0, 8)]), k2.subarray(8));
    const encrypted = Buffer.concat([cipher.update(ecKey), cipher.final()]);
    const key = { algorithm: 'pbe' as const, salt, iterations: 50, data: encrypted };
    assert.deepEqual(recoverPrivateKey(key, 'legacy', 'k'), ecKey);
    const current = protectPrivateKey('JCEKS', ecKey, 'legacy', { salt, iterations: 50 });
    assert.deepEqual(recoverPrivateKey(parseProtectedKey(current, 'k'), 'legacy', 'k'), ecKey);
  });

  it('refuses to write a key password Java 17 cannot use', () => {
    for (const password of ['pässword', 'tab\tpassword', '😀']) {
      throwsPki(() => protectPrivateKey('JCEKS', ecKey, password), 'unsupported', /printable ASCII/);
    }
  });
});

describe('Sun KeyProtector (JKS)', () => {
  it('encodes the algorithm as Java does (OID with NULL parameters)', () => {
    const epki = protectPrivateKey('JKS', ecKey, KEY_PASSWORD);
    assert.ok(epki.toString('hex').includes('300e060a2b060104012a021101010500'));
    assert.ok(occurs(fixture('jks-mixed.jks'), '300e060a2b060104012a021101010500'));
    assert.equal(encryptedData(epki).length, 20 + ecKey.length + 20);
  });

  it('recovers what it protects under any password, and refuses a wrong one', () => {
    for (const password of ['', KEY_PASSWORD, 'pässwörd 😀']) {
      const epki = protectPrivateKey('JKS', keys[0]!, password);
      assert.deepEqual(recoverPrivateKey(parseProtectedKey(epki, 'k'), password, 'k'), keys[0]);
      throwsPki(() => recoverPrivateKey(parseProtectedKey(epki, 'k'), `${password}x`, 'k'), 'password', WRONG);
    }
  });

  it('calls a key the right password unlocks to something else malformed', () => {
    const epki = protectPrivateKey('JKS', Buffer.from('not a key'), 'pw');
    throwsPki(
      () => recoverPrivateKey(parseProtectedKey(epki, 'the entry "k"'), 'pw', 'the entry "k"'),
      'malformed',
      /PKCS#8/,
    );
    const short = Buffer.from('3018300e060a2b060104012a0211010105000406010203040506', 'hex');
    throwsPki(() => recoverPrivateKey(parseProtectedKey(short, 'k'), 'pw', 'k'), 'malformed', /too short/);
  });
});
