import { createPublicKey, type KeyObject } from 'node:crypto';
import { readWhole, TAG_SEQUENCE } from './der.js';
import { PkiError } from './errors.js';
import { defaultSignatureAlgorithm, derElement, normalizeSignatureAlgorithm, signStructure } from './generate.js';
import { describeKey } from './keys.js';
import { toPem } from './pem.js';

/**
 * PKCS#10 certificate signing requests for a key pair entry (SAP's CertificateSigningRequest of an entry): the
 * subject of the entry's certificate, its public key, no attributes, signed by its private key.
 */

const VERSION_0 = Uint8Array.of(0x02, 0x01, 0x00);
const NO_ATTRIBUTES = Uint8Array.of(0xa0, 0x00);

function checkName(der: Uint8Array): void {
  if (readWhole(der)?.tag !== TAG_SEQUENCE) throw new PkiError('malformed', 'The subject name is not one DER SEQUENCE');
}

/**
 * A PKCS#10 request in PEM (`CERTIFICATE REQUEST`), as keytool -certreq writes it. `subjectDer` is the DER Name
 * (the certificate's subject, byte for byte). `signatureAlgorithm` takes SAP's and JCA's spellings and must fit
 * the key; by default keytool's choice for the key (SHA256withRSA, SHA384withECDSA for P-384, Ed25519, …).
 */
export function createCsr(key: KeyObject, subjectDer: Uint8Array, signatureAlgorithm?: string): string {
  if (key.type !== 'private') throw new PkiError('unsupported', 'A signing request needs the private key');
  const { keyType } = describeKey(key);
  const algorithm =
    signatureAlgorithm === undefined
      ? defaultSignatureAlgorithm(key)
      : normalizeSignatureAlgorithm(signatureAlgorithm, keyType);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  checkName(subjectDer);
  // CertificationRequestInfo { version 0, subject, subjectPKInfo, attributes [0] IMPLICIT SET (empty) }
  const info = derElement(0x30, VERSION_0, subjectDer, spki, NO_ATTRIBUTES);
  return toPem(signStructure(key, algorithm, info), 'CERTIFICATE REQUEST');
}
