/**
 * How JKS and JCEKS protect a private key: an EncryptedPrivateKeyInfo DER whose algorithm is one of Sun's own.
 *
 * - JKS, Sun's KeyProtector (1.3.6.1.4.1.42.2.17.1.1): salt (20) ‖ key XOR keystream ‖ SHA-1(password ‖ key),
 *   the keystream being SHA-1(password ‖ salt), SHA-1(password ‖ previous digest), …; the password as UTF-16BE.
 * - JCEKS, SunJCE's PBEWithMD5AndTripleDES (1.3.6.1.4.1.42.2.19.1), parameters SEQUENCE { salt (8),
 *   iterations }: each salt half followed by the password is hashed with MD5, then each digest followed by the
 *   password again, `iterations` hashes per half; the two 16-byte results are the 3DES-CBC key (24) and IV (8).
 *
 * JCEKS reads both algorithms and so does this module, for both store types.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  children,
  contentsOf,
  decodeOid,
  readWhole,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
} from './der.js';
import { PkiError } from './errors.js';
import { type JavaKeystoreType, malformed, passwordBytes, wrongPassword } from './jks-format.js';
import { iterateMd5 } from './md5-iterate.js';

export const KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';
export const PBE_MD5_TRIPLE_DES_OID = '1.3.6.1.4.1.42.2.19.1';

const KEY_PROTECTOR_OID_DER = Buffer.from('060a2b060104012a02110101', 'hex');
const PBE_OID_DER = Buffer.from('06092b060104012a021301', 'hex');
const DER_NULL = Buffer.from([0x05, 0x00]);
const TAG_NULL = 0x05;

const SHA1_LENGTH = 20;
const KEY_PROTECTOR_SALT = 20;
const PBE_SALT = 8;
/** SunJCE's default (jdk.jceks.iterationCount); keytool 17 wrote the fixtures' keys with it. */
export const PBE_ITERATIONS = 200_000;
/** SunJCE refuses more ("PBE iteration count too large"). */
export const MAX_PBE_ITERATIONS = 5_000_000;
/**
 * MD5 rounds one read may spend on all its JCEKS keys together (twice this many hashes): 100 keys at Java's
 * default, 4 at Java's maximum, a few seconds at most. Without a bound, an upload of many small entries with
 * 5 000 000 rounds each would keep the process busy for hours.
 */
export const PBE_ITERATION_BUDGET = 20_000_000;

/** An EncryptedPrivateKeyInfo taken apart, before any work on the password. */
export type ProtectedKey =
  | { algorithm: 'key-protector'; data: Uint8Array }
  | { algorithm: 'pbe'; salt: Uint8Array; iterations: number; data: Uint8Array };

export interface ProtectOptions {
  /** Tests only: a fixed salt (20 bytes for JKS, 8 for JCEKS) instead of a random one. */
  salt?: Uint8Array;
  /** JCEKS only; defaults to PBE_ITERATIONS. */
  iterations?: number;
}

/** The EncryptedPrivateKeyInfo DER that `type`'s keystore stores for `pkcs8` under `password`. */
export function protectPrivateKey(
  type: JavaKeystoreType,
  pkcs8: Uint8Array,
  password: string,
  options: ProtectOptions = {},
): Buffer {
  if (type === 'JKS') {
    const salt = options.salt ?? randomBytes(KEY_PROTECTOR_SALT);
    const pw = passwordBytes(password);
    const encrypted = Buffer.from(pkcs8);
    xorKeystream(encrypted, pw, salt);
    const check = createHash('sha1').update(pw).update(pkcs8).digest();
    const algorithm = der(TAG_SEQUENCE, KEY_PROTECTOR_OID_DER, DER_NULL);
    return der(TAG_SEQUENCE, algorithm, der(TAG_OCTET_STRING, Buffer.concat([salt, encrypted, check])));
  }
  const pw = pbePasswordBytes(password);
  if (pw === null) {
    throw new PkiError(
      'unsupported',
      'A JCEKS key password may only hold printable ASCII characters: Java 17 refuses any other (Password is not ASCII)',
    );
  }
  const iterations = options.iterations ?? PBE_ITERATIONS;
  // Salts with equal halves take a path in SunJCE that Java versions have computed differently; never write one.
  let salt = options.salt ?? randomBytes(PBE_SALT);
  while (options.salt === undefined && equalHalves(salt)) salt = randomBytes(PBE_SALT);
  const { key, iv } = derivePbeKey(pw, salt, iterations, 'current');
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const parameters = der(TAG_SEQUENCE, der(TAG_OCTET_STRING, salt), derInteger(iterations));
  const algorithm = der(TAG_SEQUENCE, PBE_OID_DER, parameters);
  return der(TAG_SEQUENCE, algorithm, der(TAG_OCTET_STRING, encrypted));
}

