import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type JavaKeystoreType,
  type JavaKeystoreWritableEntry,
  readJavaKeystore,
  writeJavaKeystore,
} from '../../../src/pki/jks.js';
import {
  fixture,
  KEY_PASSWORD,
  keytool,
  keytoolDay,
  NO_KEYTOOL,
  parseKeytoolList,
  runKeytool,
  STORE_PASSWORD,
  sha256Fingerprint,
  throwsPki,
} from './fixtures.js';

const WRONG = 'Keystore was tampered with, or password was incorrect';
const TYPES: JavaKeystoreType[] = ['JKS', 'JCEKS'];

/** Trusted certificates and RSA + EC key pairs with chains of 1, 2 and 3, as keytool made them. */
const source = readJavaKeystore(fixture('jks-mixed.jks'), STORE_PASSWORD, KEY_PASSWORD).entries.flatMap(
  (e): JavaKeystoreWritableEntry[] => (e.type === 'secretKey' ? [] : [e]),
);
const certs = source.flatMap((e) => (e.type === 'trustedCert' ? [e] : []));
const pairs = source.flatMap((e) => (e.type === 'privateKey' ? [e] : []));
const root = certs.find((e) => e.alias === 'jks test root')!.cert;

const dir = mkdtempSync(join(tmpdir(), 'oks-jks-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function save(bytes: Uint8Array, extension: string): string {
  const path = join(dir, `store-${++files}.${extension}`);
  writeFileSync(path, bytes);
  return path;
}

describe('writeJavaKeystore, read back', () => {
  for (const type of TYPES) {
    it(`${type}: gives the same entries, in order, with separate store and key passwords`, () => {
      const bytes = writeJavaKeystore(type, source, 'write-store', 'write-key');
      assert.equal(bytes.subarray(0, 8).toString('hex'), type === 'JKS' ? 'feedfeed00000002' : 'cececece00000002');
      assert.deepEqual(readJavaKeystore(bytes, 'write-store', 'write-key'), { type, entries: source });
      throwsPki(() => readJavaKeystore(bytes, 'write-key', 'write-key'), 'password', WRONG);
      throwsPki(() => readJavaKeystore(bytes, 'write-store'), 'password', WRONG);
    });
  }

  it('protects keys with the store password when no key password is given', () => {
    for (const type of TYPES) {
      assert.deepEqual(readJavaKeystore(writeJavaKeystore(type, pairs, 'one'), 'one').entries, pairs);
    }
  });

  it('writes with an empty password, which then opens it', () => {
    for (const type of TYPES) {
      const bytes = writeJavaKeystore(type, source, '');
      assert.deepEqual(readJavaKeystore(bytes, '').entries, source);
      throwsPki(() => readJavaKeystore(bytes, ' '), 'password', WRONG);
    }
  });

  it('keeps aliases Java writes in modified UTF-8: NUL, umlauts, emoji, a lone surrogate, 65 535 bytes', () => {
    const aliases = ['a\u0000b', 'zertifikat äöü', 'emoji 😀', 'lone \ud800', 'x'.repeat(65_535), 'ä'.repeat(32_767)];
    const entries = aliases.map((alias, i) => ({ type: 'trustedCert' as const, alias, date: new Date(i), cert: root }));
    assert.deepEqual(readJavaKeystore(writeJavaKeystore('JKS', entries, 'pw'), 'pw').entries, entries);
  });

  it('writes and reads a store of 10 000 certificates', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'trustedCert' as const,
      alias: `cert-${i}`,
      date: new Date(1_700_000_000_000 + i),
      cert: root,
    }));
    const bytes = writeJavaKeystore('JCEKS', entries, '');
    assert.ok(bytes.length > 10_000 * root.length);
    const back = readJavaKeystore(bytes, '');
    assert.equal(back.entries.length, 10_000);
    assert.deepEqual(back.entries[9_999], entries[9_999]);
    assert.deepEqual(back.entries, entries);
  });

  it('refuses what Java cannot store', () => {
    const cert = (alias: string, date = new Date(0)) => ({ type: 'trustedCert' as const, alias, date, cert: root });
    throwsPki(() => writeJavaKeystore('JKS', [cert('a'), cert('a')], 'pw'), 'unsupported', /"a" occurs more than once/);
    throwsPki(() => writeJavaKeystore('JKS', [cert('x'.repeat(65_536))], 'pw'), 'unsupported', /longer than Java/);
    throwsPki(() => writeJavaKeystore('JKS', [cert('ä'.repeat(32_768))], 'pw'), 'unsupported', /longer than Java/);
    throwsPki(() => writeJavaKeystore('JKS', [cert('a', new Date(Number.NaN))], 'pw'), 'unsupported', /valid date/);
    const pair = pairs[0]!;
    throwsPki(() => writeJavaKeystore('JKS', [{ ...pair, chain: [] }], 'pw'), 'unsupported', /no certificate/);
    throwsPki(() => writeJavaKeystore('JCEKS', [pair], 'pw', 'pässword'), 'unsupported', /printable ASCII/);
    throwsPki(() => writeJavaKeystore('PKCS12' as JavaKeystoreType, [], 'pw'), 'unsupported', /PKCS12/);
    const secret = { type: 'secretKey', alias: 's', date: new Date(0) } as unknown as JavaKeystoreWritableEntry;
    throwsPki(() => writeJavaKeystore('JCEKS', [secret], 'pw'), 'unsupported', /Only certificates and key pairs/);
  });

  it('refuses certificates and keys that are not DER', () => {
    const bad = { type: 'trustedCert' as const, alias: 'a', date: new Date(0), cert: Buffer.from('text') };
    throwsPki(
      () => writeJavaKeystore('JKS', [bad], 'pw'),
      'malformed',
      /^The certificate of the entry "a" is not DER$/,
    );
    const pair = pairs[0]!;
    throwsPki(() => writeJavaKeystore('JKS', [{ ...pair, pkcs8: root }], 'pw'), 'malformed', /PKCS#8/);
    throwsPki(
      () => writeJavaKeystore('JKS', [{ ...pair, chain: [root, bad.cert] }], 'pw'),
      'malformed',
      /^Certificate 2 of the chain/,
    );
  });
});

