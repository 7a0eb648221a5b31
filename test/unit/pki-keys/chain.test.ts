import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderChain, pkcs7Pem, readChain, writePkcs7 } from '../../../src/pki/chain.js';
import { certificate, fixture, fixtureText, missing, refused, runOk } from './helpers.js';

const leaf = certificate('leaf.pem');
const inter = certificate('inter.pem');
const root = certificate('root.pem');
const chain = [leaf, inter, root];

function text(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

describe('readChain: the formats of CertificateChainResources', () => {
  it('PKCS#7 DER from `openssl crl2pkcs7`', () => assert.deepEqual(readChain(fixture('chain.p7b')), chain));

  it('PKCS#7 PEM, in any certificate order inside', () => {
    assert.match(fixtureText('chain.p7b.pem'), /^-----BEGIN PKCS7-----/);
    assert.deepEqual(readChain(fixture('chain.p7b.pem')), chain);
  });

  it('PKCS#7 under the CMS label, as base64 and as a JSON string', () => {
    assert.deepEqual(readChain(fixture('chain-cms.pem')), chain);
    assert.deepEqual(readChain(fixture('chain.p7b.b64')), chain);
    assert.deepEqual(readChain(text(JSON.stringify(fixtureText('chain.p7b.pem')))), chain);
  });

  it('a signed CMS in BER (indefinite lengths), as streaming writers produce it', () => {
    assert.equal(fixture('chain-ber.p7b')[1], 0x80);
    assert.deepEqual(readChain(fixture('chain-ber.p7b')), chain);
  });

  it('PkiPath from Java (root first), returned leaf first', () => {
    const der = fixture('chain.pkipath');
    // The first element of the SEQUENCE OF Certificate is the root.
    assert.deepEqual(der.subarray(4, 4 + root.length), root);
    assert.deepEqual(readChain(der), chain);
  });

  it('concatenated PEM in any order, and concatenated DER', () => {
    assert.deepEqual(readChain(fixture('chain.pem')), chain);
    assert.deepEqual(readChain(fixture('chain-shuffled.pem')), chain);
    assert.deepEqual(readChain(fixture('chain-concat.der')), chain);
  });

  it('one certificate, as DER and as PEM', () => {
    assert.deepEqual(readChain(leaf), [leaf]);
    assert.deepEqual(readChain(fixture('root.pem')), [root]);
  });

  it('PKCS#7 and certificate blocks side by side, without duplicates', () => {
    const both = `${fixtureText('chain.p7b.pem')}${fixtureText('leaf.pem')}`;
    assert.deepEqual(readChain(text(both)), chain);
  });
});

describe('readChain: refusals', () => {
  it('things that are not chains', () => {
    refused(() => readChain(new Uint8Array(0)), 'not-certificate', /the input is empty/);
    refused(() => readChain(text('hello')), 'not-certificate');
    refused(() => readChain(fixture('rsa.pkcs8.der')), 'not-certificate', /neither PKCS#7 nor PkiPath/);
    refused(() => readChain(fixture('leaf.key.pem')), 'not-certificate', /"PRIVATE KEY"/);
    refused(() => readChain(fixture('leaf.p12')), 'not-certificate');
  });

  it('a PKCS#7 without certificates', () => {
    refused(() => readChain(writePkcs7([])), 'not-certificate', /holds no X\.509 certificate/);
  });

  it('truncated PKCS#7', () => {
    refused(() => readChain(fixture('chain.p7b').subarray(0, 300)), 'not-certificate');
  });
});

describe('orderChain', () => {
  it('puts the leaf first and follows signatures up to the root', () => {
    assert.deepEqual(orderChain([root, leaf, inter]), chain);
    assert.deepEqual(orderChain([inter, root, leaf]), chain);
  });

  it('drops duplicates and keeps certificates off the path at the end, in input order', () => {
    const stray = certificate('ec256.crt.pem');
    assert.deepEqual(orderChain([root, stray, leaf, inter, leaf]), [leaf, inter, root, stray]);
  });

  it('leaves a partial chain as it is', () => {
    assert.deepEqual(orderChain([root, inter]), [inter, root]);
    assert.deepEqual(orderChain([leaf]), [leaf]);
    assert.deepEqual(orderChain([]), []);
  });
});

describe('writePkcs7 and pkcs7Pem', () => {
  it('write a certs-only SignedData that readChain reads back byte for byte', () => {
    const der = writePkcs7(chain);
    assert.deepEqual(readChain(der), chain);
    assert.deepEqual(readChain(text(pkcs7Pem(der))), chain);
    assert.match(pkcs7Pem(der), /^-----BEGIN PKCS7-----\n[A-Za-z0-9+/=\n]+-----END PKCS7-----\n$/);
  });

  it('write what `openssl crl2pkcs7 -nocrl` writes', () => {
    assert.deepEqual(writePkcs7(chain), Buffer.from(fixture('chain.p7b')));
  });

  it('are read by `openssl pkcs7 -print_certs`', { skip: missing('openssl') }, () => {
    const out = runOk('openssl', ['pkcs7', '-print_certs', '-in', 'c.p7b'], { 'c.p7b': pkcs7Pem(writePkcs7(chain)) });
    assert.deepEqual(
      [...out.matchAll(/^subject=(.*)$/gm)].map((m) => m[1]),
      [
        'C = DE, O = openkeystore tests, CN = leaf.example.com',
        'C = DE, O = openkeystore tests, CN = Chain Intermediate CA',
        'C = DE, O = openkeystore tests, CN = Chain Root CA',
      ],
    );
    const der = runOk('openssl', ['pkcs7', '-inform', 'DER', '-print_certs', '-in', 'c.p7b'], {
      'c.p7b': writePkcs7(chain),
    });
    assert.equal([...der.matchAll(/^subject=/gm)].length, 3);
  });

  it('are read by `keytool -printcert`', { skip: missing('keytool') }, () => {
    const out = runOk('keytool', ['-printcert', '-file', 'c.p7b'], { 'c.p7b': writePkcs7(chain) });
    assert.match(out, /Certificate\[1\]:\nOwner: CN=leaf\.example\.com/);
    assert.match(out, /Certificate\[3\]:\nOwner: CN=Chain Root CA/);
  });

  it('refuse bytes that are not certificates', () => {
    refused(() => writePkcs7([new Uint8Array([0x30, 0x00])]), 'malformed');
  });
});
