import * as asn1js from 'asn1js';
import { isSignedBy } from './certificate.js';
import { children, readTlv, readWhole, type Tlv } from './der.js';
import { PkiError } from './errors.js';
import { derElement as tlv } from './generate.js';
import { decodeBase64, findPemBlocks, toPem } from './pem.js';
import { derKind, readCertificates } from './sniff.js';

/**
 * Certificate chains as SAP's CertificateChainResources accepts them (reference §3.5): PKCS#7 in DER, PEM or
 * base64 (SPC files are PKCS#7 too), PkiPath, and certificates one after the other. The Content-Type is only a
 * hint, so the format is found from the bytes.
 */

const NOT_CHAIN = 'The request body does not contain a certificate chain (PKCS#7, PkiPath or certificates)';
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
// A JSON string holding base64 of PEM is as deep as clients nest; the limit only stops recursion.
const MAX_DEPTH = 3;

function notChain(reason?: string): PkiError {
  return new PkiError('not-certificate', reason ? `${NOT_CHAIN}: ${reason}` : NOT_CHAIN);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function unique(ders: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const der of ders) if (!out.some((d) => same(d, der))) out.push(der);
  return out;
}

/**
 * `leaf` followed by its issuers as far as `pool` holds them, each one verified to have signed the one before.
 * Stops at a self-issued certificate, at a missing issuer and at a loop.
 */
export function certificationPath(leaf: Uint8Array, pool: readonly Uint8Array[]): Uint8Array[] {
  const path = [leaf];
  const rest = unique(pool).filter((c) => !same(c, leaf));
  for (let current = leaf; ; ) {
    const index = rest.findIndex((candidate) => isSignedBy(current, candidate));
    if (index < 0) return path;
    current = rest.splice(index, 1)[0]!;
    path.push(current);
  }
}

/**
 * Leaf first, then each certificate's issuer, by signature rather than name alone. The leaf is a certificate that
 * issued none of the others; of several, the one with the longest path, then the first in input order.
 * Duplicates are dropped; certificates that are not on the leaf's path follow in input order, so that nothing the
 * caller sent disappears silently.
 */
export function orderChain(ders: readonly Uint8Array[]): Uint8Array[] {
  const certs = unique(ders);
  if (certs.length < 2) return certs;
  const leaves = certs.filter((issuer) => !certs.some((child) => child !== issuer && isSignedBy(child, issuer)));
  // None when the certificates sign each other in a loop (cross-certification): start where the caller did.
  if (leaves.length === 0) leaves.push(certs[0]!);
  let path: Uint8Array[] = [];
  for (const leaf of leaves) {
    const candidate = certificationPath(leaf, certs);
    if (candidate.length > path.length) path = candidate;
  }
  // certificationPath returns the very objects of `certs`, so identity tells which are on the path.
  return [...path, ...certs.filter((c) => !path.includes(c))];
}

/** The certificates of a PKCS#7/CMS SignedData (DER or BER), each byte for byte as the file holds it. */
function pkcs7Certificates(input: Uint8Array): Uint8Array[] {
  const parsed = asn1js.fromBER(input, { parseEmbedded: false });
  if (parsed.offset !== input.length) throw notChain('the PKCS#7 data is truncated or followed by other bytes');
  const [type, wrapped] = parsed.result instanceof asn1js.Sequence ? parsed.result.valueBlock.value : [];
  if (!(type instanceof asn1js.ObjectIdentifier) || !(wrapped instanceof asn1js.Constructed)) {
    throw notChain('the PKCS#7 ContentInfo is not readable');
  }
  if (type.getValue() !== OID_SIGNED_DATA) {
    throw notChain(`the PKCS#7 content is ${type.getValue()}, not SignedData`);
  }
  const signedData = wrapped.valueBlock.value[0];
  if (!(signedData instanceof asn1js.Sequence)) throw notChain('the PKCS#7 SignedData is not readable');
  // SignedData { version, digestAlgorithms, encapContentInfo, [0] IMPLICIT certificates OPTIONAL, [1] crls, … }
  const certificates = signedData.valueBlock.value.find((v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0);
  const out: Uint8Array[] = [];
  if (certificates instanceof asn1js.Constructed) {
    for (const choice of certificates.valueBlock.value) {
      // CertificateChoices: only a plain Certificate is a SEQUENCE; attribute and "other" certificates are tagged.
      if (!(choice instanceof asn1js.Sequence)) continue;
      const der = new Uint8Array(choice.valueBeforeDecodeView);
      const outer = readWhole(der);
      if (outer !== null && derKind(der, outer) === 'certificate') out.push(der);
    }
  }
  if (out.length === 0) throw notChain('the PKCS#7 structure holds no X.509 certificate');
  return out;
}

/** A DER SEQUENCE whose elements are all certificates: PkiPath (root first) or a lone certificate. */
function pkiPathCertificates(der: Uint8Array, outer: Tlv): Uint8Array[] | null {
  const elements = children(der, outer);
  if (!elements || elements.length === 0) return null;
  const certs = elements.map((e) => der.subarray(e.start, e.end));
  return certs.every((c) => derKind(c, readWhole(c)!) === 'certificate') ? certs.map((c) => new Uint8Array(c)) : null;
}

function fromBinary(input: Uint8Array): Uint8Array[] {
  const outer = readWhole(input);
  if (outer !== null) {
    const kind = derKind(input, outer);
    if (kind === 'certificate') return [new Uint8Array(input)];
    if (kind === 'pkcs7') return orderChain(pkcs7Certificates(input));
    if (kind === 'crl')
      throw new PkiError('crl', 'The input is a certificate revocation list (CRL), not a certificate');
    const path = pkiPathCertificates(input, outer);
    if (path !== null) return orderChain(path.reverse());
    throw notChain('the DER structure is neither PKCS#7 nor PkiPath');
  }
  // BER (indefinite lengths) is how some Windows and Java tools write PKCS#7.
  if (input[0] === 0x30 && input[1] === 0x80) return orderChain(pkcs7Certificates(input));
  // Certificates one after the other, as `cat a.der b.der` makes them.
  const certs: Uint8Array[] = [];
  for (let pos = 0; pos < input.length; ) {
    const tlv = readTlv(input, pos);
    const der = tlv === null ? null : input.subarray(tlv.start, tlv.end);
    if (tlv === null || der === null || derKind(der, readWhole(der)!) !== 'certificate') {
      throw notChain('the binary data is not DER');
    }
    certs.push(new Uint8Array(der));
    pos = tlv.end;
  }
  return orderChain(certs);
}

// DER always carries control bytes (tags, short lengths); text that could hold PEM or base64 does not.
function looksBinary(input: Uint8Array): boolean {
  for (const byte of input) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return true;
  }
  return false;
}

