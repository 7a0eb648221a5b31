import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { describeKey, keyMatchesCertificate, parsePrivateKey, privateKeyToPkcs8 } from '../../../src/pki/keys.js';
import { readPkcs12, WRONG_PASSWORD, writePkcs12 } from '../../../src/pki/pkcs12.js';
import { certificate, fixture, missing, refused, run, runOk } from './helpers.js';

const leaf = certificate('leaf.pem');
const inter = certificate('inter.pem');
const root = certificate('root.pem');
const leafKey = parsePrivateKey(fixture('leaf.key.pem'));

function readsLeafEntry(name: string, password: string, chain: Uint8Array[], alias = 'my leaf') {
  const entries = readPkcs12(fixture(name), password);
  assert.equal(entries.length, 1, name);
  const [entry] = entries;
  assert.equal(entry!.alias, alias);
  assert.deepEqual(privateKeyToPkcs8(entry!.key), privateKeyToPkcs8(leafKey), name);
  assert.deepEqual(entry!.chain, chain, name);
}

describe('readPkcs12: files written by openssl', () => {
  it('reads the OpenSSL 3 default (PBES2 AES-256-CBC, SHA-256 MAC) with the chain leaf first', () => {
    readsLeafEntry('leaf.p12', 'secret', [leaf, inter, root]);
  });

  it('reads `-legacy` files (RC2-40 certificates, 3DES key, SHA-1 MAC)', () => {
    readsLeafEntry('leaf-legacy.p12', 'secret', [leaf, inter, root]);
  });

  it('reads files without a MAC and without encryption', () => {
    readsLeafEntry('leaf-nomac.p12', 'secret', [leaf, inter, root]);
    readsLeafEntry('leaf-noenc.p12', 'secret', [leaf]);
  });

  it('reads a file with an empty password', () => {
    readsLeafEntry('leaf-emptypass.p12', '', [leaf], 'empty password');
  });

  it('reads EC, Ed25519 and DSA keys', () => {
    for (const [file, cert, type] of [
      ['ec256.p12', 'ec256.crt.pem', 'EC'],
      ['ed25519.p12', 'ed25519.crt.pem', 'Ed25519'],
      ['dsa.p12', 'dsa.crt.pem', 'DSA'],
    ] as const) {
      const [entry] = readPkcs12(fixture(file), 'secret');
      assert.equal(describeKey(entry!.key).keyType, type);
      assert.deepEqual(entry!.chain, [certificate(cert)]);
    }
  });
});

describe('readPkcs12: files written by keytool (Java 17)', () => {
  for (const file of ['keytool.p12', 'keytool-legacy.p12']) {
    it(`reads both key entries of ${file} in file order, and skips the trusted certificate`, () => {
      const entries = readPkcs12(fixture(file), 'secret');
      assert.deepEqual(
        entries.map((e) => e.alias),
        ['rsa-entry', 'ec-entry'],
      );
      assert.deepEqual(describeKey(entries[0]!.key), { keyType: 'RSA', keySize: 2048, curve: null });
      assert.deepEqual(describeKey(entries[1]!.key), { keyType: 'EC', keySize: 384, curve: 'secp384r1' });
      for (const entry of entries) {
        assert.equal(entry.chain.length, 1);
        assert.ok(keyMatchesCertificate(entry.key, entry.chain[0]!));
      }
    });
  }
});

