import {
  createHash,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  generateKeyPairSync,
  getCurves,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import { readWhole } from './der.js';
import { PkiError } from './errors.js';
import { describeKey, type KeyType } from './keys.js';

/**
 * Key pairs and self-signed certificates as SAP's KeyPairGenerationRequests makes them (reference §3.6), and the
 * signature algorithm names its requests use (D18). Signing is node:crypto's, synchronous, and covers DSA, which
 * WebCrypto (and so @peculiar/x509) cannot do; the structures are written with asn1js.
 */

export interface KeyPairSpec {
  keyType: 'RSA' | 'EC' | 'DSA';
  /** Bits. RSA: 512–16384, default 4096 (SAP's default). EC: 192, 224, 256, 384 or 521. DSA: 1024, 2048 or 3072. */
  keySize?: number;
  /** EC only, instead of keySize: a curve name as Java or OpenSSL spells it (secp256r1, prime256v1, P-256, …). */
  curve?: string;
}

export interface Subject {
  CN: string;
  C?: string;
  O?: string;
  OU?: string;
  L?: string;
  ST?: string;
  E?: string;
}

export interface SelfSignedOptions {
  subject: Subject;
  /** A JCA name (SHA256withRSA, SHA384withECDSA, SHA256withDSA, Ed25519); see normalizeSignatureAlgorithm. */
  signatureAlgorithm: string;
  notBefore: Date;
  notAfter: Date;
  /** The serial number's magnitude, big-endian; random 16 bytes when absent. */
  serial?: Uint8Array;
}

// --- key generation ------------------------------------------------------------------------------------------------

// Java's curve names for the sizes keytool and SAP accept, as OpenSSL names them.
const EC_BY_SIZE: Record<number, string> = {
  192: 'prime192v1',
  224: 'secp224r1',
  256: 'prime256v1',
  384: 'secp384r1',
  521: 'secp521r1',
};
const CURVE_ALIASES: Record<string, string> = {
  secp192r1: 'prime192v1',
  secp256r1: 'prime256v1',
  'p-192': 'prime192v1',
  'p-224': 'secp224r1',
  'p-256': 'prime256v1',
  'p-384': 'secp384r1',
  'p-521': 'secp521r1',
  nistp256: 'prime256v1',
  nistp384: 'secp384r1',
  nistp521: 'secp521r1',
};
// The subgroup size Java's DSA key generator pairs with each modulus (FIPS 186-3: L=2048 with N=224).
const DSA_DIVISOR: Record<number, number> = { 1024: 160, 2048: 224, 3072: 256 };

type GenerateArgs =
  | ['rsa', { modulusLength: number }]
  | ['ec', { namedCurve: string }]
  | ['dsa', { modulusLength: number; divisorLength: number }];

function unsupported(message: string): PkiError {
  return new PkiError('unsupported', message);
}

function curveFor(spec: KeyPairSpec): string {
  if (spec.curve !== undefined && spec.curve !== '') {
    const wanted = CURVE_ALIASES[spec.curve.toLowerCase()] ?? spec.curve;
    const known = getCurves().find((c) => c.toLowerCase() === wanted.toLowerCase());
    if (known === undefined) throw unsupported(`The elliptic curve '${spec.curve}' is not supported`);
    return known;
  }
  const size = spec.keySize ?? 256;
  const curve = EC_BY_SIZE[size];
  if (curve === undefined) {
    throw unsupported(`EC key size ${size} is not supported; use 256, 384 or 521 (or 192, 224), or a curve name`);
  }
  return curve;
}

function generateArgs(spec: KeyPairSpec): GenerateArgs {
  switch (spec.keyType) {
    case 'RSA': {
      const size = spec.keySize ?? 4096;
      if (!Number.isInteger(size) || size < 512 || size > 16384) {
        throw unsupported(`RSA key size ${size} is not supported; use 512 to 16384 bits`);
      }
      return ['rsa', { modulusLength: size }];
    }
    case 'EC':
      return ['ec', { namedCurve: curveFor(spec) }];
    case 'DSA': {
      const size = spec.keySize ?? 2048;
      const divisorLength = DSA_DIVISOR[size];
      if (divisorLength === undefined)
        throw unsupported(`DSA key size ${size} is not supported; use 1024, 2048 or 3072`);
      return ['dsa', { modulusLength: size, divisorLength }];
    }
    default:
      throw unsupported(
        `Key type '${String((spec as { keyType: unknown }).keyType)}' is not supported; use RSA, EC or DSA`,
      );
  }
}

/**
 * A new private key (its public half via createPublicKey). Blocks the thread while OpenSSL searches primes:
 * about 1–3 s for RSA 4096 and for DSA 3072; servers should prefer generateKeyPairAsync.
 */
export function generateKeyPair(spec: KeyPairSpec): KeyObject {
  const [type, options] = generateArgs(spec);
  // The overloads of generateKeyPairSync are per type; one call with the union type matches none of them.
  return (generateKeyPairSync as (t: string, o: object) => { privateKey: KeyObject })(type, options).privateKey;
}

/** generateKeyPair on libuv's thread pool, so that a request does not stall the event loop. */
export function generateKeyPairAsync(spec: KeyPairSpec): Promise<KeyObject> {
  const [type, options] = generateArgs(spec);
  return new Promise((resolve, reject) => {
    (
      generateKeyPairCallback as (
        t: string,
        o: object,
        cb: (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) => void,
      ) => void
    )(type, options, (error, _publicKey, privateKey) => (error ? reject(error) : resolve(privateKey)));
  });
}

// --- signature algorithms ------------------------------------------------------------------------------------------

interface Signer {
  oid: string;
  keyType: KeyType;
  /** node:crypto digest; null for EdDSA. */
  hash: string | null;
  /** RSA PKCS#1 v1.5 identifiers carry NULL parameters (RFC 4055); ECDSA, DSA and EdDSA none (RFC 5758, 8410). */
  nullParams: boolean;
}

const SIGNERS: Record<string, Signer> = {};
for (const [bits, rsa, ecdsa, dsa] of [
  ['1', '1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3'],
  ['224', '1.2.840.113549.1.1.14', '1.2.840.10045.4.3.1', '2.16.840.1.101.3.4.3.1'],
  ['256', '1.2.840.113549.1.1.11', '1.2.840.10045.4.3.2', '2.16.840.1.101.3.4.3.2'],
  ['384', '1.2.840.113549.1.1.12', '1.2.840.10045.4.3.3', '2.16.840.1.101.3.4.3.3'],
  ['512', '1.2.840.113549.1.1.13', '1.2.840.10045.4.3.4', '2.16.840.1.101.3.4.3.4'],
] as const) {
  const hash = `sha${bits}`;
  SIGNERS[`SHA${bits}withRSA`] = { oid: rsa, keyType: 'RSA', hash, nullParams: true };
  SIGNERS[`SHA${bits}withECDSA`] = { oid: ecdsa, keyType: 'EC', hash, nullParams: false };
  SIGNERS[`SHA${bits}withDSA`] = { oid: dsa, keyType: 'DSA', hash, nullParams: false };
}
SIGNERS.Ed25519 = { oid: '1.3.101.112', keyType: 'Ed25519', hash: null, nullParams: false };
SIGNERS.Ed448 = { oid: '1.3.101.113', keyType: 'Ed448', hash: null, nullParams: false };

// As the names are spoken: "an RSA key", "an EC key", "a DSA key".
function withArticle(keyType: KeyType): string {
  return `${keyType === 'DSA' ? 'a' : 'an'} ${keyType}`;
}

const KEY_WORDS: Record<string, KeyType> = { RSA: 'RSA', ECDSA: 'EC', EC: 'EC', DSA: 'DSA' };
// SHA-256/RSA (SAP's help), SHA256/RSA (its examples), SHA256withRSA (JCA), any case, blanks tolerated.
const HASH_AND_KEY = /^\s*SHA-?(1|224|256|384|512)\s*(?:\/|with)\s*(RSA|ECDSA|EC|DSA)\s*$/i;

/**
 * The JCA name (SHA256withRSA, SHA512withECDSA, SHA1withDSA, Ed25519) of a signature algorithm as SAP's requests
 * spell it (`SHA-256/RSA`, `SHA256/RSA`, `SHA256withRSA`, …). Throws PkiError('unsupported') for names we do not
 * know and for names that do not fit `keyType`.
 */
export function normalizeSignatureAlgorithm(name: string, keyType: KeyType): string {
  const match = HASH_AND_KEY.exec(name);
  let jca: string | undefined;
  if (match) {
    const word = KEY_WORDS[match[2]!.toUpperCase()];
    jca = `SHA${match[1]}with${word === 'EC' ? 'ECDSA' : word}`;
  } else if (/^\s*(Ed25519|Ed448|EdDSA)\s*$/i.test(name)) {
    const word = name.trim().toLowerCase();
    jca = word === 'eddsa' ? (keyType === 'Ed448' ? 'Ed448' : 'Ed25519') : word === 'ed448' ? 'Ed448' : 'Ed25519';
  }
  const signer = jca === undefined ? undefined : SIGNERS[jca];
  if (jca === undefined || signer === undefined)
    throw unsupported(`The signature algorithm '${name}' is not supported`);
  if (signer.keyType !== keyType) {
    throw unsupported(`The signature algorithm '${name}' does not fit ${withArticle(keyType)} key`);
  }
  return jca;
}

/** What keytool picks for a key when no algorithm is named: SHA-256, or a digest as strong as a larger key. */
export function defaultSignatureAlgorithm(key: KeyObject): string {
  const { keyType, keySize } = describeKey(key);
  switch (keyType) {
    case 'RSA':
      return keySize > 7680 ? 'SHA512withRSA' : keySize > 3072 ? 'SHA384withRSA' : 'SHA256withRSA';
    case 'EC':
      return keySize > 384 ? 'SHA512withECDSA' : keySize > 256 ? 'SHA384withECDSA' : 'SHA256withECDSA';
    case 'DSA':
      return 'SHA256withDSA';
    default:
      return keyType;
  }
}

function signatureAlgorithmIdentifier(signer: Signer): asn1js.Sequence {
  const value: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: signer.oid })];
  if (signer.nullParams) value.push(new asn1js.Null());
  return new asn1js.Sequence({ value });
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/**
 * One DER element around already-encoded contents, byte for byte. ASN.1 writers re-encode what they embed, and a
 * name taken from a certificate must reach a signing request unchanged.
 */
