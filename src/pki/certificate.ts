import { createHash, createPublicKey } from 'node:crypto';
import { curveNameFromOpenSsl, keyAlgorithmName, namedCurve, signatureAlgorithmName } from './algorithms.js';
import {
  bytesOf,
  children,
  contentsOf,
  decodeOid,
  readTlv,
  readWhole,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_OID,
  TAG_SEQUENCE,
  type Tlv,
} from './der.js';
import { formatName, sameName } from './dn.js';
import { PkiError } from './errors.js';
import { verifySignature } from './signature.js';
import { decodeTime } from './time.js';

export interface CertificateFacts {
  subjectDn: string;
  issuerDn: string;
  /**
   * '0x' + uppercase hex without leading zeros ('0x11F11'); zero is '0x0'. A negative serial (invalid, but it
   * occurs) is '-0x' + the hex of its absolute value, the sign Java's BigInteger shows in keytool's output.
   */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** JCA key algorithm: 'RSA' | 'DSA' | 'EC' | 'Ed25519' | 'Ed448' | 'RSASSA-PSS' | 'X25519' | 'X448' | 'DH'; null if unknown. */
  keyType: string | null;
  /** Bits: RSA modulus, DSA/DH p, EC field size, Ed25519 255, Ed448 448; null when the key does not say. */
  keySize: number | null;
  /**
   * EC only: the curve as Java names it ('secp256r1', 'secp384r1', 'brainpoolP256r1', …), which is what keytool
   * prints; a named curve Java does not know stays a dotted OID; explicit parameters are matched to a known curve
   * where possible, else null.
   */
  curve: string | null;
  /** JCA name: SHA256withRSA, SHA256withECDSA, RSASSA-PSS, Ed25519, …; an unknown OID stays dotted. */
  signatureAlgorithm: string;
  version: number;
  /** Fingerprints of the DER: uppercase hex pairs joined by ':'. */
  sha1: string;
  sha256: string;
  sha512: string;
  /** Subject and issuer are the same name (same DER bytes). */
  selfIssued: boolean;
  /** SubjectPublicKeyInfo DER, as in the certificate. */
  subjectKeyDer: Uint8Array;
}

/** The raw parts of a certificate, by DER position; the ASN.1 library decodes values but does not keep bytes. */
interface CertificateParts {
  tbs: Tlv;
  version: Tlv | null;
  serial: Tlv;
  /** The signature algorithm inside the TBSCertificate, which must equal the outer one. */
  innerAlgorithm: Tlv;
  issuer: Tlv;
  validity: Tlv;
  subject: Tlv;
  spki: Tlv;
  signatureAlgorithm: Tlv;
  signature: Tlv;
}

function malformed(reason: string): PkiError {
  return new PkiError('malformed', `The certificate cannot be parsed: ${reason}`);
}