describe('readPkcs12: refusals', () => {
  it(`a wrong password: "${WRONG_PASSWORD}", as keytool says`, () => {
    for (const file of ['leaf.p12', 'leaf-legacy.p12', 'keytool.p12', 'keytool-legacy.p12', 'leaf-nomac.p12']) {
      refused(
        () => readPkcs12(fixture(file), 'wrong'),
        'password',
        'Keystore was tampered with, or password was incorrect',
      );
    }
    refused(() => readPkcs12(fixture('leaf-emptypass.p12'), 'secret'), 'password', WRONG_PASSWORD);
  });

  it('a changed byte fails the MAC with the same text', () => {
    const tampered = Buffer.from(fixture('leaf.p12'));
    const at = tampered.length - 200;
    tampered[at] = tampered[at]! ^ 0x01;
    refused(() => readPkcs12(tampered, 'secret'), 'password', WRONG_PASSWORD);
  });

  it('bytes that are not PKCS#12', () => {
    refused(() => readPkcs12(fixture('leaf.pem'), 'secret'), 'not-pkcs12', 'The input is not a PKCS#12 keystore');
    refused(() => readPkcs12(leaf, 'secret'), 'not-pkcs12');
    refused(() => readPkcs12(fixture('rsa.pkcs8.der'), 'secret'), 'not-pkcs12');
    refused(() => readPkcs12(fixture('chain.p7b'), 'secret'), 'not-pkcs12');
    refused(() => readPkcs12(new Uint8Array(0), 'secret'), 'not-pkcs12');
    refused(() => readPkcs12(randomBytes(100), 'secret'), 'not-pkcs12');
    const jks = Buffer.from('feedfeed0000000200000000', 'hex');
    refused(() => readPkcs12(jks, 'secret'), 'not-pkcs12', 'The input is not a PKCS#12 keystore: it is a JKS keystore');
  });

  it('a truncated file is PKCS#12 that cannot be read', () => {
    refused(() => readPkcs12(fixture('leaf.p12').subarray(0, 500), 'secret'), 'malformed', /truncated/);
  });

  it('a truststore without a private key', () => {
    refused(
      () => readPkcs12(fixture('certs-only.p12'), 'secret'),
      'malformed',
      /contains no private key, only certificates/,
    );
  });
});