/**
 * Takes an EncryptedPrivateKeyInfo apart: PkiError 'malformed' for a broken structure, 'unsupported' for an
 * algorithm other than Sun's two or more PBE rounds than Java allows. `what` names the entry in messages.
 */
export function parseProtectedKey(epki: Uint8Array, what: string): ProtectedKey {
  const outer = readWhole(epki);
  const top = outer?.tag === TAG_SEQUENCE ? children(epki, outer) : null;
  const [algorithm, data] = top ?? [];
  const algorithmParts = algorithm?.tag === TAG_SEQUENCE ? children(epki, algorithm) : null;
  const [oid, parameters, ...rest] = algorithmParts ?? [];
  if (
    top?.length !== 2 ||
    data?.tag !== TAG_OCTET_STRING ||
    oid?.tag !== TAG_OID ||
    rest.length > 0 ||
    algorithmParts === null
  ) {
    throw malformed(`the key of ${what} is not an EncryptedPrivateKeyInfo`);
  }
  const algorithmOid = decodeOid(contentsOf(epki, oid));
  if (algorithmOid === KEY_PROTECTOR_OID) {
    if (parameters !== undefined && (parameters.tag !== TAG_NULL || parameters.end !== parameters.valueStart)) {
      throw malformed(`the key protection of ${what} has parameters`);
    }
    return { algorithm: 'key-protector', data: contentsOf(epki, data) };
  }
  if (algorithmOid === PBE_MD5_TRIPLE_DES_OID) {
    const pbe = parameters?.tag === TAG_SEQUENCE ? children(epki, parameters) : null;
    const [salt, count] = pbe ?? [];
    const iterations = count?.tag === TAG_INTEGER ? smallInteger(contentsOf(epki, count)) : null;
    if (pbe?.length !== 2 || salt?.tag !== TAG_OCTET_STRING || salt.end - salt.valueStart !== PBE_SALT) {
      throw malformed(`the key protection of ${what} lacks an 8-byte salt`);
    }
    if (iterations === null || iterations <= 0) {
      throw malformed(`the key protection of ${what} has no positive iteration count`);
    }
    if (iterations > MAX_PBE_ITERATIONS) {
      throw new PkiError('unsupported', `The key protection of ${what} uses more PBE rounds than Java allows`);
    }
    return { algorithm: 'pbe', salt: contentsOf(epki, salt), iterations, data: contentsOf(epki, data) };
  }
  throw new PkiError(
    'unsupported',
    `The key of ${what} is protected with ${algorithmOid ?? 'an unreadable algorithm'}, which Java's keystores do not use`,
  );
}

/**
 * The PKCS#8 PrivateKeyInfo DER that `key` protects. A wrong password gives the 'password' error (Java's store
 * message, as the API reports both alike); a JKS key that the right password unlocks to something other than a
 * PrivateKeyInfo is 'malformed'.
 */
export function recoverPrivateKey(key: ProtectedKey, password: string, what: string): Uint8Array {
  return key.algorithm === 'key-protector'
    ? recoverKeyProtector(key.data, password, what)
    : recoverPbe(key.data, key.salt, key.iterations, password, what);
}

function recoverKeyProtector(encrypted: Uint8Array, password: string, what: string): Uint8Array {
  if (encrypted.length < KEY_PROTECTOR_SALT + SHA1_LENGTH) throw malformed(`the protected key of ${what} is too short`);
  const pw = passwordBytes(password);
  const salt = encrypted.subarray(0, KEY_PROTECTOR_SALT);
  const plain = Buffer.from(encrypted.subarray(KEY_PROTECTOR_SALT, encrypted.length - SHA1_LENGTH));
  xorKeystream(plain, pw, salt);
  const check = createHash('sha1').update(pw).update(plain).digest();
  if (!timingSafeEqual(check, encrypted.subarray(encrypted.length - SHA1_LENGTH))) throw wrongPassword();
  // The check proves the password; what it unlocked must then be a key.
  if (!isPrivateKeyInfo(plain)) throw malformed(`the key of ${what} is not a PKCS#8 PrivateKeyInfo`);
  return new Uint8Array(plain);
}

