import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type CertificateFacts, parseCertificate } from '../../../src/pki/certificate.js';
import { readCertificates } from '../../../src/pki/sniff.js';
import { fixture, fixtureText } from './fixtures.js';

/** One certificate as `keytool -printcert` showed it (make-keytool-expectations.sh). */
interface KeytoolFacts {
  source: 'corpus' | 'fixture';
  file: string;
  index: number;
  owner: string;
  issuer: string;
  serial: string;
  validFrom: string;
  validUntil: string;
  sha1: string;
  sha256: string;
  signatureAlgorithm: string;
  publicKey: string;
  version: number;
}

const expectations = JSON.parse(fixtureText('keytool-expectations.json')) as {
  keytool: string;
  certificates: KeytoolFacts[];
};
const corpusUrl = new URL('../../../../shared/corpora/zlint-testdata/', import.meta.url);

/**
 * Where our facts legitimately differ from keytool's output, per certificate and field, with the reason.
 * Everything else must match exactly.
 */
const DIFFERENCES: Record<string, Partial<Record<keyof CertificateFacts, { ours: unknown; why: string }>>> = {
  'unknownpublickey.pem#0': {
    // keytool prints "1.2.643.2.2.19 key of unknown size" for this GOST key; keyType is a JCA name or null.
    keyType: { ours: null, why: 'no JCA key algorithm name for the OID' },
  },
};

function load(entry: KeytoolFacts): CertificateFacts {
  const bytes =
    entry.source === 'corpus' ? new Uint8Array(readFileSync(new URL(entry.file, corpusUrl))) : fixture(entry.file);
  const der = readCertificates(bytes)[entry.index];
  assert.ok(der, `${entry.file} has no certificate ${entry.index}`);
  return parseCertificate(der);
}

// keytool: "5b9b6c640c88e8faaf28f655" or "-4d2", BigInteger.toString(16).
function serialFromKeytool(serial: string): string {
  return serial.startsWith('-') ? `-0x${serial.slice(1).toUpperCase()}` : `0x${serial.toUpperCase()}`;
}

// keytool: "Sun Jan 01 00:00:00 UTC 2017", whole seconds (java.util.Date.toString in UTC).
function dateFromKeytool(text: string): number {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}:\d{2}:\d{2}) UTC (\d+)$/.exec(text);
  assert.ok(m, `unexpected keytool date ${text}`);
  return Date.parse(`${m[2]} ${m[1]} ${m[4]} ${m[3]} UTC`);
}

// keytool: "2048-bit RSA key", "256-bit EC (secp256r1) key (weak)", "255-bit Ed25519 key".
function keyFromKeytool(text: string): Pick<CertificateFacts, 'keyType' | 'keySize' | 'curve'> {
  const m = /^(\d+)-bit (\S+)(?: \(([^)]+)\))? key/.exec(text);
  if (m === null) return { keyType: text.split(' ')[0]!, keySize: null, curve: null };
  return { keyType: m[2]!, keySize: Number(m[1]), curve: m[3] ?? null };
}

// keytool appends its own judgement ("SHA1withRSA (weak)", "MD5withRSA (disabled)"), which is not part of the name.
function withoutVerdict(text: string): string {
  return text.replace(/ \((weak|disabled)\)$/, '');
}

describe(`facts versus keytool (${expectations.keytool})`, () => {
  it('covers every key type and a broad sample', () => {
    const keys = new Set(expectations.certificates.map((e) => keyFromKeytool(e.publicKey).keyType));
    for (const type of ['RSA', 'EC', 'DSA', 'RSASSA-PSS', 'Ed25519', 'Ed448']) assert.ok(keys.has(type), type);
    assert.ok(expectations.certificates.filter((e) => e.source === 'corpus').length >= 60);
  });

  for (const entry of expectations.certificates) {
    const key = `${entry.file}#${entry.index}`;
    it(`${entry.source} ${key}`, () => {
      const facts = load(entry);
      const differences = DIFFERENCES[key] ?? {};
      const expected: Partial<CertificateFacts> = {
        subjectDn: entry.owner,
        issuerDn: entry.issuer,
        serial: serialFromKeytool(entry.serial),
        sha1: entry.sha1,
        sha256: entry.sha256,
        signatureAlgorithm: withoutVerdict(entry.signatureAlgorithm),
        version: entry.version,
        ...keyFromKeytool(entry.publicKey),
      };
      for (const [field, value] of Object.entries(expected) as [keyof CertificateFacts, unknown][]) {
        const difference = differences[field];
        assert.deepEqual(facts[field], difference ? difference.ours : value, `${key}: ${field}`);
      }
      assert.equal(Math.floor(facts.notBefore.getTime() / 1000) * 1000, dateFromKeytool(entry.validFrom));
      assert.equal(Math.floor(facts.notAfter.getTime() / 1000) * 1000, dateFromKeytool(entry.validUntil));
    });
  }
});
