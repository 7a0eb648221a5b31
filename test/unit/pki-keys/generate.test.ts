import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSignedBy, parseCertificate } from '../../../src/pki/certificate.js';
import {
  createSelfSigned,
  defaultSignatureAlgorithm,
  generateKeyPair,
  generateKeyPairAsync,
  normalizeSignatureAlgorithm,
} from '../../../src/pki/generate.js';
import { describeKey, keyMatchesCertificate, parsePrivateKey } from '../../../src/pki/keys.js';
import { toPem } from '../../../src/pki/pem.js';
import { fixture, missing, refused, runOk } from './helpers.js';

const notBefore = new Date('2024-07-28T06:30:29.780Z');
const notAfter = new Date('2027-07-28T06:30:29.780Z');
const subject = {
  CN: 'myserver',
  C: 'DE',
  O: 'Müller & Söhne GmbH',
  OU: 'Integration',
  L: 'Walldorf',
  ST: 'BW',
  E: 'ops@example.com',
};
const subjectDn =
  'EMAILADDRESS=ops@example.com, CN=myserver, OU=Integration, O=Müller & Söhne GmbH, L=Walldorf, ST=BW, C=DE';

// Keys are made once: DSA parameters and RSA primes take a while.
const keys = {
  rsa: generateKeyPair({ keyType: 'RSA', keySize: 2048 }),
  ec256: generateKeyPair({ keyType: 'EC', keySize: 256 }),
  ec384: generateKeyPair({ keyType: 'EC', curve: 'secp384r1' }),
  ec521: generateKeyPair({ keyType: 'EC', keySize: 521 }),
  dsa1024: generateKeyPair({ keyType: 'DSA', keySize: 1024 }),
  dsa2048: generateKeyPair({ keyType: 'DSA', keySize: 2048 }),
  ed25519: parsePrivateKey(fixture('ed25519.key.pem')),
};

describe('generateKeyPair', () => {
  it('makes RSA 4096 by default, as SAP does', async () => {
    assert.deepEqual(describeKey(await generateKeyPairAsync({ keyType: 'RSA' })), {
      keyType: 'RSA',
      keySize: 4096,
      curve: null,
    });
  });

  it('makes the requested RSA, EC and DSA keys', () => {
    assert.deepEqual(describeKey(keys.rsa), { keyType: 'RSA', keySize: 2048, curve: null });
    assert.deepEqual(describeKey(keys.ec256), { keyType: 'EC', keySize: 256, curve: 'secp256r1' });
    assert.deepEqual(describeKey(keys.ec384), { keyType: 'EC', keySize: 384, curve: 'secp384r1' });
    assert.deepEqual(describeKey(keys.ec521), { keyType: 'EC', keySize: 521, curve: 'secp521r1' });
    assert.deepEqual(describeKey(keys.dsa1024), { keyType: 'DSA', keySize: 1024, curve: null });
    assert.deepEqual(describeKey(keys.dsa2048), { keyType: 'DSA', keySize: 2048, curve: null });
    assert.equal(keys.dsa2048.asymmetricKeyDetails?.divisorLength, 224);
  });

  it('takes the curve names Java, OpenSSL and JOSE use', () => {
    for (const curve of ['secp256r1', 'prime256v1', 'P-256', 'SECP256R1']) {
      assert.equal(describeKey(generateKeyPair({ keyType: 'EC', curve })).curve, 'secp256r1', curve);
    }
    assert.equal(describeKey(generateKeyPair({ keyType: 'EC', curve: 'secp521r1' })).keySize, 521);
  });

  it('refuses sizes and names it cannot make', () => {
    refused(() => generateKeyPair({ keyType: 'EC', keySize: 300 }), 'unsupported', /EC key size 300 is not supported/);
    refused(
      () => generateKeyPair({ keyType: 'EC', curve: 'curve25519x' }),
      'unsupported',
      "The elliptic curve 'curve25519x' is not supported",
    );
    refused(() => generateKeyPair({ keyType: 'RSA', keySize: 256 }), 'unsupported', /RSA key size 256/);
    refused(() => generateKeyPair({ keyType: 'DSA', keySize: 4096 }), 'unsupported', /DSA key size 4096/);
    refused(() => generateKeyPair({ keyType: 'XYZ' as 'RSA' }), 'unsupported', /Key type 'XYZ'/);
  });
});

