/**
 * Object identifiers to the names Java (and so SAP) prints: JCA signature and key algorithm names, and the curve
 * names of the SunEC provider. Unknown OIDs stay dotted, as keytool shows them.
 */

/** How a signature algorithm verifies: its padding or scheme, and the digest node:crypto names it by. */
export interface SignatureScheme {
  readonly name: string;
  readonly scheme: 'rsa' | 'rsa-pss' | 'ecdsa' | 'dsa' | 'eddsa';
  /** null for EdDSA (no separate digest) and RSASSA-PSS (the digest is in the parameters). */
  readonly hash: string | null;
}

const SIGNATURE_ALGORITHMS: Record<string, SignatureScheme> = {};
function signature(oid: string, name: string, scheme: SignatureScheme['scheme'], hash: string | null): void {
  SIGNATURE_ALGORITHMS[oid] = { name, scheme, hash };
}
signature('1.2.840.113549.1.1.2', 'MD2withRSA', 'rsa', 'md2');
signature('1.2.840.113549.1.1.4', 'MD5withRSA', 'rsa', 'md5');
signature('1.2.840.113549.1.1.5', 'SHA1withRSA', 'rsa', 'sha1');
signature('1.3.14.3.2.29', 'SHA1withRSA', 'rsa', 'sha1');
signature('1.2.840.113549.1.1.10', 'RSASSA-PSS', 'rsa-pss', null);
signature('1.2.840.113549.1.1.11', 'SHA256withRSA', 'rsa', 'sha256');
signature('1.2.840.113549.1.1.12', 'SHA384withRSA', 'rsa', 'sha384');
signature('1.2.840.113549.1.1.13', 'SHA512withRSA', 'rsa', 'sha512');
signature('1.2.840.113549.1.1.14', 'SHA224withRSA', 'rsa', 'sha224');
signature('1.2.840.113549.1.1.15', 'SHA512/224withRSA', 'rsa', 'sha512-224');
signature('1.2.840.113549.1.1.16', 'SHA512/256withRSA', 'rsa', 'sha512-256');
signature('1.2.840.10045.4.1', 'SHA1withECDSA', 'ecdsa', 'sha1');
signature('1.2.840.10045.4.3.1', 'SHA224withECDSA', 'ecdsa', 'sha224');
signature('1.2.840.10045.4.3.2', 'SHA256withECDSA', 'ecdsa', 'sha256');
signature('1.2.840.10045.4.3.3', 'SHA384withECDSA', 'ecdsa', 'sha384');
signature('1.2.840.10045.4.3.4', 'SHA512withECDSA', 'ecdsa', 'sha512');
signature('1.2.840.10040.4.3', 'SHA1withDSA', 'dsa', 'sha1');
signature('1.3.14.3.2.27', 'SHA1withDSA', 'dsa', 'sha1');
signature('1.3.101.112', 'Ed25519', 'eddsa', null);
signature('1.3.101.113', 'Ed448', 'eddsa', null);
// NIST's arc: DSA 1-4, SHA-3 DSA 5-8, SHA-3 ECDSA 9-12, SHA-3 RSA 13-16.
for (const [arc, hash] of [
  [1, 'sha224'],
  [2, 'sha256'],
  [3, 'sha384'],
  [4, 'sha512'],
] as const) {
  signature(`2.16.840.1.101.3.4.3.${arc}`, `${hash.toUpperCase()}withDSA`, 'dsa', hash);
}
for (const [offset, bits] of [
  [0, 224],
  [1, 256],
  [2, 384],
  [3, 512],
] as const) {
  const hash = `sha3-${bits}`;
  signature(`2.16.840.1.101.3.4.3.${5 + offset}`, `SHA3-${bits}withDSA`, 'dsa', hash);
  signature(`2.16.840.1.101.3.4.3.${9 + offset}`, `SHA3-${bits}withECDSA`, 'ecdsa', hash);
  signature(`2.16.840.1.101.3.4.3.${13 + offset}`, `SHA3-${bits}withRSA`, 'rsa', hash);
}