export function derElement(tag: number, ...contents: Uint8Array[]): Buffer {
  const length = contents.reduce((n, c) => n + c.length, 0);
  return Buffer.concat([Uint8Array.of(tag), derLength(length), ...contents]);
}

/**
 * Signs a to-be-signed structure's DER (TBSCertificate, CertificationRequestInfo) and returns the SIGNED{}
 * SEQUENCE: the structure, the AlgorithmIdentifier, the signature BIT STRING. A TBSCertificate must already hold
 * the same AlgorithmIdentifier; signatureAlgorithmFor gives it.
 */
export function signStructure(key: KeyObject, algorithm: string, tbs: Uint8Array): Buffer {
  const signer = signerFor(key, algorithm);
  let signature: Buffer;
  try {
    signature =
      signer.hash === null
        ? sign(null, tbs, key)
        : sign(signer.hash, tbs, signer.keyType === 'RSA' ? key : { key, dsaEncoding: 'der' });
  } catch (error) {
    // RSA keys too short for the digest's DigestInfo ("digest too big for rsa key") end here.
    const reason = error instanceof Error ? error.message.replace(/^error:[0-9A-F]+:/, '') : String(error);
    throw unsupported(`The key cannot sign with ${algorithm}: ${reason}`);
  }
  const algorithmDer = new Uint8Array(signatureAlgorithmIdentifier(signer).toBER());
  const signatureDer = new Uint8Array(new asn1js.BitString({ valueHex: signature }).toBER());
  return derElement(0x30, tbs, algorithmDer, signatureDer);
}

