import {
  children,
  readTlv,
  readWhole,
  TAG_BIT_STRING,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTC_TIME,
  type Tlv,
} from './der.js';
import { PkiError } from './errors.js';
import { decodeBase64, findPemBlocks } from './pem.js';

export { toPem } from './pem.js';

const NOT_CERTIFICATE = 'The request body does not contain an X.509 certificate';
const CRL = 'The input is a certificate revocation list (CRL), not a certificate';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const CRL_LABEL = 'X509 CRL';
// A JSON string holding base64 of a PEM file is as deep as real clients nest; the limit only stops recursion.
const MAX_DEPTH = 3;

function notCertificate(reason?: string): PkiError {
  return new PkiError('not-certificate', reason ? `${NOT_CERTIFICATE}: ${reason}` : NOT_CERTIFICATE);
}

export type DerKind = 'certificate' | 'crl' | 'csr' | 'private-key' | 'pkcs7' | 'other';

/**
 * What a complete DER element holds, judged by the shape of its first levels only: certificates and CRLs are
 * both SIGNED{…} sequences and differ in the TBS part (Validity SEQUENCE versus thisUpdate Time). Whether the
 * fields decode is parseCertificate's business.
 */
export function derKind(der: Uint8Array, outer: Tlv): DerKind {
  if (outer.tag !== TAG_SEQUENCE) return 'other';
  const top = children(der, outer);
  if (top === null || top.length < 2) return 'other';
  const [first, second, third] = top as [Tlv, Tlv, Tlv | undefined];
  if (top.length === 3 && first.tag === TAG_SEQUENCE && second.tag === TAG_SEQUENCE && third?.tag === TAG_BIT_STRING) {
    const tbs = children(der, first);
    if (tbs === null) return 'other';
    const tags = tbs.map((t) => t.tag);
    const v = tags[0] === 0xa0 ? 1 : 0;
    if (tags.length >= v + 6 && tags[v] === TAG_INTEGER && tags.slice(v + 1, v + 6).every((t) => t === TAG_SEQUENCE)) {
      return 'certificate';
    }
    const c = tags[0] === TAG_INTEGER ? 1 : 0;
    const time = tags[c + 2];
    if (
      tags[c] === TAG_SEQUENCE &&
      tags[c + 1] === TAG_SEQUENCE &&
      (time === TAG_UTC_TIME || time === TAG_GENERALIZED_TIME)
    ) {
      return 'crl';
    }
    if (tags[0] === TAG_INTEGER && tags[1] === TAG_SEQUENCE && tags[2] === TAG_SEQUENCE && tags.length <= 4)
      return 'csr';
    return 'other';
  }
  // PKCS#8 PrivateKeyInfo: version INTEGER, AlgorithmIdentifier, OCTET STRING key.
  if (first.tag === TAG_INTEGER && second.tag === TAG_SEQUENCE && third?.tag === TAG_OCTET_STRING) return 'private-key';
  // SEC 1 ECPrivateKey: version, OCTET STRING key. PKCS#1 RSAPrivateKey and OpenSSL's DSA key: six or more
  // INTEGERs (two would be an RSA public key).
  if (first.tag === TAG_INTEGER && second.tag === TAG_OCTET_STRING) return 'private-key';
  if (top.length >= 6 && top.every((t) => t.tag === TAG_INTEGER)) return 'private-key';
  // ContentInfo: contentType OID, [0] content (PKCS#7 / CMS).
  if (top.length === 2 && first.tag === TAG_OID && second.tag === 0xa0) return 'pkcs7';
  return 'other';
}

const DESCRIPTIONS: Record<Exclude<DerKind, 'certificate' | 'crl'>, string> = {
  csr: 'it is a certificate signing request (CSR)',
  'private-key': 'it is a private key',
  pkcs7: 'it is a PKCS#7 structure',
  other: 'the DER structure is not a certificate',
};

/** The certificate in `der`, which must be exactly one DER element. */
function certificateFromDer(der: Uint8Array, outer: Tlv): Uint8Array {
  const kind = derKind(der, outer);
  if (kind === 'certificate') return new Uint8Array(der.subarray(outer.start, outer.end));
  if (kind === 'crl') throw new PkiError('crl', CRL);
  throw notCertificate(DESCRIPTIONS[kind]);
}

