import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { describeKey, keyMatchesCertificate, parsePrivateKey, privateKeyToPkcs8 } from '../../../src/pki/keys.js';
import { certificate, fixture, fixtureText, refused } from './helpers.js';

const rsaPkcs8 = privateKeyToPkcs8(parsePrivateKey(fixture('rsa.key.pem')));

function sameRsaKey(name: string, password?: string) {
  const key = parsePrivateKey(fixture(name), password);
  assert.equal(key.type, 'private');
  assert.deepEqual(privateKeyToPkcs8(key), rsaPkcs8, name);
}

describe('parsePrivateKey: the encodings openssl writes', () => {
  it('reads PKCS#8 PEM and DER', () => {
    sameRsaKey('rsa.key.pem');
    sameRsaKey('rsa.pkcs8.der');
  });

  it('reads PKCS#1 "RSA PRIVATE KEY" as PEM and DER', () => {
    assert.match(fixtureText('rsa.pkcs1.pem'), /^-----BEGIN RSA PRIVATE KEY-----/);
    sameRsaKey('rsa.pkcs1.pem');
    sameRsaKey('rsa.pkcs1.der');
  });

  it('reads encrypted PKCS#8 (PBES2/AES-256, and PKCS#12 3DES) with the password', () => {
    sameRsaKey('rsa.enc.pem', 'secret');
    sameRsaKey('rsa.enc.der', 'secret');
    sameRsaKey('rsa-3des.enc.pem', 'secret');
  });

  it('reads traditional OpenSSL encryption (Proc-Type, DEK-Info) with the password', () => {
    assert.match(fixtureText('rsa.pkcs1-enc.pem'), /Proc-Type: 4,ENCRYPTED/);
    sameRsaKey('rsa.pkcs1-enc.pem', 'secret');
  });

  it('reads the same key from a string', () => {
    assert.deepEqual(privateKeyToPkcs8(parsePrivateKey(fixtureText('rsa.pkcs1.pem'))), rsaPkcs8);
  });

  it('reads base64 of DER', () => {
    assert.deepEqual(
      privateKeyToPkcs8(parsePrivateKey(Buffer.from(fixture('rsa.pkcs8.der')).toString('base64'))),
      rsaPkcs8,
    );
  });

  it('reads SEC 1 "EC PRIVATE KEY" as PEM and DER, and PKCS#8 EC keys', () => {
    const pem = parsePrivateKey(fixture('ec256.sec1.pem'));
    const der = parsePrivateKey(fixture('ec256.sec1.der'));
    const pkcs8 = parsePrivateKey(fixture('ec256.pkcs8.pem'));
    assert.deepEqual(privateKeyToPkcs8(der), privateKeyToPkcs8(pem));
    assert.deepEqual(privateKeyToPkcs8(pkcs8), privateKeyToPkcs8(pem));
  });

  it('reads "DSA PRIVATE KEY" as PEM and DER, and PKCS#8 DSA keys', () => {
    const pem = parsePrivateKey(fixture('dsa.key.pem'));
    assert.equal(pem.asymmetricKeyType, 'dsa');
    assert.deepEqual(privateKeyToPkcs8(parsePrivateKey(fixture('dsa.key.der'))), privateKeyToPkcs8(pem));
    assert.deepEqual(privateKeyToPkcs8(parsePrivateKey(fixture('dsa.pkcs8.pem'))), privateKeyToPkcs8(pem));
  });

  it('reads Ed25519 keys', () => {
    assert.equal(parsePrivateKey(fixture('ed25519.key.pem')).asymmetricKeyType, 'ed25519');
  });

  it('skips PEM blocks that are not keys (EC PARAMETERS, a certificate) before the key', () => {
    const text = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${fixtureText('rsa.crt.pem')}${fixtureText('ec256.sec1.pem')}`;
    assert.equal(parsePrivateKey(text).asymmetricKeyType, 'ec');
  });
});

describe('parsePrivateKey: refusals', () => {
  it('an encrypted key without a password', () => {
    refused(
      () => parsePrivateKey(fixture('rsa.enc.pem')),
      'password',
      'The private key is encrypted and no password was given',
    );
    refused(() => parsePrivateKey(fixture('rsa.enc.der')), 'password');
    refused(() => parsePrivateKey(fixture('rsa.pkcs1-enc.pem')), 'password');
  });

  it('an encrypted key with a wrong password', () => {
    refused(
      () => parsePrivateKey(fixture('rsa.enc.pem'), 'wrong'),
      'password',
      'The password of the private key is incorrect',
    );
    refused(() => parsePrivateKey(fixture('rsa.pkcs1-enc.pem'), 'wrong'), 'password');
    refused(() => parsePrivateKey(fixture('rsa-3des.enc.pem'), 'wrong'), 'password');
  });

  it('RC2 encryption, which OpenSSL 3 keeps in its legacy provider', () => {
    refused(
      () => parsePrivateKey(fixture('rsa-rc2.enc.pem'), 'secret'),
      'unsupported',
      /unsupported scheme \(1\.2\.840\.113549\.1\.12\.1\.6\)/,
    );
  });

  it('key types that are not signature keys', () => {
    refused(
      () => parsePrivateKey(fixture('x25519.key.pem')),
      'unsupported',
      'X25519 keys are not supported; use RSA, DSA, EC, Ed25519 or Ed448',
    );
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    refused(() => parsePrivateKey(pss), 'unsupported', /^RSASSA-PSS keys are not supported/);
  });

  it('an OpenSSH key, with a pointer to the SSH import', () => {
    refused(() => parsePrivateKey(fixture('id_rsa')), 'unsupported', /OpenSSH private key/);
  });

  it('a certificate, garbage, empty input and broken key bytes', () => {
    refused(() => parsePrivateKey(fixture('rsa.crt.pem')), 'malformed', /found PEM "CERTIFICATE"/);
    refused(() => parsePrivateKey('hello world'), 'malformed', /^The input is not a private key/);
    refused(() => parsePrivateKey(new Uint8Array(0)), 'malformed', /the input is empty/);
    refused(() => parsePrivateKey(certificate('rsa.crt.pem')), 'malformed', /^The input is not a private key/);
    // PKCS#8 whose algorithm is not rsaEncryption but an unknown OID of the same length.
    const unknownAlgorithm = Buffer.from(fixture('rsa.pkcs8.der'));
    const oid = unknownAlgorithm.indexOf(Buffer.from('2a864886f70d010101', 'hex'));
    unknownAlgorithm[oid + 8] = 0x63;
    refused(() => parsePrivateKey(unknownAlgorithm), 'malformed', /^The private key cannot be read/);
    refused(() => parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n'), 'malformed', /no END line/);
  });
});

describe('keyMatchesCertificate', () => {
  it('matches each key with its own certificate only', () => {
    const pairs = [
      ['rsa.key.pem', 'rsa.crt.pem'],
      ['ec256.sec1.pem', 'ec256.crt.pem'],
      ['ec384.sec1.pem', 'ec384.crt.pem'],
      ['ed25519.key.pem', 'ed25519.crt.pem'],
      ['dsa.key.pem', 'dsa.crt.pem'],
      ['leaf.key.pem', 'leaf.pem'],
    ];
    for (const [keyName, certName] of pairs) {
      const key = parsePrivateKey(fixture(keyName!));
      for (const [, other] of pairs) {
        assert.equal(keyMatchesCertificate(key, certificate(other!)), other === certName, `${keyName} vs ${other}`);
      }
    }
  });

  it('takes the public key as well, and is false for bytes that are no certificate', () => {
    const key = parsePrivateKey(fixture('rsa.key.pem'));
    assert.ok(keyMatchesCertificate(createPublicKey(key), certificate('rsa.crt.pem')));
    assert.equal(keyMatchesCertificate(key, new Uint8Array([0x30, 0x00])), false);
  });
});

describe('describeKey', () => {
  it('gives the facts certificate.ts gives for the matching certificate', () => {
    for (const [keyName, certName] of [
      ['rsa.key.pem', 'rsa.crt.pem'],
      ['ec256.sec1.pem', 'ec256.crt.pem'],
      ['ec384.sec1.pem', 'ec384.crt.pem'],
      ['ed25519.key.pem', 'ed25519.crt.pem'],
      ['dsa.key.pem', 'dsa.crt.pem'],
    ] as const) {
      const facts = parseCertificate(certificate(certName));
      const described = describeKey(parsePrivateKey(fixture(keyName)));
      assert.deepEqual(described, { keyType: facts.keyType, keySize: facts.keySize, curve: facts.curve }, keyName);
    }
  });

  it('names curves as Java does', () => {
    assert.deepEqual(describeKey(parsePrivateKey(fixture('ec256.sec1.pem'))), {
      keyType: 'EC',
      keySize: 256,
      curve: 'secp256r1',
    });
    const p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey;
    assert.deepEqual(describeKey(p521), { keyType: 'EC', keySize: 521, curve: 'secp521r1' });
    const brainpool = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey;
    assert.deepEqual(describeKey(brainpool), { keyType: 'EC', keySize: 256, curve: 'brainpoolP256r1' });
  });

  it('refuses key types SAP has no name for', () => {
    refused(() => describeKey(createPrivateKey(fixture('x25519.key.pem') as unknown as string)), 'unsupported');
  });
});

describe('privateKeyToPkcs8', () => {
  it('writes PKCS#8 that OpenSSL reads back to the same key', () => {
    const key = parsePrivateKey(fixture('ec384.sec1.pem'));
    const der = privateKeyToPkcs8(key);
    assert.equal(der[0], 0x30);
    assert.ok(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).equals(key));
  });

  it('refuses a public key', () => {
    refused(() => privateKeyToPkcs8(createPublicKey(parsePrivateKey(fixture('rsa.key.pem')))), 'unsupported');
  });
});
