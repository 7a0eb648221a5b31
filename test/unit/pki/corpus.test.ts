import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { PkiError } from '../../../src/pki/errors.js';
import { readCertificates } from '../../../src/pki/sniff.js';

const corpusUrl = new URL('../../../../shared/corpora/zlint-testdata/', import.meta.url);
const corpusDir = fileURLToPath(corpusUrl);

/** The base64 of every PEM block with this label, decoded, independently of the code under test. */
function pemBodies(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s/g, ''), 'base64'));
}

describe('zlint corpus', () => {
  it('is where the tests expect it', () => {
    // The repository sits beside shared/ (/work/main next to /work/shared here, the same layout in CI).
    assert.ok(corpusDir.endsWith('/shared/corpora/zlint-testdata/'), corpusDir);
    assert.ok(existsSync(corpusDir), `corpus missing at ${corpusDir}: CI always has it, so this is a broken checkout`);
  });

  it('turns every file into facts or a PkiError, byte-exact, CRLs refused as such', (t) => {
    const files = readdirSync(corpusDir).filter((f) => f.endsWith('.pem'));
    assert.ok(files.length > 1100, `only ${files.length} corpus files`);
    const counts = { files: files.length, accepted: 0, certificates: 0, crl: 0, refused: 0 };
    const refusals: string[] = [];
    for (const file of files) {
      const raw = readFileSync(new URL(file, corpusUrl));
      const text = raw.toString('latin1');
      const expectCrl = text.includes('-----BEGIN X509 CRL-----') && !text.includes('-----BEGIN CERTIFICATE-----');
      let ders: Uint8Array[];
      try {
        ders = readCertificates(new Uint8Array(raw));
      } catch (e) {
        assert.ok(e instanceof PkiError, `${file}: threw ${String(e)}`);
        if (e.code === 'crl') {
          assert.ok(expectCrl, `${file}: called a CRL`);
          counts.crl++;
        } else {
          counts.refused++;
          refusals.push(`${file}: ${e.code}: ${e.message}`);
        }
        continue;
      }
      assert.ok(!expectCrl, `${file}: a CRL was accepted`);
      const bodies = pemBodies(text, 'CERTIFICATE');
      assert.equal(ders.length, bodies.length, `${file}: certificate count`);
      try {
        ders.forEach((der, i) => {
          assert.ok(Buffer.from(der).equals(bodies[i]!), `${file}: certificate ${i} is not byte-exact`);
          const facts = parseCertificate(der);
          assert.ok(facts.serial.length > 2 && !Number.isNaN(facts.notBefore.getTime()), `${file}: facts`);
          assert.match(facts.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        });
        counts.accepted++;
        counts.certificates += ders.length;
      } catch (e) {
        if (!(e instanceof PkiError)) throw e;
        counts.refused++;
        refusals.push(`${file}: ${e.code}: ${e.message}`);
      }
    }
    t.diagnostic(
      `${counts.files} files: ${counts.accepted} accepted (${counts.certificates} certificates), ` +
        `${counts.crl} refused as CRL, ${counts.refused} refused otherwise`,
    );
    for (const refusal of refusals) t.diagnostic(refusal);
    // Every certificate in the corpus is odd but parsable; only the CRLs are refused today.
    assert.equal(counts.crl, 61);
    assert.deepEqual(refusals, []);
    assert.equal(counts.accepted + counts.crl, counts.files);
  });
});
