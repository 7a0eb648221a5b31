import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import { detectJavaKeystore, type JavaKeystoreEntry, readJavaKeystore, WRONG_PASSWORD } from '../../../src/pki/jks.js';
import {
  buildStore,
  fixture,
  fixtureText,
  int32,
  int64,
  JCEKS,
  JKS,
  KEY_PASSWORD,
  keytoolDay,
  parseKeytoolList,
  STORE_PASSWORD,
  sha256Fingerprint,
  throwsPki,
  utf,
} from './fixtures.js';

const STORES = ['jks-mixed.jks', 'jceks-mixed.jceks', 'jceks-secret.jceks'] as const;
const NOT_KEYSTORE = 'The resource is neither a JKS nor a JCEKS keystore';

const read = (name: string) => readJavaKeystore(fixture(name), STORE_PASSWORD, KEY_PASSWORD);
const der = (cert: Uint8Array) => new X509Certificate(cert);
const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' });

/** The test root's certificate, for hand-built stores. */
const rootCert = (() => {
  const root = read('jks-mixed.jks').entries.find((e) => e.alias === 'jks test root');
  assert.ok(root?.type === 'trustedCert');
  return Buffer.from(root.cert);
})();

/** A PBEWithMD5AndTripleDES EncryptedPrivateKeyInfo with `iterations` and 8 bytes that are no key. */
function pbeKey(iterations: number): Buffer {
  const count = Buffer.concat([Buffer.from('0204', 'hex'), int32(iterations)]);
  const parameters = Buffer.concat([Buffer.from('30100408', 'hex'), Buffer.alloc(8, 1), count]);
  const algorithm = Buffer.concat([Buffer.from('301d06092b060104012a021301', 'hex'), parameters]);
  return Buffer.concat([Buffer.from('3029', 'hex'), algorithm, Buffer.from('0408', 'hex'), Buffer.alloc(8, 7)]);
}

function trustedEntry(alias: string, date: bigint, cert: Uint8Array, version = 2): Buffer {
  return Buffer.concat([
    int32(2),
    utf(alias),
    int64(date),
    ...(version === 2 ? [utf('X.509')] : []),
    int32(cert.length),
    cert,
  ]);
}