function fromText(raw: string, depth: number): Uint8Array[] {
  const text = raw.replace(/^(\u00ef\u00bb\u00bf|\ufeff)/, '').trim();
  if (text.length === 0) throw notChain('the input is empty');
  if (text.startsWith('"') && depth < MAX_DEPTH) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notChain('the input starts with a quote but is not a JSON string');
    }
    if (typeof value !== 'string') throw notChain('the JSON value is not a string');
    return fromText(value, depth + 1);
  }
  if (text.includes('-----BEGIN ')) {
    const blocks = findPemBlocks(text);
    const certs: Uint8Array[] = [];
    for (const block of blocks.filter((b) => PKCS7_LABELS.has(b.label))) {
      const der = block.body === null ? null : decodeBase64(block.body);
      if (der === null) throw notChain(`the PEM block "${block.label}" is not closed or not valid base64`);
      certs.push(...pkcs7Certificates(der));
    }
    // Certificate blocks beside (or instead of) PKCS#7 ones; readCertificates ignores the PKCS#7 blocks.
    if (certs.length === 0 || blocks.some((b) => !PKCS7_LABELS.has(b.label))) {
      try {
        certs.push(...readCertificates(Buffer.from(text, 'latin1')));
      } catch (error) {
        if (certs.length === 0) throw error;
      }
    }
    return orderChain(certs);
  }
  const unwrapped = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const der = decodeBase64(unwrapped);
  if (der === null) throw notChain();
  if (depth < MAX_DEPTH && !looksBinary(der)) return fromText(Buffer.from(der).toString('latin1'), depth + 1);
  return fromBinary(der);
}

/**
 * The certificates of a chain, leaf first, each byte for byte as sent. Reads PKCS#7/CMS SignedData (DER, BER, PEM
 * `PKCS7`/`CMS`, base64), PkiPath (root first), one or more PEM certificates, concatenated DER certificates, and
 * any of these in a JSON string literal or SAP's square brackets. Throws PkiError 'not-certificate' (or 'crl').
 */
export function readChain(input: Uint8Array): Uint8Array[] {
  if (input.length === 0) throw notChain('the input is empty');
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  if (!text.includes('-----BEGIN ') && looksBinary(input)) return fromBinary(input);
  return fromText(text, 0);
}

// OBJECT IDENTIFIER elements, complete: signedData and data.
const SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const DATA = Buffer.from('06092a864886f70d010701', 'hex');

/**
 * A certs-only PKCS#7 SignedData (DER ContentInfo), as `openssl crl2pkcs7 -nocrl` writes it: no signers, the
 * certificates in the given order (conventionally leaf first).
 */
export function writePkcs7(ders: readonly Uint8Array[]): Buffer {
  for (const der of ders) {
    const outer = readWhole(der);
    if (outer === null || derKind(der, outer) !== 'certificate') {
      throw new PkiError('malformed', 'A certificate of the chain is not one DER-encoded X.509 certificate');
    }
  }
  const certificates = ders.length > 0 ? [tlv(0xa0, ...ders)] : [];
  const signedData = tlv(
    0x30,
    tlv(0x02, Uint8Array.of(1)), // version
    tlv(0x31), // digestAlgorithms
    tlv(0x30, DATA), // encapContentInfo without content
    ...certificates,
    tlv(0x31), // signerInfos
  );
  return tlv(0x30, SIGNED_DATA, tlv(0xa0, signedData));
}

/** PEM of a PKCS#7 DER, as SAP exports a chain (D16). */
export function pkcs7Pem(der: Uint8Array): string {
  return toPem(der, 'PKCS7');
}
