/**
 * What JKS and JCEKS files share: the entry model, the magic numbers and tags, the keyed integrity digest, the
 * errors, and Java's "modified UTF-8" (DataOutputStream.writeUTF), in which aliases are stored.
 */
import { createHash, type Hash } from 'node:crypto';
import { PkiError } from './errors.js';

export type JavaKeystoreType = 'JKS' | 'JCEKS';

export type JavaKeystoreEntry =
  | { type: 'trustedCert'; alias: string; date: Date; cert: Uint8Array /* DER */ }
  | {
      type: 'privateKey';
      alias: string;
      date: Date;
      /** The decrypted PKCS#8 PrivateKeyInfo DER. */
      pkcs8: Uint8Array;
      /** Certificate DERs, leaf first. */
      chain: Uint8Array[];
    }
  /** JCEKS only. Its key is a serialized Java object, skipped and never decrypted here. */
  | { type: 'secretKey'; alias: string; date: Date };

export type JavaKeystoreWritableEntry = Exclude<JavaKeystoreEntry, { type: 'secretKey' }>;

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;
/** Java reads versions 1 and 2 and writes 2; version 1 lacks the certificate type strings. */
export const VERSION_1 = 1;
export const VERSION_2 = 2;
export const TAG_PRIVATE_KEY = 1;
export const TAG_TRUSTED_CERT = 2;
export const TAG_SECRET_KEY = 3;
export const CERT_TYPE_X509 = 'X.509';
export const DIGEST_LENGTH = 20;
/** DataOutputStream.writeUTF stores the encoded length in an unsigned 16-bit field. */
export const MAX_UTF_LENGTH = 0xffff;

export const WRONG_PASSWORD = 'Keystore was tampered with, or password was incorrect';
const NOT_KEYSTORE = 'The resource is neither a JKS nor a JCEKS keystore';

export function wrongPassword(): PkiError {
  return new PkiError('password', WRONG_PASSWORD);
}

export function notKeystore(): PkiError {
  return new PkiError('not-keystore', NOT_KEYSTORE);
}

export function malformed(reason: string): PkiError {
  return new PkiError('malformed', `The keystore cannot be parsed: ${reason}`);
}

export function detectJavaKeystore(bytes: Uint8Array): JavaKeystoreType | null {
  if (bytes.length < 4) return null;
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return magic === JKS_MAGIC ? 'JKS' : magic === JCEKS_MAGIC ? 'JCEKS' : null;
}

/** A password as Java digests it: each UTF-16 code unit (a Java char) as two bytes, big-endian. */
export function passwordBytes(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/**
 * The SHA-1 that ends every store, already fed with the password and Sun's constant; the caller adds all bytes
 * before the digest. An empty password is a password like any other here, as it is for Java.
 */
export function integrityHash(password: string): Hash {
  return createHash('sha1').update(passwordBytes(password)).update('Mighty Aphrodite', 'utf8');
}

/** Java's modified UTF-8: NUL as C0 80, characters beyond the BMP as two 3-byte surrogates (CESU-8). */
export function encodeModifiedUtf8(text: string): Buffer {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    length += c >= 0x01 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
  }
  const out = Buffer.alloc(length);
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) {
      out[pos++] = c;
    } else if (c <= 0x7ff) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

/**
 * The inverse, as lenient as DataInputStream.readUTF (a raw 0 byte and overlong forms are accepted, lone
 * surrogates stay lone); null where readUTF throws UTFDataFormatException.
 */
export function decodeModifiedUtf8(bytes: Uint8Array): string | null {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const a = bytes[i]!;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0) {
      const b = bytes[i + 1];
      if (b === undefined || (b & 0xc0) !== 0x80) return null;
      units.push(((a & 0x1f) << 6) | (b & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0) {
      const b = bytes[i + 1];
      const c = bytes[i + 2];
      if (b === undefined || c === undefined || (b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80) return null;
      units.push(((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (c & 0x3f));
      i += 3;
    } else {
      return null;
    }
  }
  // In slices: spreading 65 535 arguments at once can exceed the engine's argument limit.
  let text = '';
  for (let from = 0; from < units.length; from += 8192) {
    text += String.fromCharCode(...units.slice(from, from + 8192));
  }
  return text;
}

/** java.util.Date holds any long; a JavaScript Date only ±8.64e15 ms, which is far beyond any real entry. */
export const MAX_DATE_MS = 8.64e15;
