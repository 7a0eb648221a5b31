import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { curveNameFromOpenSsl, namedCurve } from './algorithms.js';
import { parseCertificate } from './certificate.js';
import {
  children,
  contentsOf,
  decodeOid,
  readTlv,
  readWhole,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
} from './der.js';
import { PkiError } from './errors.js';
import { decodeBase64, findPemBlocks, toPem } from './pem.js';

/**
 * Private keys in the encodings openssl, keytool and the SAP API hand around, read by node:crypto (OpenSSL) so
 * that the key material is checked by the same code that later signs with it.
 */

export type KeyType = 'RSA' | 'DSA' | 'EC' | 'Ed25519' | 'Ed448';

export interface KeyDescription {
  keyType: KeyType;
  /** Bits as certificate.ts counts them: RSA modulus, DSA p, EC field size, Ed25519 255, Ed448 448. */
  keySize: number;
  /** EC only: Java's curve name (secp256r1, brainpoolP256r1, …), as CertificateFacts.curve. */
  curve: string | null;
}

const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
]);
const KEY_TYPES: Record<string, KeyType> = { rsa: 'RSA', dsa: 'DSA', ec: 'EC', ed25519: 'Ed25519', ed448: 'Ed448' };

const OID_PBES2 = '1.2.840.113549.1.5.13';
// What OpenSSL's default provider can decrypt: PBES2 with AES or 3DES, and the PKCS#12 3DES schemes. RC2, RC4 and
// single DES live in OpenSSL's legacy provider, which Node does not load; refusing them by name beats its
// "DECODER routines::unsupported", which it also says for garbage.
const PBES2_CIPHERS = new Set([
  '2.16.840.1.101.3.4.1.2',
  '2.16.840.1.101.3.4.1.22',
  '2.16.840.1.101.3.4.1.42',
  '1.2.840.113549.3.7',
]);
const PKCS12_3DES = new Set(['1.2.840.113549.1.12.1.3', '1.2.840.113549.1.12.1.4']);

const NOT_A_KEY = 'The input is not a private key (PKCS#8, PKCS#1, SEC 1 or DSA, as PEM or DER)';

function malformed(reason: string): PkiError {
  return new PkiError('malformed', `The private key cannot be read: ${reason}`);
}

function oidAt(der: Uint8Array, offset: number, limit: number): string | null {
  const tlv = readTlv(der, offset, limit);
  return tlv?.tag === TAG_OID ? decodeOid(contentsOf(der, tlv)) : null;
}

/** The encryption scheme of an EncryptedPrivateKeyInfo, refused here when OpenSSL cannot run it. */
function checkEncryption(der: Uint8Array): void {
  const outer = readWhole(der);
  const algorithm = outer === null ? undefined : children(der, outer)?.[0];
  const oid = algorithm?.tag === TAG_SEQUENCE ? oidAt(der, algorithm.valueStart, algorithm.end) : null;
  if (oid !== null && PKCS12_3DES.has(oid)) return;
  if (oid === OID_PBES2 && algorithm) {
    // PBES2-params { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
    const params = children(der, algorithm)?.[1];
    const scheme = params?.tag === TAG_SEQUENCE ? children(der, params)?.[1] : undefined;
    const cipher = scheme?.tag === TAG_SEQUENCE ? oidAt(der, scheme.valueStart, scheme.end) : null;
    if (cipher !== null && PBES2_CIPHERS.has(cipher)) return;
    throw new PkiError(
      'unsupported',
      `The private key is encrypted with an unsupported cipher (${cipher ?? '?'}); use AES`,
    );
  }
  throw new PkiError(
    'unsupported',
    `The private key is encrypted with an unsupported scheme (${oid ?? '?'}); use PBES2 with AES (openssl pkcs8 -topk8 -v2 aes-256-cbc)`,
  );
}

type DerShape = 'pkcs8' | 'encrypted-pkcs8' | 'sec1' | 'pkcs1' | 'dsa';

function derShape(der: Uint8Array): DerShape | null {
  const outer = readWhole(der);
  const parts = outer?.tag === TAG_SEQUENCE ? children(der, outer) : null;
  if (!parts || parts.length < 2) return null;
  const tags = parts.map((p) => p.tag);
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING }
  if (tags.length === 2 && tags[0] === TAG_SEQUENCE && tags[1] === TAG_OCTET_STRING) return 'encrypted-pkcs8';
  // PrivateKeyInfo / OneAsymmetricKey { version, AlgorithmIdentifier, OCTET STRING, … }
  if (tags[0] === TAG_INTEGER && tags[1] === TAG_SEQUENCE && tags[2] === TAG_OCTET_STRING) return 'pkcs8';
  // ECPrivateKey { version 1, OCTET STRING, [0] parameters, [1] public key }
  if (tags[0] === TAG_INTEGER && tags[1] === TAG_OCTET_STRING) return 'sec1';
  if (tags.every((t) => t === TAG_INTEGER)) {
    // RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv (+ otherPrimeInfos); OpenSSL's DSA: version, p, q, g, y, x.
    if (tags.length === 9) return 'pkcs1';
    if (tags.length === 6) return 'dsa';
  }
  return null;
}

