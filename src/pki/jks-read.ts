/**
 * Reads a JKS or JCEKS file as Java's JavaKeyStore and JceKeyStore load it: every length is checked against the
 * bytes that remain before anything is read or kept, the integrity digest is checked once the structure is
 * known, and only then are the private keys decrypted.
 */
import { timingSafeEqual } from 'node:crypto';
import { readWhole, TAG_SEQUENCE } from './der.js';
import { PkiError } from './errors.js';
import { skipSealedKey } from './java-serialization.js';
import {
  CERT_TYPE_X509,
  DIGEST_LENGTH,
  decodeModifiedUtf8,
  detectJavaKeystore,
  integrityHash,
  type JavaKeystoreEntry,
  type JavaKeystoreType,
  MAX_DATE_MS,
  malformed,
  notKeystore,
  TAG_PRIVATE_KEY,
  TAG_SECRET_KEY,
  TAG_TRUSTED_CERT,
  VERSION_1,
  VERSION_2,
  wrongPassword,
} from './jks-format.js';
import { PBE_ITERATION_BUDGET, parseProtectedKey, recoverPrivateKey } from './jks-protect.js';

/** A private-key entry before its key is decrypted. */
type RawEntry =
  | Exclude<JavaKeystoreEntry, { type: 'privateKey' }>
  | { type: 'privateKey'; alias: string; date: Date; protectedKey: Uint8Array; chain: Uint8Array[] };

class Cursor {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) throw malformed(`it ends inside ${what}`);
  }

  int32(what: string): number {
    this.need(4, what);
    const value = this.view.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  /** A length or count, which Java writes as a signed int. */
  count(what: string): number {
    const value = this.int32(what);
    if (value < 0) throw malformed(`${what} is negative (${value})`);
    return value;
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }

  /** DataInputStream.readUTF. */
  utf(what: string): string {
    this.need(2, what);
    const length = this.view.getUint16(this.pos);
    this.pos += 2;
    const text = decodeModifiedUtf8(this.bytes(length, what));
    if (text === null) throw malformed(`${what} is not modified UTF-8`);
    return text;
  }

  date(what: string): Date {
    this.need(8, what);
    const ms = Number(this.view.getBigInt64(this.pos));
    this.pos += 8;
    if (Math.abs(ms) > MAX_DATE_MS) throw malformed(`${what} is out of range`);
    return new Date(ms);
  }
}

/**
 * The entries of a JKS or JCEKS keystore, private keys decrypted with `keyPassword` (default: `password`).
 * PkiError codes: 'not-keystore' (no JKS/JCEKS magic), 'password' (wrong store or key password: Java's own
 * message), 'malformed' (truncated or broken), 'unsupported' (a certificate type other than X.509, a key
 * protection Java does not use, more PBE rounds than allowed).
 *
 * As in Java, when an alias occurs twice the later entry wins, and bytes after the digest are ignored.
 */
export function readJavaKeystore(
  bytes: Uint8Array,
  password: string,
  keyPassword: string = password,
): { type: JavaKeystoreType; entries: JavaKeystoreEntry[] } {
  const type = detectJavaKeystore(bytes);
  if (type === null) throw notKeystore();
  const cursor = new Cursor(bytes);
  cursor.pos = 4;
  const version = cursor.int32('the version');
  if (version !== VERSION_1 && version !== VERSION_2) throw malformed(`its version ${version} is neither 1 nor 2`);
  const count = cursor.count('the entry count');

  const byAlias = new Map<string, RawEntry>();
  for (let n = 1; n <= count; n++) {
    const entry = readEntry(cursor, type, version, n);
    byAlias.delete(entry.alias);
    byAlias.set(entry.alias, entry);
  }

  const digestStart = cursor.pos;
  const stored = cursor.bytes(DIGEST_LENGTH, 'the integrity digest');
  const computed = integrityHash(password).update(bytes.subarray(0, digestStart)).digest();
  if (!timingSafeEqual(computed, stored)) throw wrongPassword();

  // All keys are taken apart before any is decrypted, so that an over-expensive store costs nothing.
  const parsed = [...byAlias.values()].map((entry) =>
    entry.type === 'privateKey' ? { ...entry, key: parseProtectedKey(entry.protectedKey, named(entry.alias)) } : entry,
  );
  const rounds = parsed.reduce(
    (sum, e) => sum + (e.type === 'privateKey' && e.key.algorithm === 'pbe' ? e.key.iterations : 0),
    0,
  );
  if (rounds > PBE_ITERATION_BUDGET) {
    throw new PkiError(
      'unsupported',
      `The keystore's keys take more than ${PBE_ITERATION_BUDGET} PBE rounds to decrypt`,
    );
  }
  const entries = parsed.map((entry): JavaKeystoreEntry => {
    if (entry.type !== 'privateKey') return entry;
    const { protectedKey: _, key, ...rest } = entry;
    return { ...rest, pkcs8: recoverPrivateKey(key, keyPassword, named(entry.alias)) };
  });
  return { type, entries };
}

function readEntry(cursor: Cursor, type: JavaKeystoreType, version: number, n: number): RawEntry {
  const tag = cursor.int32(`entry ${n}`);
  if (tag !== TAG_PRIVATE_KEY && tag !== TAG_TRUSTED_CERT && !(tag === TAG_SECRET_KEY && type === 'JCEKS')) {
    throw malformed(`entry ${n} has the unknown tag ${tag}`);
  }
  const alias = cursor.utf(`the alias of entry ${n}`);
  const name = named(alias);
  const date = cursor.date(`the date of ${name}`);
  if (tag === TAG_TRUSTED_CERT) {
    return { type: 'trustedCert', alias, date, cert: readCertificate(cursor, version, `the certificate of ${name}`) };
  }
  if (tag === TAG_SECRET_KEY) {
    cursor.pos = skipSealedKey(cursor.buf, cursor.pos);
    return { type: 'secretKey', alias, date };
  }
  const protectedKey = new Uint8Array(cursor.bytes(cursor.count(`the key length of ${name}`), `the key of ${name}`));
  const chainLength = cursor.count(`the chain length of ${name}`);
  const chain: Uint8Array[] = [];
  for (let i = 0; i < chainLength; i++) {
    chain.push(readCertificate(cursor, version, `certificate ${i + 1} of the chain of ${name}`));
  }
  return { type: 'privateKey', alias, date, protectedKey, chain };
}

/** Version 2 names the certificate type before each certificate; version 1 has X.509 only. */
function readCertificate(cursor: Cursor, version: number, what: string): Uint8Array {
  if (version === VERSION_2) {
    const certType = cursor.utf(`the type of ${what}`);
    if (certType !== CERT_TYPE_X509) {
      throw new PkiError('unsupported', `The keystore holds a certificate of type ${JSON.stringify(certType)}`);
    }
  }
  const der = cursor.bytes(cursor.count(`the length of ${what}`), what);
  const outer = readWhole(der);
  if (outer?.tag !== TAG_SEQUENCE) throw malformed(`${what} is not one DER SEQUENCE`);
  return new Uint8Array(der);
}

function named(alias: string): string {
  return `the entry ${JSON.stringify(alias)}`;
}
