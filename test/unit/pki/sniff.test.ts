import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PkiError, type PkiErrorCode } from '../../../src/pki/errors.js';
import { readCertificates, toPem } from '../../../src/pki/sniff.js';
import { bytes, fixture, fixtureText } from './fixtures.js';

const rootDer = fixture('rsa-root.der');
const leafDer = new Uint8Array(Buffer.from(fixtureText('ec-leaf.pem').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
const NOT_CERTIFICATE = 'The request body does not contain an X.509 certificate';

function readsRoot(input: Uint8Array) {
  const certificates = readCertificates(input);
  assert.equal(certificates.length, 1);
  assert.deepEqual(certificates[0], rootDer);
}

function refused(input: Uint8Array, code: PkiErrorCode, message?: string | RegExp): PkiError {
  let caught: unknown;
  try {
    readCertificates(input);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PkiError, `expected a PkiError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

describe('readCertificates: accepted forms', () => {
  it('reads PEM and returns the DER byte-exact', () => {
    readsRoot(fixture('rsa-root.pem'));
    assert.ok(readCertificates(fixture('rsa-root.pem'))[0] instanceof Uint8Array);
  });

  it('reads PEM with CRLF line endings', () => readsRoot(fixture('rsa-root-crlf.pem')));

  it('reads PEM below `openssl x509 -text` output', () => readsRoot(fixture('rsa-root-text.pem')));

  it("reads SAP's bracketed PEM from seed 001", () => {
    const body = fixtureText('rsa-root-bracketed.txt');
    assert.ok(body.startsWith('[-----BEGIN CERTIFICATE-----\nMII') && body.endsWith('-----END CERTIFICATE-----]'));
    readsRoot(bytes(body));
  });

  it('reads the X509 CERTIFICATE label', () => readsRoot(fixture('rsa-root-x509label.pem')));

  it("reads OpenSSL's TRUSTED CERTIFICATE and drops the trust settings after the certificate", () => {
    const text = fixtureText('rsa-root-trusted.pem');
    const body = Buffer.from(text.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    assert.ok(body.length > rootDer.length, 'the fixture carries aux data');
    readsRoot(bytes(text));
  });

  it('reads a JSON string literal holding PEM, bracketed PEM or base64', () => {
    readsRoot(fixture('rsa-root.json'));
    readsRoot(fixture('rsa-root-bracketed.json'));
    readsRoot(bytes(JSON.stringify(fixtureText('rsa-root.b64'))));
    readsRoot(bytes(` ${JSON.stringify(fixtureText('rsa-root-crlf.pem'))}\n`));
  });

  it('reads PEM whose newlines are JSON escapes that were never decoded', () => {
    const pasted = JSON.stringify({ certificate: fixtureText('rsa-root.pem') });
    assert.ok(pasted.includes('\\n'));
    readsRoot(bytes(pasted));
  });

  it('reads bare base64, wrapped, on one line, with CRLF, or in brackets', () => {
    readsRoot(fixture('rsa-root.b64'));
    readsRoot(fixture('rsa-root-oneline.b64'));
    readsRoot(bytes(fixtureText('rsa-root.b64').replace(/\n/g, '\r\n')));
    readsRoot(bytes(`[${fixtureText('rsa-root-oneline.b64')}]`));
  });

  it('reads binary DER', () => readsRoot(rootDer));

  it('reads base64 of a PEM file', () => readsRoot(bytes(Buffer.from(fixtureText('rsa-root.pem')).toString('base64'))));

  it('skips a UTF-8 byte order mark', () => {
    readsRoot(new Uint8Array([0xef, 0xbb, 0xbf, ...fixture('rsa-root.pem')]));
  });

  it('returns every certificate of a multi-block PEM, in order', () => {
    const certificates = readCertificates(fixture('chain.pem'));
    assert.equal(certificates.length, 2);
    assert.deepEqual(certificates[0], leafDer);
    assert.deepEqual(certificates[1], rootDer);
  });

  it('ignores other PEM blocks beside a certificate', () => {
    const mixed = `${fixtureText('rsa-root.key.pem')}\n${fixtureText('rsa-root.pem')}\n${fixtureText('crl.pem')}`;
    readsRoot(bytes(mixed));
  });

  it('returns copies, not views into the input', () => {
    const input = new Uint8Array(rootDer);
    const [der] = readCertificates(input);
    input[10] = input[10]! ^ 0xff;
    assert.deepEqual(der, rootDer);
  });
});

describe('readCertificates: refusals', () => {
  const CRL = 'The input is a certificate revocation list (CRL), not a certificate';

  it('refuses a CRL in PEM, DER, base64 and JSON with code crl', () => {
    refused(fixture('crl.pem'), 'crl', CRL);
    refused(fixture('crl.der'), 'crl', CRL);
    refused(bytes(Buffer.from(fixture('crl.der')).toString('base64')), 'crl', CRL);
    refused(bytes(JSON.stringify(fixtureText('crl.pem'))), 'crl', CRL);
  });

  it('refuses garbage, empty and blank input', () => {
    refused(bytes('hello world, this is not a certificate'), 'not-certificate', new RegExp(`^${NOT_CERTIFICATE}`));
    refused(new Uint8Array(0), 'not-certificate', `${NOT_CERTIFICATE}: the input is empty`);
    refused(bytes(' \r\n\t '), 'not-certificate', `${NOT_CERTIFICATE}: the input is empty`);
    refused(bytes('[]'), 'not-certificate');
    refused(bytes('42'), 'not-certificate');
    refused(bytes('"just a string"'), 'not-certificate');
    refused(bytes('"unterminated'), 'not-certificate');
    refused(bytes('{"a":1}'), 'not-certificate');
  });

  it('refuses truncated DER and DER followed by other bytes', () => {
    refused(rootDer.subarray(0, rootDer.length - 10), 'not-certificate', /truncated/);
    refused(new Uint8Array([...rootDer, 0x00, 0x01]), 'not-certificate', /follow/);
    refused(new Uint8Array([...rootDer, ...rootDer]), 'not-certificate', /follow/);
    refused(bytes(Buffer.from(rootDer.subarray(0, 500)).toString('base64')), 'not-certificate');
  });

  it('refuses a private key, a CSR and PKCS#7, saying what they are', () => {
    refused(fixture('rsa-root.key.pem'), 'not-certificate', `${NOT_CERTIFICATE}: found PEM "PRIVATE KEY" instead`);
    refused(fixture('leaf.csr.pem'), 'not-certificate', /CERTIFICATE REQUEST/);
    refused(
      fixture('leaf.csr.der'),
      'not-certificate',
      `${NOT_CERTIFICATE}: it is a certificate signing request (CSR)`,
    );
    refused(fixture('chain.p7b'), 'not-certificate', /PKCS7/);
    const p7der = Buffer.from(fixtureText('chain.p7b').replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64');
    refused(new Uint8Array(p7der), 'not-certificate', `${NOT_CERTIFICATE}: it is a PKCS#7 structure`);
    const keyDer = Buffer.from(fixtureText('rsa-root.key.pem').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    refused(new Uint8Array(keyDer), 'not-certificate', `${NOT_CERTIFICATE}: it is a private key`);
  });

  it('calls a certificate block with broken content malformed', () => {
    const pem = fixtureText('rsa-root.pem');
    const lines = pem.split('\n');
    refused(bytes(pem.replace('MII', 'MI*')), 'malformed', 'The PEM block "CERTIFICATE" does not contain valid base64');
    refused(
      bytes(pem.replace('-----END CERTIFICATE-----', '')),
      'malformed',
      /has no "-----END CERTIFICATE-----" line/,
    );
    refused(
      bytes([...lines.slice(0, 3), ...lines.slice(5)].join('\n')),
      'malformed',
      /does not hold a valid certificate: truncated or invalid DER/,
    );
    const padded = toPem(new Uint8Array([...rootDer, 0x05, 0x00]));
    refused(bytes(padded), 'malformed', /bytes follow the certificate/);
    refused(bytes(toPem(fixture('leaf.csr.der'))), 'malformed', /certificate signing request/);
    refused(bytes(toPem(fixture('crl.der'))), 'crl');
    // A second BEGIN before the first block's END line.
    refused(bytes(`-----BEGIN CERTIFICATE-----\nMIIB\n${pem}`), 'malformed', /not closed/);
  });

  it('refuses a 20 MB random buffer without hanging', { timeout: 30_000 }, (t) => {
    const noise = randomBytes(20 * 1024 * 1024);
    noise[0] = 0x30; // the DER path is the one that could be slow
    const started = performance.now();
    refused(new Uint8Array(noise), 'not-certificate');
    t.diagnostic(`20 MB random input refused in ${Math.round(performance.now() - started)} ms`);
  });

  it('stays linear on 20 MB of adversarial text', { timeout: 60_000 }, (t) => {
    const mb20 = 20 * 1024 * 1024;
    const cases: [string, string, PkiErrorCode][] = [
      ['unterminated BEGIN headers', '-----BEGIN X'.repeat(mb20 / 12), 'not-certificate'],
      ['BEGIN lines without END', '-----BEGIN CERTIFICATE-----\n'.repeat(mb20 / 28), 'malformed'],
      ['base64 alphabet only', 'A'.repeat(mb20), 'not-certificate'],
      ['JSON quote and base64', `"${'QUJD'.repeat(mb20 / 4)}"`, 'not-certificate'],
    ];
    for (const [name, text, code] of cases) {
      const started = performance.now();
      refused(bytes(text), code);
      t.diagnostic(`${name}: refused in ${Math.round(performance.now() - started)} ms`);
    }
  });
});

describe('toPem', () => {
  it('writes what openssl writes: 64-character lines, LF, a trailing newline', () => {
    assert.equal(toPem(rootDer), fixtureText('rsa-root.pem'));
  });

  it('takes another label and survives a round trip', () => {
    const pem = toPem(rootDer, 'X509 CERTIFICATE');
    assert.ok(pem.startsWith('-----BEGIN X509 CERTIFICATE-----\n') && pem.endsWith('-----END X509 CERTIFICATE-----\n'));
    assert.deepEqual(readCertificates(bytes(pem))[0], rootDer);
  });
});