describe('normalizeSignatureAlgorithm (D18)', () => {
  it("maps SAP's spellings to JCA names", () => {
    const cases: [string, 'RSA' | 'EC' | 'DSA', string][] = [
      ['SHA-256/RSA', 'RSA', 'SHA256withRSA'],
      ['SHA256/RSA', 'RSA', 'SHA256withRSA'],
      ['SHA256withRSA', 'RSA', 'SHA256withRSA'],
      ['sha512withrsa', 'RSA', 'SHA512withRSA'],
      ['SHA-512/RSA', 'RSA', 'SHA512withRSA'],
      ['SHA-384/RSA', 'RSA', 'SHA384withRSA'],
      ['SHA-224/RSA', 'RSA', 'SHA224withRSA'],
      ['SHA-1/RSA', 'RSA', 'SHA1withRSA'],
      ['SHA-512/ECDSA', 'EC', 'SHA512withECDSA'],
      ['SHA-256/ECDSA', 'EC', 'SHA256withECDSA'],
      ['SHA-1/ECDSA', 'EC', 'SHA1withECDSA'],
      ['SHA384withECDSA', 'EC', 'SHA384withECDSA'],
      ['SHA-256/DSA', 'DSA', 'SHA256withDSA'],
      ['SHA-224/DSA', 'DSA', 'SHA224withDSA'],
      ['SHA-1/DSA', 'DSA', 'SHA1withDSA'],
    ];
    for (const [name, keyType, jca] of cases) assert.equal(normalizeSignatureAlgorithm(name, keyType), jca, name);
    assert.equal(normalizeSignatureAlgorithm('Ed25519', 'Ed25519'), 'Ed25519');
  });

  it('refuses names that do not fit the key type, and unknown names', () => {
    refused(
      () => normalizeSignatureAlgorithm('SHA-256/ECDSA', 'RSA'),
      'unsupported',
      "The signature algorithm 'SHA-256/ECDSA' does not fit an RSA key",
    );
    refused(
      () => normalizeSignatureAlgorithm('SHA-256/RSA', 'DSA'),
      'unsupported',
      "The signature algorithm 'SHA-256/RSA' does not fit a DSA key",
    );
    refused(() => normalizeSignatureAlgorithm('SHA-256/DSA', 'EC'), 'unsupported', /does not fit an EC key/);
    refused(
      () => normalizeSignatureAlgorithm('MD5/RSA', 'RSA'),
      'unsupported',
      "The signature algorithm 'MD5/RSA' is not supported",
    );
    refused(() => normalizeSignatureAlgorithm('SHA-3/RSA', 'RSA'), 'unsupported');
  });

  it("picks keytool's default for a key", () => {
    assert.equal(defaultSignatureAlgorithm(keys.rsa), 'SHA256withRSA');
    assert.equal(defaultSignatureAlgorithm(keys.ec384), 'SHA384withECDSA');
    assert.equal(defaultSignatureAlgorithm(keys.ec521), 'SHA512withECDSA');
    assert.equal(defaultSignatureAlgorithm(keys.dsa2048), 'SHA256withDSA');
    assert.equal(defaultSignatureAlgorithm(keys.ed25519), 'Ed25519');
  });
});