// DER always carries control bytes (tags, short lengths); text that could hold PEM or base64 does not.
function looksBinary(input: Uint8Array): boolean {
  for (const byte of input) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return true;
  }
  return false;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function readPem(text: string): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  const others: string[] = [];
  let sawCrl = false;
  for (const { label, body } of findPemBlocks(text)) {
    if (!CERTIFICATE_LABELS.has(label)) {
      if (label === CRL_LABEL) sawCrl = true;
      else others.push(label);
      continue;
    }
    if (body === null) {
      throw new PkiError('malformed', `The PEM block "${label}" has no "-----END ${label}-----" line`);
    }
    if (body.includes('-----')) {
      throw new PkiError('malformed', `The PEM block "${label}" is not closed before the next PEM line`);
    }
    const der = decodeBase64(body);
    if (der === null) throw new PkiError('malformed', `The PEM block "${label}" does not contain valid base64`);
    // OpenSSL's TRUSTED CERTIFICATE is the certificate followed by its trust settings; only the first is ours.
    const outer = label === 'TRUSTED CERTIFICATE' ? readTlv(der, 0) : readWhole(der);
    if (outer === null) {
      const why = readTlv(der, 0) === null ? 'truncated or invalid DER' : 'bytes follow the certificate';
      throw new PkiError('malformed', `The PEM block "${label}" does not hold a valid certificate: ${why}`);
    }
    const kind = derKind(der, outer);
    if (kind === 'crl') throw new PkiError('crl', CRL);
    if (kind !== 'certificate') {
      throw new PkiError('malformed', `The PEM block "${label}" does not hold a certificate: ${DESCRIPTIONS[kind]}`);
    }
    certificates.push(new Uint8Array(der.subarray(outer.start, outer.end)));
  }
  if (certificates.length > 0) return certificates;
  if (sawCrl) throw new PkiError('crl', CRL);
  if (others.length > 0) throw notCertificate(`found PEM ${others.map((l) => `"${l}"`).join(', ')} instead`);
  throw notCertificate('the PEM header is incomplete');
}

function readText(raw: string, depth: number): Uint8Array[] {
  // A UTF-8 byte order mark reads as these three characters in latin1; JSON-decoded text may carry U+FEFF.
  const text = raw.replace(/^(\u00ef\u00bb\u00bf|\ufeff)/, '').trim();
  if (text.length === 0) throw notCertificate('the input is empty');
  if (text.startsWith('"') && depth < MAX_DEPTH) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A quoted PEM that is not valid JSON (say, a missing closing quote) is still read as PEM below.
      if (!text.includes('-----BEGIN ')) throw notCertificate('the input starts with a quote but is not a JSON string');
    }
    if (value !== undefined) {
      if (typeof value !== 'string') throw notCertificate('the JSON value is not a string');
      return readText(value, depth + 1);
    }
  }
  if (text.includes('-----BEGIN ')) return readPem(text);
  const unwrapped = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const der = decodeBase64(unwrapped);
  if (der === null) throw notCertificate();
  const outer = readWhole(der);
  if (outer !== null) return [certificateFromDer(der, outer)];
  if (depth < MAX_DEPTH && latin1(der.subarray(0, 64)).includes('-----BEGIN ')) return readText(latin1(der), depth + 1);
  throw notCertificate('the base64 text does not decode to DER');
}

/**
 * The DER bytes of every certificate in a request body, in order, each exactly as it was sent. Accepts PEM (with
 * any text around the blocks, also SAP's "[PEM]"), a JSON string literal holding any of the forms, bare base64 of
 * DER, and binary DER. Other PEM blocks beside certificates (a key, a CSR) are ignored; a CRL alone is refused
 * with code 'crl'. Throws only PkiError.
 */
export function readCertificates(input: Uint8Array): Uint8Array[] {
  if (input.length === 0) throw notCertificate('the input is empty');
  const outer = readWhole(input);
  if (outer !== null) return [certificateFromDer(input, outer)];
  const text = latin1(input);
  // Text around PEM blocks may hold control bytes (openssl -text dumps of odd names do), so PEM goes first.
  if (!text.includes('-----BEGIN ') && looksBinary(input)) {
    if (input[0] !== TAG_SEQUENCE) throw notCertificate('the input is binary but not DER');
    throw notCertificate(
      readTlv(input, 0) === null ? 'the DER data is truncated or invalid' : 'other bytes follow the DER data',
    );
  }
  return readText(text, 0);
}