function signerFor(key: KeyObject, algorithm: string): Signer {
  if (key.type !== 'private') throw unsupported('Signing needs a private key');
  const signer = SIGNERS[algorithm];
  if (signer === undefined) throw unsupported(`The signature algorithm '${algorithm}' is not supported`);
  const { keyType } = describeKey(key);
  if (signer.keyType !== keyType) {
    throw unsupported(`The signature algorithm '${algorithm}' does not fit ${withArticle(keyType)} key`);
  }
  return signer;
}

/** The AlgorithmIdentifier to put inside a TBSCertificate for `algorithm`, checked against the key. */
export function signatureAlgorithmFor(key: KeyObject, algorithm: string): asn1js.Sequence {
  return signatureAlgorithmIdentifier(signerFor(key, algorithm));
}

// --- self-signed certificates --------------------------------------------------------------------------------------

const NAME_OIDS = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  E: '1.2.840.113549.1.9.1',
} as const;
// DER order is the reverse of how Java prints a DN: "CN=…, OU=…, O=…, L=…, ST=…, C=…" is written C first;
// the e-mail address, as openssl puts it, after the CN.
const NAME_ORDER = ['C', 'ST', 'L', 'O', 'OU', 'CN', 'E'] as const;
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function attributeValue(field: (typeof NAME_ORDER)[number], value: string): asn1js.AsnType {
  if (field === 'C') {
    if (value.length !== 2 || !PRINTABLE.test(value)) {
      throw new PkiError('malformed', `The country '${value}' is not a two-letter code`);
    }
    return new asn1js.PrintableString({ value });
  }
  if (field === 'E') {
    if (!/^[\x20-\x7e]+$/.test(value)) throw new PkiError('malformed', `The e-mail address '${value}' is not ASCII`);
    return new asn1js.IA5String({ value });
  }
  return new asn1js.Utf8String({ value });
}

