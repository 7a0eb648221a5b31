/**
 * Writes a JKS or JCEKS file byte for byte as Java's engineStore does (version 2, "X.509" before every
 * certificate), private keys protected the way each type's own KeyProtector does it.
 */
import { readWhole, TAG_SEQUENCE } from './der.js';
import { PkiError } from './errors.js';
import {
  CERT_TYPE_X509,
  encodeModifiedUtf8,
  integrityHash,
  type JavaKeystoreType,
  type JavaKeystoreWritableEntry,
  JCEKS_MAGIC,
  JKS_MAGIC,
  MAX_DATE_MS,
  MAX_UTF_LENGTH,
  TAG_PRIVATE_KEY,
  TAG_TRUSTED_CERT,
  VERSION_2,
} from './jks-format.js';
import { isPrivateKeyInfo, protectPrivateKey } from './jks-protect.js';

const X509 = utf(CERT_TYPE_X509, 'the certificate type');

/**
 * A keystore Java's KeyStore.load opens with `password`; private keys are protected with `keyPassword`
 * (default: `password`). An empty password is valid: the digest is then keyed with nothing but Sun's constant,
 * which Java checks when given "" and skips when given no password at all.
 *
 * Aliases are written as given. Java lowercases aliases when it adds entries, and finds entries by the lowercased
 * alias, so a caller that wants every entry reachable by name in Java passes lowercase aliases.
 *
 * PkiError 'unsupported' for what Java cannot store (an alias twice or longer than 65 535 bytes, a key pair
 * without certificates, an invalid date, a JCEKS key password outside printable ASCII), 'malformed' for a
 * certificate or key that is not one DER element of the right shape.
 */
export function writeJavaKeystore(
  type: JavaKeystoreType,
  entries: JavaKeystoreWritableEntry[],
  password: string,
  keyPassword: string = password,
): Buffer {
  if (type !== 'JKS' && type !== 'JCEKS') throw new PkiError('unsupported', `Unknown keystore type ${String(type)}`);
  const parts: Buffer[] = [int32(type === 'JKS' ? JKS_MAGIC : JCEKS_MAGIC), int32(VERSION_2), int32(entries.length)];
  const aliases = new Set<string>();
  for (const entry of entries) {
    const name = `the entry ${JSON.stringify(entry.alias)}`;
    if (aliases.has(entry.alias)) {
      throw new PkiError('unsupported', `The alias ${JSON.stringify(entry.alias)} occurs more than once`);
    }
    aliases.add(entry.alias);
    const head = [utf(entry.alias, `the alias of ${name}`), int64(entry.date, name)];
    if (entry.type === 'trustedCert') {
      parts.push(int32(TAG_TRUSTED_CERT), ...head, ...certificate(entry.cert, `the certificate of ${name}`));
    } else if (entry.type === 'privateKey') {
      if (!isPrivateKeyInfo(entry.pkcs8)) {
        throw new PkiError('malformed', `The key of ${name} is not a PKCS#8 PrivateKeyInfo DER`);
      }
      // KeyStore.setKeyEntry refuses a private key without a chain, and keytool cannot use one.
      if (entry.chain.length === 0) throw new PkiError('unsupported', `The key pair ${name} has no certificate`);
      const key = protectPrivateKey(type, entry.pkcs8, keyPassword);
      parts.push(int32(TAG_PRIVATE_KEY), ...head, int32(key.length), key, int32(entry.chain.length));
      entry.chain.forEach((cert, i) => {
        parts.push(...certificate(cert, `certificate ${i + 1} of the chain of ${name}`));
      });
    } else {
      throw new PkiError('unsupported', `Only certificates and key pairs can be written, not ${name}`);
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, integrityHash(password).update(body).digest()]);
}

function certificate(der: Uint8Array, what: string): Buffer[] {
  if (readWhole(der)?.tag !== TAG_SEQUENCE) throw new PkiError('malformed', `${capitalize(what)} is not DER`);
  return [X509, int32(der.length), Buffer.from(der.buffer, der.byteOffset, der.byteLength)];
}

function utf(text: string, what: string): Buffer {
  const encoded = encodeModifiedUtf8(text);
  if (encoded.length > MAX_UTF_LENGTH) {
    throw new PkiError('unsupported', `${capitalize(what)} is longer than Java can store (${MAX_UTF_LENGTH} bytes)`);
  }
  const out = Buffer.alloc(2 + encoded.length);
  out.writeUInt16BE(encoded.length, 0);
  encoded.copy(out, 2);
  return out;
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

function int64(date: Date, name: string): Buffer {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isInteger(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw new PkiError('unsupported', `The date of ${name} is not a valid date`);
  }
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(ms), 0);
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