function fromNode(read: () => KeyObject, encrypted: boolean, password: string | undefined): KeyObject {
  try {
    return read();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (encrypted && (password === undefined || code === 'ERR_MISSING_PASSPHRASE')) {
      throw new PkiError('password', 'The private key is encrypted and no password was given');
    }
    if (encrypted && (code === 'ERR_OSSL_BAD_DECRYPT' || code === 'ERR_OSSL_EVP_BAD_DECRYPT')) {
      throw new PkiError('password', 'The password of the private key is incorrect');
    }
    // How Node 20 reports an encrypted PEM key read without a passphrase (it never asks a terminal).
    if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED') {
      throw new PkiError('password', 'The private key is encrypted and no password was given');
    }
    throw malformed(message.replace(/^error:[0-9A-F]+:/, ''));
  }
}

function fromDer(der: Uint8Array, password: string | undefined): KeyObject {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  switch (derShape(der)) {
    case 'pkcs8':
      return fromNode(() => createPrivateKey({ key, format: 'der', type: 'pkcs8' }), false, password);
    case 'encrypted-pkcs8':
      checkEncryption(der);
      if (password === undefined)
        throw new PkiError('password', 'The private key is encrypted and no password was given');
      return fromNode(
        () => createPrivateKey({ key, format: 'der', type: 'pkcs8', passphrase: password }),
        true,
        password,
      );
    case 'sec1':
      return fromNode(() => createPrivateKey({ key, format: 'der', type: 'sec1' }), false, password);
    case 'pkcs1':
      return fromNode(() => createPrivateKey({ key, format: 'der', type: 'pkcs1' }), false, password);
    case 'dsa':
      // node:crypto has no DER type for OpenSSL's traditional DSA key; its PEM form is understood.
      return fromNode(() => createPrivateKey(toPem(der, 'DSA PRIVATE KEY')), false, password);
    default:
      throw new PkiError('malformed', NOT_A_KEY);
  }
}

function fromText(text: string, password: string | undefined): KeyObject {
  const blocks = findPemBlocks(text);
  const block = blocks.find((b) => KEY_LABELS.has(b.label));
  if (block === undefined) {
    if (blocks.some((b) => b.label === 'OPENSSH PRIVATE KEY')) {
      throw new PkiError('unsupported', 'The key is an OpenSSH private key; it is accepted only as an SSH key');
    }
    if (blocks.length > 0) {
      throw new PkiError('malformed', `${NOT_A_KEY}: found PEM ${blocks.map((b) => `"${b.label}"`).join(', ')}`);
    }
    const der = decodeBase64(text);
    if (der === null) throw new PkiError('malformed', NOT_A_KEY);
    return fromDer(der, password);
  }
  if (block.body === null) throw malformed(`the PEM block "${block.label}" has no END line`);
  const pem = `-----BEGIN ${block.label}-----${block.body}-----END ${block.label}-----\n`;
  // Traditional OpenSSL encryption announces itself in a header inside the block; PKCS#8 in the label.
  const traditional = /Proc-Type:\s*4,ENCRYPTED/.test(block.body);
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    const der = decodeBase64(block.body);
    if (der === null) throw malformed('the PEM block does not contain valid base64');
    return fromDer(der, password);
  }
  if (traditional && password === undefined) {
    throw new PkiError('password', 'The private key is encrypted and no password was given');
  }
  return fromNode(() => createPrivateKey({ key: pem, format: 'pem', passphrase: password }), traditional, password);
}

/**
 * Reads a private key: PKCS#8 (plain or encrypted with `password`), PKCS#1 `RSA PRIVATE KEY`, SEC 1 `EC PRIVATE
 * KEY` and `DSA PRIVATE KEY`, as PEM (traditional OpenSSL encryption included), DER or base64 of DER. Only
 * RSA, DSA, EC, Ed25519 and Ed448 keys are accepted. Throws PkiError: 'password' when the key is encrypted and
 * the password is missing or wrong, 'unsupported' for other key types and ciphers, 'malformed' otherwise.
 */