/** The subject as a DER Name, the way Java's X500Name encodes it (PrintableString country, UTF8String otherwise). */
export function encodeName(subject: Subject): asn1js.Sequence {
  if (subject.CN === undefined || subject.CN.trim() === '')
    throw new PkiError('malformed', 'The common name (CN) is empty');
  const rdns: asn1js.Set[] = [];
  for (const field of NAME_ORDER) {
    const value = subject[field];
    if (value === undefined || value === '') continue;
    const ava = new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: NAME_OIDS[field] }), attributeValue(field, value)],
    });
    rdns.push(new asn1js.Set({ value: [ava] }));
  }
  return new asn1js.Sequence({ value: rdns });
}

// RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds either way.
function encodeTime(date: Date): asn1js.AsnType {
  const valueDate = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = valueDate.getUTCFullYear();
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate }) : new asn1js.GeneralizedTime({ valueDate });
}

function serialInteger(serial: Uint8Array | undefined): asn1js.Integer {
  let magnitude = serial === undefined ? randomBytes(16) : Buffer.from(serial);
  if (serial === undefined) magnitude[0]! &= 0x7f;
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  magnitude = magnitude.subarray(start);
  if (magnitude.length === 0) throw new PkiError('malformed', 'The serial number is empty');
  // A positive INTEGER: a leading zero byte keeps the top bit from reading as a sign.
  const contents = magnitude[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), magnitude]) : magnitude;
  return new asn1js.Integer({ valueHex: contents });
}

function parseSpki(key: KeyObject): { node: asn1js.AsnType; keyBits: Uint8Array } {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const node = asn1js.fromBER(spki).result;
  const bitString = node instanceof asn1js.Sequence ? node.valueBlock.value[1] : undefined;
  if (!(bitString instanceof asn1js.BitString) || readWhole(spki) === null)
    throw unsupported('The public key cannot be encoded');
  return { node, keyBits: bitString.valueBlock.valueHexView };
}

/**
 * A self-signed X.509 v3 certificate (DER) for `key`, as keytool -genkeypair makes one: issuer = subject, and a
 * SubjectKeyIdentifier (SHA-1 of the public key bits, RFC 5280 4.2.1.2 method 1) as its only extension. Signed
 * with `opts.signatureAlgorithm` (a JCA name), which must fit the key. RSA, EC, DSA, Ed25519 and Ed448 keys.
 */
export function createSelfSigned(key: KeyObject, opts: SelfSignedOptions): Buffer {
  const notBefore = opts.notBefore.getTime();
  const notAfter = opts.notAfter.getTime();
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter))
    throw new PkiError('malformed', 'The validity dates are invalid');
  if (notAfter < notBefore) throw new PkiError('malformed', 'The certificate would expire before it becomes valid');
  const algorithm = signatureAlgorithmFor(key, opts.signatureAlgorithm);
  const name = encodeName(opts.subject);
  const { node: spki, keyBits } = parseSpki(key);
  const keyIdentifier = createHash('sha1').update(keyBits).digest();
  const subjectKeyIdentifier = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: '2.5.29.14' }),
      new asn1js.OctetString({ valueHex: new asn1js.OctetString({ valueHex: keyIdentifier }).toBER() }),
    ],
  });
  const tbs = new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 2 })] }),
      serialInteger(opts.serial),
      algorithm,
      name,
      new asn1js.Sequence({ value: [encodeTime(opts.notBefore), encodeTime(opts.notAfter)] }),
      name,
      spki,
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 3 },
        value: [new asn1js.Sequence({ value: [subjectKeyIdentifier] })],
      }),
    ],
  });
  return signStructure(key, opts.signatureAlgorithm, new Uint8Array(tbs.toBER()));
}