/** JCA signature algorithm name (SHA256withRSA, RSASSA-PSS, Ed25519, …), else the dotted OID. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid]?.name ?? oid;
}

export function signatureScheme(oid: string): SignatureScheme | null {
  return SIGNATURE_ALGORITHMS[oid] ?? null;
}

const HASHES: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.5': 'sha512-224',
  '2.16.840.1.101.3.4.2.6': 'sha512-256',
  '2.16.840.1.101.3.4.2.7': 'sha3-224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
};

/** node:crypto's name for a digest algorithm OID (RSASSA-PSS parameters), null when unknown. */
export function hashName(oid: string): string | null {
  return HASHES[oid] ?? null;
}

const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '2.5.8.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.14.3.2.12': 'DSA',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.113549.1.3.1': 'DH',
  '1.2.840.10046.2.1': 'DH',
};

/** JCA key algorithm name of a SubjectPublicKeyInfo algorithm OID, null when Java has none. */
export function keyAlgorithmName(oid: string): string | null {
  return KEY_ALGORITHMS[oid] ?? null;
}

export interface NamedCurve {
  readonly name: string;
  /** Field size in bits, which is what Java reports as an EC key's size. */
  readonly bits: number;
}

// The curves of Java's CurveDB under their first (SEC 2) name, the one keytool prints: "256-bit EC (secp256r1) key".
const CURVES: Record<string, NamedCurve> = {};
function curve(oid: string, name: string, bits: number): void {
  CURVES[oid] = { name, bits };
}
curve('1.2.840.10045.3.1.1', 'secp192r1', 192);
curve('1.2.840.10045.3.1.2', 'X9.62 prime192v2', 192);
curve('1.2.840.10045.3.1.3', 'X9.62 prime192v3', 192);
curve('1.2.840.10045.3.1.4', 'X9.62 prime239v1', 239);
curve('1.2.840.10045.3.1.5', 'X9.62 prime239v2', 239);
curve('1.2.840.10045.3.1.6', 'X9.62 prime239v3', 239);
curve('1.2.840.10045.3.1.7', 'secp256r1', 256);
for (const [arc, name, bits] of [
  [1, 'sect163k1', 163],
  [2, 'sect163r1', 163],
  [3, 'sect239k1', 239],
  [4, 'sect113r1', 113],
  [5, 'sect113r2', 113],
  [6, 'secp112r1', 112],
  [7, 'secp112r2', 112],
  [8, 'secp160r1', 160],
  [9, 'secp160k1', 160],
  [10, 'secp256k1', 256],
  [15, 'sect163r2', 163],
  [16, 'sect283k1', 283],
  [17, 'sect283r1', 283],
  [22, 'sect131r1', 131],
  [23, 'sect131r2', 131],
  [24, 'sect193r1', 193],
  [25, 'sect193r2', 193],
  [26, 'sect233k1', 233],
  [27, 'sect233r1', 233],
  [28, 'secp128r1', 128],
  [29, 'secp128r2', 128],
  [30, 'secp160r2', 160],
  [31, 'secp192k1', 192],
  [32, 'secp224k1', 224],
  [33, 'secp224r1', 224],
  [34, 'secp384r1', 384],
  [35, 'secp521r1', 521],
  [36, 'sect409k1', 409],
  [37, 'sect409r1', 409],
  [38, 'sect571k1', 571],
  [39, 'sect571r1', 571],
] as const) {
  curve(`1.3.132.0.${arc}`, name, bits);
}
for (const [arc, bits] of [
  [1, 160],
  [3, 192],
  [5, 224],
  [7, 256],
  [9, 320],
  [11, 384],
  [13, 512],
] as const) {
  curve(`1.3.36.3.3.2.8.1.1.${arc}`, `brainpoolP${bits}r1`, bits);
}

export function namedCurve(oid: string): NamedCurve | null {
  return CURVES[oid] ?? null;
}

// OpenSSL names the X9.62 curves differently; every other curve it can match has the SEC 2 name Java uses.
const OPENSSL_CURVE_NAMES: Record<string, string> = { prime192v1: 'secp192r1', prime256v1: 'secp256r1' };

/** Java's name for a curve as OpenSSL (node:crypto) names it. */
export function curveNameFromOpenSsl(name: string): string {
  return OPENSSL_CURVE_NAMES[name] ?? name;
}