describe('readJavaKeystore on stores keytool made', () => {
  for (const name of STORES) {
    it(`${name}: every entry as keytool -list -v shows it`, () => {
      const listed = parseKeytoolList(fixtureText(`${name}.list.txt`));
      const { type, entries } = read(name);
      assert.equal(type, listed.type);
      assert.equal(entries.length, listed.count);
      assert.deepEqual(entries.map((e) => e.alias).sort(), listed.entries.map((e) => e.alias).sort());
      const kinds = { privateKey: 'PrivateKeyEntry', trustedCert: 'trustedCertEntry', secretKey: 'SecretKeyEntry' };
      for (const entry of entries) {
        const expected = listed.entries.find((e) => e.alias === entry.alias)!;
        assert.equal(kinds[entry.type], expected.entryType, entry.alias);
        assert.equal(keytoolDay(entry.date), expected.creationDate, entry.alias);
        const certs = entry.type === 'privateKey' ? entry.chain : entry.type === 'trustedCert' ? [entry.cert] : [];
        assert.deepEqual(certs.map(sha256Fingerprint), expected.sha256, entry.alias);
        for (const cert of certs) assert.equal(Object.getPrototypeOf(cert), Uint8Array.prototype);
      }
    });
  }

  it('decrypts each private key, and it belongs to the first certificate of its chain', () => {
    const types: Record<string, string> = { 'rsa-leaf': 'rsa', 'ec-leaf': 'ec', 'ec-self': 'ec' };
    for (const name of STORES) {
      for (const entry of read(name).entries) {
        if (entry.type !== 'privateKey') continue;
        const key = createPrivateKey({ key: Buffer.from(entry.pkcs8), format: 'der', type: 'pkcs8' });
        assert.equal(key.asymmetricKeyType, types[entry.alias], `${name} ${entry.alias}`);
        assert.deepEqual(spki(createPublicKey(key)), spki(der(entry.chain[0]!).publicKey), `${name} ${entry.alias}`);
        assert.deepEqual(Buffer.from(entry.pkcs8), key.export({ type: 'pkcs8', format: 'der' }));
      }
    }
  });

  it('keeps chains leaf first, each certificate signed by the next', () => {
    const chains = read('jks-mixed.jks').entries.flatMap((e) => (e.type === 'privateKey' ? [e] : []));
    const lengths = Object.fromEntries(chains.map((e) => [e.alias, e.chain.length]));
    assert.deepEqual(lengths, { 'rsa-leaf': 2, 'ec-leaf': 3, 'ec-self': 1 });
    for (const { chain } of chains) {
      chain.forEach((cert, i) => {
        const issuer = der(chain[i + 1] ?? cert);
        assert.ok(der(cert).verify(issuer.publicKey));
      });
    }
  });

  it('reads aliases in modified UTF-8: umlauts, and an emoji as two 3-byte surrogates', () => {
    const aliases = read('jks-mixed.jks').entries.map((e) => e.alias);
    assert.ok(aliases.includes('zwischen-zertifikat äöü 😀'));
  });

  it('walks past serialized secret keys to the entries behind them', () => {
    const entries = read('jceks-secret.jceks').entries;
    const secret = entries.filter((e) => e.type === 'secretKey').map((e) => e.alias);
    assert.deepEqual(secret.sort(), ['aes-key', 'hmac-key', 'stored-pass']);
    // Hashtable order put a key pair after the secret keys, so each of them was skipped exactly.
    const firstSecret = entries.findIndex((e) => e.type === 'secretKey');
    assert.ok(entries.slice(firstSecret).some((e) => e.type !== 'secretKey'));
    for (const e of entries) assert.ok(!('pkcs8' in e) || e.type === 'privateKey');
  });

  it('refuses a wrong store password with Java’s message', () => {
    for (const name of STORES) {
      throwsPki(() => readJavaKeystore(fixture(name), 'store-pass-2', KEY_PASSWORD), 'password', WRONG_PASSWORD);
      throwsPki(() => readJavaKeystore(fixture(name), '', KEY_PASSWORD), 'password', WRONG_PASSWORD);
    }
    assert.equal(WRONG_PASSWORD, 'Keystore was tampered with, or password was incorrect');
  });

  it('refuses a wrong key password, or the store password for keys with their own, with the same error', () => {
    for (const name of STORES) {
      throwsPki(() => readJavaKeystore(fixture(name), STORE_PASSWORD, 'key-pass-3'), 'password', WRONG_PASSWORD);
      throwsPki(() => readJavaKeystore(fixture(name), STORE_PASSWORD), 'password', WRONG_PASSWORD);
    }
  });
});

describe('detectJavaKeystore', () => {
  it('knows the two magic numbers and nothing else', () => {
    assert.equal(detectJavaKeystore(fixture('jks-mixed.jks')), 'JKS');
    assert.equal(detectJavaKeystore(fixture('jceks-mixed.jceks')), 'JCEKS');
    assert.equal(detectJavaKeystore(new Uint8Array([0xfe, 0xed, 0xfe])), null);
    assert.equal(detectJavaKeystore(new Uint8Array([0x30, 0x82, 0x01, 0x00])), null);
    assert.equal(detectJavaKeystore(new Uint8Array(0)), null);
  });
});

