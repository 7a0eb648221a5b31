import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSignedBy, parseCertificate } from '../../../src/pki/certificate.js';
import { PkiError } from '../../../src/pki/errors.js';
import { readCertificates } from '../../../src/pki/sniff.js';
import { fixture } from './fixtures.js';

const der = (name: string) => readCertificates(fixture(name))[0]!;
const root = der('rsa-root.pem');
const leaf = der('ec-leaf.pem');

function malformed(input: Uint8Array) {
  assert.throws(
    () => parseCertificate(input),
    (e: unknown) => e instanceof PkiError && e.code === 'malformed' && e.message.startsWith('The certificate cannot'),
  );
}

describe('parseCertificate', () => {
  it('gives every fact of the test root', () => {
    const facts = parseCertificate(root);
    const node = new X509Certificate(root);
    assert.equal(facts.subjectDn, 'CN=Test Root CA, O=openkeystore tests, C=DE');
    assert.equal(facts.issuerDn, 'CN=Test Root CA, O=openkeystore tests, C=DE');
    assert.equal(facts.serial, '0x11F11');
    assert.equal(facts.keyType, 'RSA');
    assert.equal(facts.keySize, 2048);
    assert.equal(facts.curve, null);
    assert.equal(facts.signatureAlgorithm, 'SHA256withRSA');
    assert.equal(facts.version, 3);
    assert.equal(facts.selfIssued, true);
    assert.equal(facts.sha1, node.fingerprint);
    assert.equal(facts.sha256, node.fingerprint256);
    assert.equal(facts.sha512, node.fingerprint512);
    assert.match(facts.sha512, /^([0-9A-F]{2}:){63}[0-9A-F]{2}$/);
    assert.equal(facts.notBefore.getTime(), Date.parse(node.validFrom));
    assert.equal(facts.notAfter.getTime(), Date.parse(node.validTo));
    assert.deepEqual(Buffer.from(facts.subjectKeyDer), node.publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('reads a version 1 certificate whose serial needs a leading zero byte', () => {
    const facts = parseCertificate(leaf);
    assert.equal(facts.version, 1);
    assert.equal(facts.serial, '0x8000000000000001');
    assert.equal(facts.selfIssued, false);
    assert.equal(facts.issuerDn, 'CN=Test Root CA, O=openkeystore tests, C=DE');
    assert.deepEqual([facts.keyType, facts.keySize, facts.curve], ['EC', 256, 'secp256r1']);
  });

  it('writes serials as 0x + uppercase hex without leading zeros, negative ones with a minus sign', () => {
    assert.equal(parseCertificate(der('serial-zero.pem')).serial, '0x0');
    assert.equal(parseCertificate(der('serial-negative.pem')).serial, '-0x4D2');
    assert.equal(parseCertificate(der('serial-long.pem')).serial, '0xFF00112233445566778899AABBCCDDEEFF0011');
  });

  it('names key types, sizes and curves as Java does', () => {
    const facts = (name: string) => {
      const f = parseCertificate(der(name));
      return [f.keyType, f.keySize, f.curve, f.signatureAlgorithm];
    };
    assert.deepEqual(facts('ec-p384.pem'), ['EC', 384, 'secp384r1', 'SHA384withECDSA']);
    assert.deepEqual(facts('ec-p521.pem'), ['EC', 521, 'secp521r1', 'SHA512withECDSA']);
    assert.deepEqual(facts('ec-p224.pem'), ['EC', 224, 'secp224r1', 'SHA224withECDSA']);
    assert.deepEqual(facts('ec-secp256k1.pem'), ['EC', 256, 'secp256k1', 'SHA256withECDSA']);
    assert.deepEqual(facts('ec-brainpool.pem'), ['EC', 256, 'brainpoolP256r1', 'SHA256withECDSA']);
    // Java refuses explicit parameters; OpenSSL recognises them as P-256.
    assert.deepEqual(facts('ec-explicit.pem'), ['EC', 256, 'secp256r1', 'SHA256withECDSA']);
    assert.deepEqual(facts('dsa.pem'), ['DSA', 2048, null, 'SHA256withDSA']);
    assert.deepEqual(facts('ed25519.pem'), ['Ed25519', 255, null, 'Ed25519']);
    assert.deepEqual(facts('ed448.pem'), ['Ed448', 448, null, 'Ed448']);
    assert.deepEqual(facts('rsa-pss-key.pem'), ['RSASSA-PSS', 2048, null, 'RSASSA-PSS']);
    assert.deepEqual(facts('rsa-pss-sig.pem'), ['RSA', 2048, null, 'RSASSA-PSS']);
    assert.deepEqual(facts('rsa-md5.pem'), ['RSA', 2048, null, 'MD5withRSA']);
    assert.deepEqual(facts('rsa-3072.pem'), ['RSA', 3072, null, 'SHA384withRSA']);
  });

  it('reads an empty subject and issuer, which Java refuses', () => {
    const facts = parseCertificate(der('names-empty.pem'));
    assert.equal(facts.subjectDn, '');
    assert.equal(facts.issuerDn, '');
    assert.equal(facts.selfIssued, true);
  });

  it('reads UTCTime without seconds and GeneralizedTime with a fraction', () => {
    const facts = parseCertificate(der('odd-times.pem'));
    assert.equal(facts.notBefore.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(facts.notAfter.toISOString(), '2099-12-31T23:59:59.500Z');
  });

  it('refuses what is not a certificate with code malformed', () => {
    malformed(fixture('crl.der'));
    malformed(fixture('leaf.csr.der'));
    malformed(root.subarray(0, root.length - 1));
    malformed(new Uint8Array([...root, 0]));
    malformed(new Uint8Array(0));
    malformed(new Uint8Array([0x30, 0x00]));
    malformed(new Uint8Array(randomBytes(512)));
  });

  it('throws nothing but PkiError on 3000 corrupted certificates', () => {
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const corrupt = new Uint8Array(i % 2 === 0 ? root : leaf);
      for (let flips = 1 + (i % 3); flips > 0; flips--) {
        const at = (i * 7919 + flips * 104729) % corrupt.length;
        corrupt[at] = corrupt[at]! ^ (1 << (i % 8));
      }
      try {
        parseCertificate(corrupt);
        parsed++;
      } catch (e) {
        assert.ok(e instanceof PkiError, `iteration ${i}: ${String(e)}`);
      }
    }
    assert.ok(parsed > 0, 'most single-bit flips hit the signature or key and still parse');
  });
});

describe('isSignedBy', () => {
  it('recognises the issuer of a certificate and a self-signed root', () => {
    assert.equal(isSignedBy(leaf, root), true);
    assert.equal(isSignedBy(root, root), true);
    assert.equal(isSignedBy(der('names-odd-strings.pem'), der('names-odd-strings.pem')), true);
    assert.equal(isSignedBy(der('ed25519.pem'), der('ed25519.pem')), true);
  });

  it('is false for a wrong issuer, a wrong key, a broken signature and garbage', () => {
    assert.equal(isSignedBy(root, leaf), false);
    assert.equal(isSignedBy(leaf, leaf), false);
    // The root's name with another key: the name matches, the signature does not.
    const impostor = der('rsa-root-impostor.pem');
    assert.equal(isSignedBy(leaf, impostor), false);
    assert.equal(isSignedBy(impostor, root), false);
    assert.equal(isSignedBy(root, impostor), false);
    const tampered = new Uint8Array(leaf);
    tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0x01;
    assert.equal(isSignedBy(tampered, root), false);
    assert.equal(isSignedBy(new Uint8Array([1, 2, 3]), root), false);
    assert.equal(isSignedBy(leaf, new Uint8Array(0)), false);
  });
});