export function parsePrivateKey(input: Uint8Array | string, password?: string): KeyObject {
  let key: KeyObject;
  if (typeof input === 'string') key = fromText(input, password);
  else if (input.length === 0) throw new PkiError('malformed', `${NOT_A_KEY}: the input is empty`);
  else if (readWhole(input) !== null) key = fromDer(input, password);
  else key = fromText(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'), password);
  const type = key.asymmetricKeyType ?? '';
  if (KEY_TYPES[type] === undefined) {
    throw new PkiError(
      'unsupported',
      `${type === 'rsa-pss' ? 'RSASSA-PSS' : type.toUpperCase()} keys are not supported; use RSA, DSA, EC, Ed25519 or Ed448`,
    );
  }
  return key;
}

function publicHalf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

/** The SubjectPublicKeyInfo DER that OpenSSL writes for the key's public half (private or public key). */
export function publicKeyDer(key: KeyObject): Buffer {
  return publicHalf(key).export({ type: 'spki', format: 'der' });
}

/**
 * Compared by encoding, then EC points by value (one side may be compressed). Not KeyObject.equals: for keys of
 * different types it leaves an error on OpenSSL's queue, which Node 20 then reports from the next, unrelated
 * createPrivateKey.
 */
function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  if (publicKeyDer(a).equals(publicKeyDer(b))) return true;
  if (a.asymmetricKeyType !== 'ec') return false;
  try {
    const [x, y] = [a.export({ format: 'jwk' }), b.export({ format: 'jwk' })];
    return x.crv !== undefined && x.crv === y.crv && x.x === y.x && x.y === y.y;
  } catch {
    return false;
  }
}

/**
 * Whether `certDer` carries the public half of `key` (private or public). The SPKI bytes are compared first; keys
 * that differ only in encoding (a compressed EC point, absent RSA NULL parameters) are then compared by value.
 * False for a certificate whose key cannot be read.
 */
export function keyMatchesCertificate(key: KeyObject, certDer: Uint8Array): boolean {
  let certSpki: Uint8Array;
  try {
    certSpki = parseCertificate(certDer).subjectKeyDer;
  } catch {
    return false;
  }
  const ours = publicHalf(key);
  if (ours.export({ type: 'spki', format: 'der' }).equals(certSpki)) return true;
  try {
    return samePublicKey(ours, createPublicKey({ key: Buffer.from(certSpki), format: 'der', type: 'spki' }));
  } catch {
    return false;
  }
}

/** PKCS#8 PrivateKeyInfo DER: the one form every keystore format wraps. */
export function privateKeyToPkcs8(key: KeyObject): Buffer {
  if (key.type !== 'private') throw new PkiError('unsupported', 'A private key is needed, not a public or secret key');
  return key.export({ type: 'pkcs8', format: 'der' });
}

function bitLength(contents: Uint8Array): number {
  let i = 0;
  while (i < contents.length && contents[i] === 0) i++;
  if (i === contents.length) return 0;
  return (contents.length - i - 1) * 8 + (32 - Math.clz32(contents[i]!));
}

/** Curve name and field size from the SPKI's parameters, the way certificate.ts reads them from a certificate. */
function ecDescription(key: KeyObject): KeyDescription {
  const spki = publicKeyDer(key);
  const outer = readWhole(spki);
  const algorithm = outer === null ? undefined : children(spki, outer)?.[0];
  const params = algorithm?.tag === TAG_SEQUENCE ? children(spki, algorithm)?.[1] : undefined;
  if (params?.tag === TAG_OID) {
    const oid = decodeOid(contentsOf(spki, params));
    const known = oid === null ? null : namedCurve(oid);
    if (known) return { keyType: 'EC', keySize: known.bits, curve: known.name };
  }
  const openSslName = key.asymmetricKeyDetails?.namedCurve;
  // ECParameters { version, FieldID { fieldType, prime p }, … }: the size of p.
  const fieldId = params?.tag === TAG_SEQUENCE ? children(spki, params)?.[1] : undefined;
  const prime = fieldId?.tag === TAG_SEQUENCE ? children(spki, fieldId)?.[1] : undefined;
  const keySize = prime?.tag === TAG_INTEGER ? bitLength(contentsOf(spki, prime)) : 0;
  return { keyType: 'EC', keySize, curve: openSslName ? curveNameFromOpenSsl(openSslName) : null };
}

/** Key type, size and curve as SAP's KeyType, KeySize and EllipticCurve show them. Public or private keys. */
export function describeKey(key: KeyObject): KeyDescription {
  const type = key.asymmetricKeyType ?? '';
  const keyType = KEY_TYPES[type];
  switch (keyType) {
    case 'RSA':
    case 'DSA':
      return { keyType, keySize: key.asymmetricKeyDetails?.modulusLength ?? 0, curve: null };
    case 'EC':
      return ecDescription(key);
    case 'Ed25519':
      return { keyType, keySize: 255, curve: null };
    case 'Ed448':
      return { keyType, keySize: 448, curve: null };
    default:
      throw new PkiError('unsupported', `${type || 'This'} keys are not supported; use RSA, DSA, EC, Ed25519 or Ed448`);
  }
}