describe('readJavaKeystore on broken input', () => {
  it('refuses what is not a keystore', () => {
    for (const input of [new Uint8Array(0), new Uint8Array([0xfe, 0xed, 0xfe]), rootCert, Buffer.from('hello')]) {
      throwsPki(() => readJavaKeystore(input, STORE_PASSWORD), 'not-keystore', NOT_KEYSTORE);
    }
  });

  it('gives only PkiError for every 97th truncation', () => {
    for (const name of STORES) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.length; length += 97) {
        throwsPki(
          () => readJavaKeystore(bytes.subarray(0, length), STORE_PASSWORD, KEY_PASSWORD),
          length < 4 ? 'not-keystore' : 'malformed',
        );
      }
    }
  });

  it('gives only PkiError when any byte of a store with secret keys is changed', () => {
    const bytes = fixture('jceks-secret.jceks');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Uint8Array.from(bytes);
      changed[i] = bytes[i]! ^ (i % 2 === 0 ? 0xff : 0x01);
      assert.throws(
        () => readJavaKeystore(changed, STORE_PASSWORD, KEY_PASSWORD),
        (e) => e instanceof PkiError,
        `byte ${i}`,
      );
    }
  });

  it('gives only PkiError for every 97th byte changed in the other stores', () => {
    for (const name of STORES) {
      const bytes = fixture(name);
      for (let i = 0; i < bytes.length; i += 97) {
        const changed = Uint8Array.from(bytes);
        changed[i] = bytes[i]! ^ 0xff;
        assert.throws(
          () => readJavaKeystore(changed, STORE_PASSWORD, KEY_PASSWORD),
          (e) => e instanceof PkiError,
        );
      }
    }
  });

  it('checks lengths and counts before using them', () => {
    const header = (count: number) => Buffer.concat([int32(JKS | 0), int32(2), int32(count)]);
    const cases: [string, Uint8Array][] = [
      ['huge count', header(0x7fffffff)],
      ['negative count', buildStore(JKS, 2, -1, [], 'pw')],
      ['huge certificate', Buffer.concat([header(1), int32(2), utf('a'), int64(0n), utf('X.509'), int32(0x7fffffff)])],
      ['negative certificate', buildStore(JKS, 2, 1, [int32(2), utf('a'), int64(0n), utf('X.509'), int32(-5)], 'pw')],
      ['huge key', Buffer.concat([header(1), int32(1), utf('a'), int64(0n), int32(0x7ffffff0)])],
      ['huge alias', Buffer.concat([header(1), int32(2), Buffer.from([0xff, 0xff]), Buffer.alloc(100)])],
      ['huge chain', Buffer.concat([header(1), int32(1), utf('a'), int64(0n), int32(0), int32(0x7fffffff)])],
    ];
    for (const [what, input] of cases) {
      assert.throws(
        () => readJavaKeystore(input, 'pw'),
        (e) => e instanceof PkiError && e.code === 'malformed',
        what,
      );
    }
  });

  it('refuses unknown versions and tags, secret keys in JKS, and dates JavaScript cannot hold', () => {
    const entry = trustedEntry('a', 0n, rootCert);
    throwsPki(() => readJavaKeystore(buildStore(JKS, 3, 1, [entry], 'pw'), 'pw'), 'malformed', /version 3/);
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [int32(4)], 'pw'), 'pw'), 'malformed', /tag 4/);
    const secret = Buffer.concat([int32(3), utf('s'), int64(0n)]);
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [secret], 'pw'), 'pw'), 'malformed', /tag 3/);
    const late = trustedEntry('a', 9_000_000_000_000_000n, rootCert);
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [late], 'pw'), 'pw'), 'malformed', /date/);
  });

  it('refuses a certificate that is not X.509, and bytes that are not DER', () => {
    const pgp = Buffer.concat([int32(2), utf('a'), int64(0n), utf('PGP'), int32(rootCert.length), rootCert]);
    throwsPki(() => readJavaKeystore(buildStore(JCEKS, 2, 1, [pgp], 'pw'), 'pw'), 'unsupported', /"PGP"/);
    const garbage = trustedEntry('a', 0n, Buffer.from('not a certificate'));
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [garbage], 'pw'), 'pw'), 'malformed', /DER/);
    const trailing = trustedEntry('a', 0n, Buffer.concat([rootCert, Buffer.from([0])]));
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [trailing], 'pw'), 'pw'), 'malformed', /DER/);
  });

  it('refuses an alias that is not modified UTF-8', () => {
    const entry = Buffer.concat([int32(2), Buffer.from([0, 2, 0xc3, 0x28])]);
    throwsPki(() => readJavaKeystore(buildStore(JKS, 2, 1, [entry], 'pw'), 'pw'), 'malformed', /UTF-8/);
  });

  it('refuses keys protected in ways Java does not use, or with more rounds than it allows', () => {
    const keyEntry = (epki: Uint8Array, alias = 'k') =>
      Buffer.concat([int32(1), utf(alias), int64(0n), int32(epki.length), epki, int32(0)]);
    const store = (...epkis: Uint8Array[]) =>
      buildStore(
        JCEKS,
        2,
        epkis.length,
        epkis.map((k, i) => keyEntry(k, `k${i}`)),
        'pw',
      );
    // PBES2 (1.2.840.113549.1.5.13) is what PKCS#12 uses; JKS and JCEKS never do.
    const pbes2 = Buffer.from('300f300b06092a864886f70d01050d0400', 'hex');
    throwsPki(() => readJavaKeystore(store(pbes2), 'pw'), 'unsupported', /1\.2\.840\.113549\.1\.5\.13/);
    throwsPki(() => readJavaKeystore(store(Buffer.from('3000', 'hex')), 'pw'), 'malformed', /EncryptedPrivateKeyInfo/);
    throwsPki(() => readJavaKeystore(store(pbeKey(5_000_001)), 'pw'), 'unsupported', /more PBE rounds than Java/);
    throwsPki(() => readJavaKeystore(store(pbeKey(0)), 'pw'), 'malformed', /no positive iteration count/);
    // Five keys at 4 500 000 rounds pass Java's limit one by one but not the budget, and are refused before any work.
    const costly = pbeKey(4_500_000);
    throwsPki(() => readJavaKeystore(store(costly, costly, costly, costly, costly), 'pw'), 'unsupported', /PBE rounds/);
    const badSalt = Buffer.from('301e301606092b060104012a02130130090404deadbeef0201010404deadbeef', 'hex');
    throwsPki(() => readJavaKeystore(store(badSalt), 'pw'), 'malformed', /salt/);
  });

  it('reads version 1 stores, which name no certificate type', () => {
    const store = buildStore(JKS, 1, 1, [trustedEntry('v1', 1_700_000_000_000n, rootCert, 1)], 'pw');
    const { type, entries } = readJavaKeystore(store, 'pw');
    assert.equal(type, 'JKS');
    assert.deepEqual(entries, [
      { type: 'trustedCert', alias: 'v1', date: new Date(1_700_000_000_000), cert: new Uint8Array(rootCert) },
    ]);
  });

  it('lets a later entry replace an earlier one with the same alias, as Java’s Hashtable does', () => {
    const store = buildStore(JKS, 2, 2, [trustedEntry('dup', 1n, rootCert), trustedEntry('dup', 2n, rootCert)], 'pw');
    const { entries } = readJavaKeystore(store, 'pw');
    assert.deepEqual(
      entries.map((e: JavaKeystoreEntry) => [e.alias, e.date.getTime()]),
      [['dup', 2]],
    );
  });

  it('ignores bytes after the digest, as Java does', () => {
    const store = buildStore(JKS, 2, 1, [trustedEntry('a', 0n, rootCert)], 'pw');
    const { entries } = readJavaKeystore(Buffer.concat([store, Buffer.from('trailing')]), 'pw');
    assert.equal(entries.length, 1);
  });

  it('decodes NUL written as C0 80, and a raw 0 byte, in aliases', () => {
    const alias = Buffer.from([0, 4, 0x61, 0xc0, 0x80, 0x00]);
    const entry = Buffer.concat([int32(2), alias, int64(0n), utf('X.509'), int32(rootCert.length), rootCert]);
    const { entries } = readJavaKeystore(buildStore(JKS, 2, 1, [entry], 'pw'), 'pw');
    assert.equal(entries[0]!.alias, 'a\u0000\u0000');
  });
});