describe('writeJavaKeystore, read by keytool', { skip: keytool() === null ? NO_KEYTOOL : false }, () => {
  for (const type of TYPES) {
    it(`${type}: keytool -list -v shows every entry, date and certificate`, () => {
      const path = save(writeJavaKeystore(type, source, 'write-store', 'write-key'), type);
      const r = runKeytool(['-list', '-v', '-keystore', path, '-storetype', type, '-storepass', 'write-store']);
      assert.equal(r.status, 0, r.out);
      const listed = parseKeytoolList(r.out);
      assert.equal(listed.type, type);
      assert.equal(listed.count, source.length);
      for (const entry of source) {
        const shown = listed.entries.find((e) => e.alias === entry.alias);
        assert.ok(shown, `${entry.alias} missing in\n${r.out}`);
        assert.equal(shown.entryType, entry.type === 'privateKey' ? 'PrivateKeyEntry' : 'trustedCertEntry');
        assert.equal(shown.creationDate, keytoolDay(entry.date));
        const chain = entry.type === 'privateKey' ? entry.chain : [entry.cert];
        assert.deepEqual(shown.sha256, chain.map(sha256Fingerprint));
      }
    });

    it(`${type}: keytool -importkeystore decrypts every private key into PKCS#12`, () => {
      const path = save(writeJavaKeystore(type, source, 'write-store', 'write-key'), type);
      const p12 = `${path}.p12`;
      // keytool asks for each key's password on stdin when it differs from the store password.
      const r = runKeytool(
        ['-importkeystore', '-srckeystore', path, '-srcstoretype', type, '-srcstorepass', 'write-store'].concat([
          '-destkeystore',
          p12,
          '-deststoretype',
          'PKCS12',
          '-deststorepass',
          'dest-pass',
          '-noprompt',
        ]),
        'write-key\n'.repeat(pairs.length),
      );
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, new RegExp(`${source.length} entries successfully imported, 0 entries failed`));
      const openssl = spawnSync('openssl', ['pkcs12', '-in', p12, '-nocerts', '-nodes', '-passin', 'pass:dest-pass'], {
        encoding: 'utf8',
      });
      if (openssl.status !== 0) return; // no openssl: keytool's import alone has to do
      // Each key Java decrypted and re-encrypted is the key we protected.
      const exported = openssl.stdout.split(/(?=Bag Attributes)/).filter((b) => b.includes('PRIVATE KEY'));
      assert.equal(exported.length, pairs.length);
      for (const bag of exported) {
        const alias = /friendlyName: (.*)/.exec(bag)![1];
        const pem = bag.slice(bag.indexOf('-----BEGIN'));
        const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
        assert.deepEqual(new Uint8Array(der), pairs.find((p) => p.alias === alias)!.pkcs8, alias);
      }
    });
  }

  it('keytool refuses a written JKS key under a wrong key password, so the import above proves the right one', () => {
    const path = save(writeJavaKeystore('JKS', [pairs[1]!], 'write-store', 'write-key'), 'jks');
    const r = runKeytool(
      ['-importkeystore', '-srckeystore', path, '-srcstoretype', 'JKS', '-srcstorepass', 'write-store'].concat([
        '-destkeystore',
        `${path}.p12`,
        '-deststoretype',
        'PKCS12',
        '-deststorepass',
        'dest-pass',
      ]),
      'not-the-key-password\n',
    );
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /UnrecoverableKeyException: Cannot recover key/);
  });

  for (const type of TYPES) {
    it(`${type} with an empty password (D23): keytool verifies it with -storepass '' and warns without one`, () => {
      const path = save(writeJavaKeystore(type, certs, ''), type);
      const verified = runKeytool(['-list', '-keystore', path, '-storetype', type, '-storepass', '']);
      assert.equal(verified.status, 0, verified.out);
      assert.doesNotMatch(verified.out, /NOT been verified/);
      assert.equal(parseKeytoolList(verified.out).count, certs.length);

      // No password at all (an empty answer at the prompt): Java loads without checking the digest, and says so.
      const unverified = runKeytool(['-list', '-keystore', path, '-storetype', type], '\n');
      assert.equal(unverified.status, 0, unverified.out);
      assert.match(
        unverified.out,
        /The integrity of the information stored in your keystore\s+\*\s+\* has NOT been verified!/,
      );
      assert.equal(parseKeytoolList(unverified.out).count, certs.length);

      // The empty password is really checked: a store written with another one fails with it.
      const other = save(writeJavaKeystore(type, certs, 'x'), type);
      const refused = runKeytool(['-list', '-keystore', other, '-storetype', type, '-storepass', '']);
      assert.notEqual(refused.status, 0);
      assert.match(refused.out, /Keystore was tampered with, or password was incorrect/);
    });
  }
});