describe('writePkcs12', () => {
  const ecKey = parsePrivateKey(fixture('ec256.sec1.pem'));
  const ecCert = certificate('ec256.crt.pem');
  const entries = [
    { alias: 'leaf', key: leafKey, chain: [leaf, inter, root] },
    { alias: 'ec key', key: ecKey, chain: [ecCert] },
    { alias: 'the root', cert: root },
  ];

  it('reads back: key entries with their chains and aliases', () => {
    const back = readPkcs12(writePkcs12(entries, 'x'), 'x');
    assert.deepEqual(
      back.map((e) => [e.alias, e.chain]),
      [
        ['leaf', [leaf, inter, root]],
        ['ec key', [ecCert]],
      ],
    );
    assert.deepEqual(privateKeyToPkcs8(back[0]!.key), privateKeyToPkcs8(leafKey));
    assert.deepEqual(privateKeyToPkcs8(back[1]!.key), privateKeyToPkcs8(ecKey));
    refused(() => readPkcs12(writePkcs12(entries, 'x'), 'y'), 'password', WRONG_PASSWORD);
  });

  it('keeps non-ASCII aliases and passwords', () => {
    const back = readPkcs12(
      writePkcs12([{ alias: 'Schlüssel 🔑', key: ecKey, chain: [ecCert] }], 'pässwörd'),
      'pässwörd',
    );
    assert.equal(back[0]!.alias, 'Schlüssel 🔑');
  });

  it('is opened by `openssl pkcs12 -info` with AES-256/PBKDF2-SHA256 and a SHA-256 MAC', {
    skip: missing('openssl'),
  }, () => {
    const out = runOk('openssl', ['pkcs12', '-info', '-nokeys', '-passin', 'pass:x', '-in', 'ks.p12'], {
      'ks.p12': writePkcs12(entries, 'x'),
    });
    assert.match(out, /MAC: sha256, Iteration 10000/);
    assert.match(out, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
    assert.match(out, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
    for (const alias of ['leaf', 'ec key', 'the root']) assert.match(out, new RegExp(`friendlyName: ${alias}\\n`));
    // The root once: as the trusted entry, which also completes the leaf's chain.
    assert.equal(out.match(/-----BEGIN CERTIFICATE-----/g)?.length, 4);
    const wrong = run('openssl', ['pkcs12', '-info', '-nokeys', '-passin', 'pass:y', '-in', 'ks.p12'], {
      'ks.p12': writePkcs12(entries, 'x'),
    });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /Mac verify error: invalid password\?/);
  });

  it('gives openssl the same private keys', { skip: missing('openssl') }, () => {
    const out = runOk('openssl', ['pkcs12', '-nocerts', '-nodes', '-passin', 'pass:x', '-in', 'ks.p12'], {
      'ks.p12': writePkcs12([{ alias: 'leaf', key: leafKey, chain: [leaf] }], 'x'),
    });
    const pem = out.slice(out.indexOf('-----BEGIN PRIVATE KEY-----'));
    assert.deepEqual(privateKeyToPkcs8(parsePrivateKey(pem)), privateKeyToPkcs8(leafKey));
  });

  it('is listed by `keytool -list -storetype PKCS12`: key entries with chains, and a trustedCertEntry', {
    skip: missing('keytool'),
  }, () => {
    const files = { 'ks.p12': writePkcs12(entries, 'secret') };
    const out = runOk(
      'keytool',
      ['-list', '-v', '-storetype', 'PKCS12', '-keystore', 'ks.p12', '-storepass', 'secret'],
      files,
    );
    assert.match(out, /Your keystore contains 3 entries/);
    const blocks = out.split(/\*{40,}/).filter((b) => b.includes('Alias name:'));
    const byAlias = new Map(blocks.map((b) => [/Alias name: (.*)/.exec(b)![1], b]));
    assert.match(byAlias.get('leaf')!, /Entry type: PrivateKeyEntry\n.*Certificate chain length: 3/s);
    assert.match(byAlias.get('leaf')!, /Owner: CN=leaf\.example\.com, O=openkeystore tests, C=DE/);
    assert.match(byAlias.get('ec key')!, /Entry type: PrivateKeyEntry\nCertificate chain length: 1/);
    assert.match(byAlias.get('the root')!, /Entry type: trustedCertEntry/);
    const wrong = run(
      'keytool',
      ['-list', '-storetype', 'PKCS12', '-keystore', 'ks.p12', '-storepass', 'wrongpw'],
      files,
    );
    assert.notEqual(wrong.status, 0);
    // keytool words it so for PKCS12 ("Keystore was tampered with, …" is its JKS text, which SAP uses for both).
    assert.match(wrong.stdout + wrong.stderr, /keystore password was incorrect/);
  });

  it('lets keytool copy every entry into a JKS store, which needs the decrypted keys', {
    skip: missing('keytool'),
  }, () => {
    const out = runOk(
      'keytool',
      [
        '-J-Duser.language=en',
        '-importkeystore',
        '-srckeystore',
        'ks.p12',
        '-srcstoretype',
        'PKCS12',
        '-srcstorepass',
        'secret',
        '-destkeystore',
        'copy.jks',
        '-deststoretype',
        'JKS',
        '-deststorepass',
        'secret',
      ],
      { 'ks.p12': writePkcs12(entries, 'secret') },
    );
    assert.match(out, /Import command completed: {2}3 entries successfully imported, 0 entries failed or cancelled/);
  });

  it('refuses duplicate aliases (Java treats them case-insensitively), foreign keys and empty chains', () => {
    refused(
      () =>
        writePkcs12(
          [
            { alias: 'A', cert: root },
            { alias: 'a', cert: inter },
          ],
          'x',
        ),
      'malformed',
      'The alias "a" occurs more than once',
    );
    refused(
      () => writePkcs12([{ alias: 'k', key: ecKey, chain: [leaf] }], 'x'),
      'malformed',
      /does not belong to its private key/,
    );
    refused(() => writePkcs12([{ alias: 'k', key: ecKey, chain: [] }], 'x'), 'malformed', /has no certificate/);
    refused(
      () => writePkcs12([{ alias: 'c', cert: new Uint8Array([1, 2, 3]) }], 'x'),
      'malformed',
      /not a DER X\.509 certificate/,
    );
  });
});
