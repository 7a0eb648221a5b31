import { bytesOf, children, readWhole, TAG_SEQUENCE } from './der.js';
import { PkiError } from './errors.js';

// TBSCertificate's explicit [0] version, present in v2 and v3 certificates.
const TAG_VERSION = 0xa0;

/**
 * The subject Name of a certificate as DER, byte for byte: a signing request for the entry must carry the very
 * name the certificate holds, not a re-encoding of its printed form (string types and RDN order would drift).
 */
export function certificateSubjectDer(cert: Uint8Array): Uint8Array {
  const outer = readWhole(cert);
  const tbs = outer?.tag === TAG_SEQUENCE ? children(cert, outer)?.[0] : undefined;
  const fields = tbs?.tag === TAG_SEQUENCE ? children(cert, tbs) : null;
  // version?, serialNumber, signature, issuer, validity, subject, …
  const rest = fields?.[0]?.tag === TAG_VERSION ? fields.slice(1) : fields;
  const subject = rest?.[4];
  if (subject?.tag !== TAG_SEQUENCE) throw new PkiError('malformed', 'The certificate has no readable subject name');
  return bytesOf(cert, subject);
}