function splitCertificate(der: Uint8Array): CertificateParts {
  const outer = readWhole(der);
  if (outer === null) throw malformed('it is not one complete DER element');
  const top = outer.tag === TAG_SEQUENCE ? children(der, outer) : null;
  const [tbs, signatureAlgorithm, signature] = top ?? [];
  if (
    top?.length !== 3 ||
    tbs?.tag !== TAG_SEQUENCE ||
    signatureAlgorithm?.tag !== TAG_SEQUENCE ||
    signature?.tag !== TAG_BIT_STRING
  ) {
    throw malformed('it is not a signed SEQUENCE of TBSCertificate, AlgorithmIdentifier and signature');
  }
  const fields = children(der, tbs);
  if (fields === null) throw malformed('the TBSCertificate is not valid DER');
  const version = fields[0]?.tag === 0xa0 ? fields[0] : null;
  const [serial, innerAlgorithm, issuer, validity, subject, spki] = version ? fields.slice(1) : fields;
  if (
    serial?.tag !== TAG_INTEGER ||
    innerAlgorithm?.tag !== TAG_SEQUENCE ||
    issuer?.tag !== TAG_SEQUENCE ||
    validity?.tag !== TAG_SEQUENCE ||
    subject?.tag !== TAG_SEQUENCE ||
    spki?.tag !== TAG_SEQUENCE
  ) {
    throw malformed('the TBSCertificate does not have the fields of an X.509 certificate');
  }
  return { tbs, version, serial, innerAlgorithm, issuer, validity, subject, spki, signatureAlgorithm, signature };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** `00`, `01`, … `FF`: a lookup is cheaper than formatting and a regex over the hex of every digest. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function fingerprint(algorithm: string, der: Uint8Array): string {
  const digest = createHash(algorithm).update(der).digest();
  const pairs = new Array<string>(digest.length);
  for (let i = 0; i < digest.length; i++) pairs[i] = HEX_PAIRS[digest[i]!]!;
  return pairs.join(':');
}

function signedInteger(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${hex(bytes)}`);
  return (bytes[0]! & 0x80) === 0 ? unsigned : unsigned - (1n << BigInt(bytes.length * 8));
}

function formatSerial(bytes: Uint8Array): string {
  const value = signedInteger(bytes);
  return value < 0n ? `-0x${(-value).toString(16).toUpperCase()}` : `0x${value.toString(16).toUpperCase()}`;
}

function readVersion(der: Uint8Array, version: Tlv | null): number {
  if (version === null) return 1;
  const inner = readWhole(contentsOf(der, version));
  const value = inner?.tag === TAG_INTEGER ? signedInteger(contentsOf(contentsOf(der, version), inner)) : -1n;
  if (value < 0n || value > 1000n) throw malformed('the version is not a small non-negative INTEGER');
  return Number(value) + 1;
}

function readValidity(der: Uint8Array, validity: Tlv): [Date, Date] {
  const times = children(der, validity);
  const [from, until] = times ?? [];
  const notBefore = from && decodeTime(from.tag, contentsOf(der, from));
  const notAfter = until && decodeTime(until.tag, contentsOf(der, until));
  if (times?.length !== 2 || !notBefore || !notAfter) throw malformed('the validity is not two readable times');
  return [notBefore, notAfter];
}

/** Bit length of an unsigned big-endian integer's contents (a leading 0x00 sign byte ignored). */
function bitLength(contents: Uint8Array): number {
  let i = 0;
  while (i < contents.length && contents[i] === 0) i++;
  if (i === contents.length) return 0;
  return (contents.length - i - 1) * 8 + (32 - Math.clz32(contents[i]!));
}

/** The first INTEGER of a SEQUENCE (RSA modulus, DSA/DH p), as a bit length. */
function firstIntegerBits(der: Uint8Array): number | null {
  const outer = readWhole(der);
  const first = outer?.tag === TAG_SEQUENCE ? readTlv(der, outer.valueStart, outer.end) : null;
  return first?.tag === TAG_INTEGER ? bitLength(contentsOf(der, first)) : null;
}

interface KeyFacts {
  keyType: string | null;
  keySize: number | null;
  curve: string | null;
}

function ecFacts(spkiDer: Uint8Array, parameters: Uint8Array | null): KeyFacts {
  const params = parameters && readWhole(parameters);
  if (params?.tag === TAG_OID) {
    const oid = decodeOid(contentsOf(parameters!, params));
    const known = oid === null ? null : namedCurve(oid);
    return { keyType: 'EC', keySize: known?.bits ?? null, curve: known?.name ?? oid };
  }
  if (params?.tag === TAG_SEQUENCE) {
    // ECParameters { version, fieldID { fieldType, prime p | characteristic-two { m, … } }, … }
    const fieldId = children(parameters!, params)?.[1];
    const fieldParts = fieldId?.tag === TAG_SEQUENCE ? children(parameters!, fieldId) : null;
    const fieldParam = fieldParts?.[1];
    let keySize: number | null = null;
    if (fieldParam?.tag === TAG_INTEGER) keySize = bitLength(contentsOf(parameters!, fieldParam));
    else if (fieldParam?.tag === TAG_SEQUENCE) {
      const m = readTlv(parameters!, fieldParam.valueStart, fieldParam.end);
      if (m?.tag === TAG_INTEGER) keySize = Number(signedInteger(contentsOf(parameters!, m)));
    }
    let curve: string | null = null;
    try {
      // OpenSSL recognises explicit parameters that equal a named curve; matching them ourselves needs every curve's constants.
      const name = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }).asymmetricKeyDetails
        ?.namedCurve;
      if (name) curve = curveNameFromOpenSsl(name);
    } catch {
      // Parameters OpenSSL cannot use: the facts stay without a curve name.
    }
    return { keyType: 'EC', keySize, curve };
  }
  return { keyType: 'EC', keySize: null, curve: null };
}

/**
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }: the OID, and the
 * parameters as one whole DER element. Read with the DER reader rather than an ASN.1 schema library: a certificate's
 * facts are read on every import, and the schema parser cost more than everything else of it together.
 */
function algorithmIdentifier(der: Uint8Array, tlv: Tlv): { oid: string; parameters: Uint8Array | null } | null {
  const parts = tlv.tag === TAG_SEQUENCE ? children(der, tlv) : null;
  const [algorithm, parameters] = parts ?? [];
  if (!parts || parts.length > 2 || algorithm?.tag !== TAG_OID) return null;
  const oid = decodeOid(contentsOf(der, algorithm));
  if (oid === null) return null;
  return { oid, parameters: parameters ? bytesOf(der, parameters) : null };
}

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }. */
function readSpki(spkiDer: Uint8Array): { oid: string; parameters: Uint8Array | null; key: Uint8Array } | null {
  const outer = readWhole(spkiDer);
  const parts = outer?.tag === TAG_SEQUENCE ? children(spkiDer, outer) : null;
  const [algorithm, key] = parts ?? [];
  if (parts?.length !== 2 || !algorithm || key?.tag !== TAG_BIT_STRING || key.end === key.valueStart) return null;
  const id = algorithmIdentifier(spkiDer, algorithm);
  // The key's bits follow the BIT STRING's count of unused bits.
  return id && { ...id, key: spkiDer.subarray(key.valueStart + 1, key.end) };
}

function keyFacts(spkiDer: Uint8Array): KeyFacts {
  const spki = readSpki(spkiDer);
  if (!spki) throw malformed('the SubjectPublicKeyInfo cannot be decoded');
  const { oid, parameters, key } = spki;
  const keyType = keyAlgorithmName(oid);
  switch (keyType) {
    case 'RSA':
    case 'RSASSA-PSS':
      return { keyType, keySize: firstIntegerBits(key), curve: null };
    case 'DSA':
    case 'DH':
      return { keyType, keySize: parameters ? firstIntegerBits(parameters) : null, curve: null };
    case 'EC':
      return ecFacts(spkiDer, parameters);
    case 'Ed25519':
    case 'X25519':
      return { keyType, keySize: 255, curve: null };
    case 'Ed448':
    case 'X448':
      return { keyType, keySize: 448, curve: null };
    default:
      return { keyType: null, keySize: null, curve: null };
  }
}

function signatureAlgorithmOf(der: Uint8Array, algorithm: Tlv): string {
  const id = algorithmIdentifier(der, algorithm);
  if (!id) throw malformed('the signature AlgorithmIdentifier cannot be decoded');
  return signatureAlgorithmName(id.oid);
}

/**
 * The facts SAP shows for a certificate, from its DER. Lenient like Java's parser where certificates in the wild
 * are odd (BER times, empty names, unknown algorithms, negative serials), strict about the DER structure itself.
 * Throws PkiError('malformed') for anything that is not an X.509 certificate.
 */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  const parts = splitCertificate(der);
  const issuerDer = bytesOf(der, parts.issuer);
  const subjectDer = bytesOf(der, parts.subject);
  const subjectKeyDer = new Uint8Array(bytesOf(der, parts.spki));
  const [notBefore, notAfter] = readValidity(der, parts.validity);
  return {
    subjectDn: formatName(subjectDer),
    issuerDn: formatName(issuerDer),
    serial: formatSerial(contentsOf(der, parts.serial)),
    notBefore,
    notAfter,
    ...keyFacts(subjectKeyDer),
    signatureAlgorithm: signatureAlgorithmOf(der, parts.signatureAlgorithm),
    version: readVersion(der, parts.version),
    sha1: fingerprint('sha1', der),
    sha256: fingerprint('sha256', der),
    sha512: fingerprint('sha512', der),
    selfIssued: Buffer.from(issuerDer).equals(subjectDer),
    subjectKeyDer,
  };
}

/**
 * Whether `issuer` issued `child`: the issuer's subject is the child's issuer name and the child's signature
 * verifies with the issuer's public key. Never throws: anything unreadable is simply not a signature by it.
 */
export function isSignedBy(child: Uint8Array, issuer: Uint8Array): boolean {
  try {
    const parts = splitCertificate(child);
    const issuerParts = splitCertificate(issuer);
    if (!sameName(bytesOf(child, parts.issuer), bytesOf(issuer, issuerParts.subject))) return false;
    const algorithm = bytesOf(child, parts.signatureAlgorithm);
    // RFC 5280 4.1.1.2; otherwise the signed algorithm could be swapped for a weaker one outside the signature.
    if (!Buffer.from(algorithm).equals(bytesOf(child, parts.innerAlgorithm))) return false;
    return verifySignature(
      bytesOf(child, parts.tbs),
      algorithm,
      contentsOf(child, parts.signature),
      bytesOf(issuer, issuerParts.spki),
    );
  } catch {
    return false;
  }
}
