import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { signatureAlgorithmName } from '../../../src/pki/algorithms.js';
import { createCsr } from '../../../src/pki/csr.js';
import { bytesOf, children, contentsOf, decodeOid, readWhole, type Tlv } from '../../../src/pki/der.js';
import { parsePrivateKey } from '../../../src/pki/keys.js';
import { decodeBase64 } from '../../../src/pki/pem.js';
import { verifySignature } from '../../../src/pki/signature.js';
import { readCertificates } from '../../../src/pki/sniff.js';
import { certificate, fixture, missing, refused, runOk } from './helpers.js';

/** The subject Name DER of a certificate, byte for byte. */
function subjectOf(cert: Uint8Array): Uint8Array {
  const [tbs] = children(cert, readWhole(cert)!)!;
  const fields = children(cert, tbs!)!;
  return bytesOf(cert, fields[fields[0]!.tag === 0xa0 ? 5 : 4]!);
}

interface Csr {
  subject: Uint8Array;
  spki: Uint8Array;
  attributes: Uint8Array;
  algorithm: string;
  verifies: boolean;
}

/** Reads a PKCS#10 PEM with the DER helpers, and checks its signature with the key inside it. */
function readCsr(pem: string): Csr {
  const body = /^-----BEGIN CERTIFICATE REQUEST-----\n([\s\S]+)-----END CERTIFICATE REQUEST-----\n$/.exec(pem);
  assert.ok(body, pem);
  const der = decodeBase64(body[1]!)!;
  const [info, algorithm, signature] = children(der, readWhole(der)!)! as [Tlv, Tlv, Tlv];
  const [version, subject, spki, attributes] = children(der, info)! as [Tlv, Tlv, Tlv, Tlv];
  assert.deepEqual(bytesOf(der, version), Uint8Array.of(2, 1, 0));
  const oid = children(der, algorithm)![0]!;
  return {
    subject: bytesOf(der, subject),
    spki: bytesOf(der, spki),
    attributes: bytesOf(der, attributes),
    algorithm: signatureAlgorithmName(decodeOid(contentsOf(der, oid))!),
    verifies: verifySignature(
      bytesOf(der, info),
      bytesOf(der, algorithm),
      contentsOf(der, signature),
      bytesOf(der, spki),
    ),
  };
}

const cases: [string, KeyObject, Uint8Array, string][] = [
  ['RSA', parsePrivateKey(fixture('leaf.key.pem')), certificate('leaf.pem'), 'SHA256withRSA'],
  ['EC P-256', parsePrivateKey(fixture('ec256.sec1.pem')), certificate('ec256.crt.pem'), 'SHA256withECDSA'],
  ['EC P-384', parsePrivateKey(fixture('ec384.sec1.pem')), certificate('ec384.crt.pem'), 'SHA384withECDSA'],
  ['DSA', parsePrivateKey(fixture('dsa.key.pem')), certificate('dsa.crt.pem'), 'SHA256withDSA'],
  ['Ed25519', parsePrivateKey(fixture('ed25519.key.pem')), certificate('ed25519.crt.pem'), 'Ed25519'],
];

describe('createCsr', () => {
  for (const [label, key, cert, algorithm] of cases) {
    it(`signs a PKCS#10 request for ${label} with ${algorithm}, the certificate's subject and the key`, () => {
      const csr = readCsr(createCsr(key, subjectOf(cert)));
      assert.deepEqual(csr.subject, subjectOf(cert));
      assert.deepEqual(csr.spki, new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })));
      assert.deepEqual(csr.attributes, Uint8Array.of(0xa0, 0x00));
      assert.equal(csr.algorithm, algorithm);
      assert.ok(csr.verifies);
    });
  }

  it("takes SAP's and JCA's algorithm names", () => {
    const [, key, cert] = cases[0]!;
    assert.equal(readCsr(createCsr(key, subjectOf(cert), 'SHA-512/RSA')).algorithm, 'SHA512withRSA');
    assert.equal(readCsr(createCsr(key, subjectOf(cert), 'SHA384withRSA')).algorithm, 'SHA384withRSA');
    const [, ecKey, ecCert] = cases[1]!;
    assert.equal(readCsr(createCsr(ecKey, subjectOf(ecCert), 'SHA-1/ECDSA')).algorithm, 'SHA1withECDSA');
  });

  it('keeps an unusual subject byte for byte (a SET out of DER order, an empty RDN, odd string types)', () => {
    const [, key] = cases[1]!;
    for (const name of ['names-odd-sets.pem', 'names-odd-strings.pem']) {
      const [odd] = readCertificates(readFileSync(new URL(`../../fixtures/pki/${name}`, import.meta.url)));
      assert.deepEqual(readCsr(createCsr(key, subjectOf(odd!))).subject, subjectOf(odd!), name);
    }
  });

  for (const [label, key, cert, algorithm] of cases) {
    it(`passes \`openssl req -verify\` (${label})`, { skip: missing('openssl') }, () => {
      const files = { 'r.csr': createCsr(key, subjectOf(cert)) };
      const out = runOk(
        'openssl',
        ['req', '-in', 'r.csr', '-verify', '-noout', '-subject', '-nameopt', 'RFC2253'],
        files,
      );
      assert.match(out, /verify OK/);
      const certSubject = runOk(
        'openssl',
        ['x509', '-inform', 'DER', '-in', 'c.der', '-noout', '-subject', '-nameopt', 'RFC2253'],
        { 'c.der': cert },
      );
      assert.ok(out.includes(certSubject.trim()), `${out} lacks ${certSubject}`);
      const text = runOk('openssl', ['req', '-in', 'r.csr', '-noout', '-text'], files);
      const names: Record<string, RegExp> = {
        SHA256withRSA: /sha256WithRSAEncryption/,
        SHA256withECDSA: /ecdsa-with-SHA256/,
        SHA384withECDSA: /ecdsa-with-SHA384/,
        SHA256withDSA: /dsa_with_SHA256/,
        Ed25519: /ED25519/,
      };
      assert.match(text, names[algorithm]!);
    });
  }

  it('is read by `keytool -printcertreq`', { skip: missing('keytool') }, () => {
    const [, key, cert] = cases[0]!;
    const out = runOk('keytool', ['-J-Duser.language=en', '-printcertreq', '-file', 'r.csr'], {
      'r.csr': createCsr(key, subjectOf(cert)),
    });
    assert.match(out, /Subject: CN=leaf\.example\.com, O=openkeystore tests, C=DE/);
    assert.match(out, /Public Key: 2048-bit RSA key\nSignature algorithm: SHA256withRSA/);
  });

  it('refuses a public key, a broken name and an algorithm for another key type', () => {
    const [, key, cert] = cases[0]!;
    refused(() => createCsr(createPublicKey(key), subjectOf(cert)), 'unsupported', /private key/);
    refused(() => createCsr(key, Uint8Array.of(0x31, 0x00)), 'malformed', /subject name/);
    refused(() => createCsr(key, subjectOf(cert), 'SHA-256/ECDSA'), 'unsupported', /does not fit an RSA key/);
  });
});