const signed: [string, KeyObject, string][] = [
  ['RSA', keys.rsa, 'SHA512withRSA'],
  ['RSA', keys.rsa, 'SHA1withRSA'],
  ['EC P-256', keys.ec256, 'SHA256withECDSA'],
  ['EC P-384', keys.ec384, 'SHA384withECDSA'],
  ['EC P-521', keys.ec521, 'SHA512withECDSA'],
  ['DSA 1024', keys.dsa1024, 'SHA1withDSA'],
  ['DSA 2048', keys.dsa2048, 'SHA256withDSA'],
  ['Ed25519', keys.ed25519, 'Ed25519'],
];

describe('createSelfSigned', () => {
  for (const [label, key, algorithm] of signed) {
    it(`signs a v3 certificate with ${algorithm} for ${label}`, () => {
      const der = createSelfSigned(key, {
        subject,
        signatureAlgorithm: algorithm,
        notBefore,
        notAfter,
        serial: Uint8Array.of(1, 0x1f, 0x11),
      });
      const facts = parseCertificate(der);
      assert.equal(facts.subjectDn, subjectDn);
      assert.equal(facts.issuerDn, subjectDn);
      assert.equal(facts.signatureAlgorithm, algorithm);
      assert.equal(facts.serial, '0x11F11');
      assert.equal(facts.version, 3);
      assert.equal(facts.notBefore.toISOString(), '2024-07-28T06:30:29.000Z');
      assert.equal(facts.notAfter.toISOString(), '2027-07-28T06:30:29.000Z');
      const described = describeKey(key);
      assert.deepEqual({ keyType: facts.keyType, keySize: facts.keySize, curve: facts.curve }, described);
      assert.ok(isSignedBy(der, der), 'the signature verifies');
      assert.ok(keyMatchesCertificate(key, der));
    });
  }

  it('makes a random positive serial when none is given', () => {
    const serials = new Set(
      [1, 2, 3].map(
        () =>
          parseCertificate(
            createSelfSigned(keys.ec256, {
              subject: { CN: 'x' },
              signatureAlgorithm: 'SHA256withECDSA',
              notBefore,
              notAfter,
            }),
          ).serial,
      ),
    );
    assert.equal(serials.size, 3);
    for (const serial of serials) assert.match(serial, /^0x[0-9A-F]+$/);
  });

  it('keeps a serial with its top bit set positive', () => {
    const der = createSelfSigned(keys.ec256, {
      subject: { CN: 'x' },
      signatureAlgorithm: 'SHA256withECDSA',
      notBefore,
      notAfter,
      serial: Uint8Array.of(0x80, 1),
    });
    assert.equal(parseCertificate(der).serial, '0x8001');
  });

  it('writes GeneralizedTime from 2050 on (RFC 5280)', () => {
    const far = new Date('2051-01-01T00:00:00Z');
    const der = createSelfSigned(keys.ec256, {
      subject: { CN: 'x' },
      signatureAlgorithm: 'SHA256withECDSA',
      notBefore,
      notAfter: far,
    });
    assert.equal(parseCertificate(der).notAfter.toISOString(), far.toISOString());
    assert.ok(Buffer.from(der).includes(Buffer.from('20510101000000Z')));
  });

  it('has a SubjectKeyIdentifier as its only extension, as keytool -genkeypair', { skip: missing('openssl') }, () => {
    const der = createSelfSigned(keys.rsa, { subject, signatureAlgorithm: 'SHA256withRSA', notBefore, notAfter });
    const text = runOk(
      'openssl',
      ['x509', '-inform', 'DER', '-in', 'c.der', '-noout', '-text', '-nameopt', 'RFC2253'],
      { 'c.der': der },
    );
    assert.match(text, /X509v3 Subject Key Identifier/);
    assert.equal([...text.matchAll(/^ +X509v3 (?!extensions)/gm)].length, 1);
    assert.match(
      text,
      /Subject: emailAddress=ops@example\.com,CN=myserver,OU=Integration,O=M\\C3\\BCller & S\\C3\\B6hne GmbH,L=Walldorf,ST=BW,C=DE/,
    );
  });

  for (const [label, key, algorithm] of signed) {
    it(`is read by openssl x509, which verifies the ${algorithm} signature (${label})`, {
      skip: missing('openssl'),
    }, () => {
      const pem = toPem(createSelfSigned(key, { subject, signatureAlgorithm: algorithm, notBefore, notAfter }));
      const out = runOk(
        'openssl',
        ['verify', '-no-CAfile', '-no-CApath', '-CAfile', 'c.pem', '-check_ss_sig', 'c.pem'],
        { 'c.pem': pem },
      );
      assert.match(out, /c\.pem: OK/);
      const pub = runOk('openssl', ['x509', '-in', 'c.pem', '-noout', '-pubkey'], { 'c.pem': pem });
      assert.ok(createPublicKey(pub).equals(createPublicKey(key)));
    });
  }

  it('is read by keytool -printcert', { skip: missing('keytool') }, () => {
    const der = createSelfSigned(keys.dsa2048, {
      subject,
      signatureAlgorithm: 'SHA256withDSA',
      notBefore,
      notAfter,
      serial: Uint8Array.of(0x12, 0x34),
    });
    const out = runOk('keytool', ['-J-Duser.language=en', '-printcert', '-file', 'c.der'], { 'c.der': der });
    assert.match(
      out,
      /Owner: EMAILADDRESS=ops@example\.com, CN=myserver, OU=Integration, O=Müller & Söhne GmbH, L=Walldorf, ST=BW, C=DE/,
    );
    assert.match(out, /Serial number: 1234/);
    assert.match(out, /Signature algorithm name: SHA256withDSA/);
    assert.match(out, /2048-bit DSA key/);
  });

  it('refuses what cannot be signed or named', () => {
    const base = { subject: { CN: 'x' }, notBefore, notAfter };
    refused(
      () => createSelfSigned(keys.rsa, { ...base, signatureAlgorithm: 'SHA256withECDSA' }),
      'unsupported',
      /does not fit an RSA key/,
    );
    refused(
      () => createSelfSigned(keys.rsa, { ...base, signatureAlgorithm: 'SHA-256/RSA' }),
      'unsupported',
      /is not supported/,
    );
    refused(
      () => createSelfSigned(createPublicKey(keys.rsa), { ...base, signatureAlgorithm: 'SHA256withRSA' }),
      'unsupported',
      /private key/,
    );
    const small = generateKeyPair({ keyType: 'RSA', keySize: 512 });
    refused(
      () => createSelfSigned(small, { ...base, signatureAlgorithm: 'SHA512withRSA' }),
      'unsupported',
      /cannot sign with SHA512withRSA/,
    );
    refused(
      () => createSelfSigned(keys.ec256, { ...base, signatureAlgorithm: 'SHA256withECDSA', notAfter: new Date(0) }),
      'malformed',
      /expire before/,
    );
    refused(
      () =>
        createSelfSigned(keys.ec256, {
          ...base,
          signatureAlgorithm: 'SHA256withECDSA',
          notBefore: new Date(Number.NaN),
        }),
      'malformed',
    );
    refused(
      () =>
        createSelfSigned(keys.ec256, {
          ...base,
          subject: { CN: 'x', C: 'DEU' },
          signatureAlgorithm: 'SHA256withECDSA',
        }),
      'malformed',
      /two-letter/,
    );
    refused(
      () => createSelfSigned(keys.ec256, { ...base, subject: { CN: ' ' }, signatureAlgorithm: 'SHA256withECDSA' }),
      'malformed',
      /common name/,
    );
    refused(
      () =>
        createSelfSigned(keys.ec256, {
          ...base,
          subject: { CN: 'x', E: 'jürgen@example.com' },
          signatureAlgorithm: 'SHA256withECDSA',
        }),
      'malformed',
      /not ASCII/,
    );
  });
});