function recoverPbe(
  encrypted: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  password: string,
  what: string,
): Uint8Array {
  if (encrypted.length === 0 || encrypted.length % 8 !== 0) {
    throw malformed(`the protected key of ${what} is not a whole number of 3DES blocks`);
  }
  // Java 25 hashes the password as UTF-8; Java 17 takes printable ASCII only, which UTF-8 leaves as it is.
  const pw = Buffer.from(password, 'utf8');
  const variants: SaltVariant[] = equalHalves(salt) ? ['current', 'legacy'] : ['current'];
  for (const variant of variants) {
    const { key, iv } = derivePbeKey(pw, salt, iterations, variant);
    const plain = decrypt(encrypted, key, iv);
    // Without an integrity check, a wrong password shows as bad padding or, one time in 256, as garbage.
    if (plain !== null && isPrivateKeyInfo(plain)) return new Uint8Array(plain);
  }
  throw wrongPassword();
}

function decrypt(encrypted: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer | null {
  try {
    const decipher = createDecipheriv('des-ede3-cbc', key, iv);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    return null;
  }
}

/**
 * When both salt halves are equal, SunJCE turns the first one around before hashing. Java 17 reverses it
 * (abcd → dcba, as the committed pbe-vectors.txt shows); older SunJCE releases had a typo there that makes it
 * dabd. Either may have written a key, one time in 2^32, so a reader tries both; the writer avoids such salts.
 */
type SaltVariant = 'current' | 'legacy';

function derivePbeKey(pw: Uint8Array, salt: Uint8Array, iterations: number, variant: SaltVariant) {
  const first = Buffer.from(salt.subarray(0, 4));
  if (equalHalves(salt)) {
    const [a, b, c, d] = first;
    first.set(variant === 'current' ? [d!, c!, b!, a!] : [d!, a!, b!, d!]);
  }
  const k1 = iterateMd5(first, pw, iterations);
  const k2 = iterateMd5(salt.subarray(4, 8), pw, iterations);
  return { key: Buffer.concat([k1, k2.subarray(0, 8)]), iv: k2.subarray(8, 16) };
}

function equalHalves(salt: Uint8Array): boolean {
  return salt[0] === salt[4] && salt[1] === salt[5] && salt[2] === salt[6] && salt[3] === salt[7];
}

/** Printable ASCII as bytes, or null: Java 17's PBEKey refuses every other character ("Password is not ASCII"). */
function pbePasswordBytes(password: string): Buffer | null {
  return /^[\x20-\x7e]*$/.test(password) ? Buffer.from(password, 'latin1') : null;
}

/** XORs `data` in place with SHA-1(pw ‖ salt), SHA-1(pw ‖ that), … */
function xorKeystream(data: Uint8Array, pw: Uint8Array, salt: Uint8Array): void {
  let digest: Uint8Array = salt;
  for (let offset = 0; offset < data.length; offset += SHA1_LENGTH) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    const end = Math.min(SHA1_LENGTH, data.length - offset);
    for (let i = 0; i < end; i++) data[offset + i]! ^= digest[i]!;
  }
}

/** PrivateKeyInfo: SEQUENCE { INTEGER version, AlgorithmIdentifier, OCTET STRING key, … }, exactly. */
export function isPrivateKeyInfo(bytes: Uint8Array): boolean {
  const outer = readWhole(bytes);
  const parts = outer?.tag === TAG_SEQUENCE ? children(bytes, outer) : null;
  return (
    parts !== null &&
    parts.length >= 3 &&
    parts[0]!.tag === TAG_INTEGER &&
    parts[1]!.tag === TAG_SEQUENCE &&
    parts[2]!.tag === TAG_OCTET_STRING
  );
}

/** A non-negative INTEGER's value when it fits in 32 bits, else null (negative or huge). */
function smallInteger(contents: Uint8Array): number | null {
  if (contents.length === 0 || (contents[0]! & 0x80) !== 0) return null;
  let start = 0;
  while (start < contents.length - 1 && contents[start] === 0) start++;
  if (contents.length - start > 4) return null;
  let value = 0;
  for (let i = start; i < contents.length; i++) value = value * 256 + contents[i]!;
  return value;
}

function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const digits: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) digits.unshift(n % 256);
    header = [tag, 0x80 | digits.length, ...digits];
  }
  return Buffer.concat([Buffer.from(header), ...parts]);
}

function derInteger(value: number): Buffer {
  const digits: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) digits.unshift(n % 256);
  if (digits.length === 0 || digits[0]! >= 0x80) digits.unshift(0);
  return der(TAG_INTEGER, Buffer.from(digits));
}
