import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  type KeyObject,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { createRequire } from 'node:module';
import * as asn1js from 'asn1js';
import type Forge from 'node-forge';
import { certificationPath } from './chain.js';
import { readWhole } from './der.js';
import { PkiError } from './errors.js';
import { keyMatchesCertificate, parsePrivateKey, privateKeyToPkcs8 } from './keys.js';
import { derKind } from './sniff.js';

/**
 * PKCS#12 (RFC 7292) as OpenSSL 3 and Java 17 write it (PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC, and an
 * HMAC-SHA256 MAC), and as older tools did (`openssl pkcs12 -legacy`, Java before 11.0.12: RC2-40 and 3DES with
 * the PKCS#12 key derivation, a SHA-1 MAC). The structure is walked with asn1js, which reads BER as some writers
 * produce it; the cryptography is node:crypto's, except RC2, which OpenSSL keeps in the legacy provider that Node
 * does not load, so node-forge runs it.
 */

export interface Pkcs12KeyEntry {
  key: KeyObject;
  /** DER, leaf first (the certificate of the key), then towards the root as far as the file has issuers. */
  chain: Uint8Array[];
  /** The friendlyName of the key or its certificate; keytool shows it as the alias. */
  alias?: string;
}

export interface Pkcs12KeyPair {
  alias: string;
  key: KeyObject;
  /** DER, leaf first; the leaf must hold the key's public half. */
  chain: readonly Uint8Array[];
}

export interface Pkcs12TrustedCertificate {
  alias: string;
  cert: Uint8Array;
}

export const WRONG_PASSWORD = 'Keystore was tampered with, or password was incorrect';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  // Java marks a trusted certificate entry with this attribute; without it keytool does not list the certificate.
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.5': 'sha512-224',
  '2.16.840.1.101.3.4.2.6': 'sha512-256',
};

const HMAC_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

// pkcs-12PbeIds; all derive with SHA-1. RC2 runs in node-forge with the given effective key bits.
const PKCS12_PBE: Record<string, { cipher: string; keyLength: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
};

// Java's PKCS12KeyStore refuses more (MAX_ITERATION_COUNT); a file cannot make us spin longer than Java would.
const MAX_ITERATIONS = 5_000_000;
// safeContentsBag may nest SafeContents; real files nest once at most.
const MAX_NESTING = 4;

// What writePkcs12 uses: Java 17's and OpenSSL 3's algorithms, Java's iteration count.
const WRITE_ITERATIONS = 10_000;

type Node = asn1js.AsnType;

function malformed(reason: string): PkiError {
  return new PkiError('malformed', `The PKCS#12 file cannot be read: ${reason}`);
}

function wrongPassword(): PkiError {
  return new PkiError('password', WRONG_PASSWORD);
}

function parse(bytes: Uint8Array, what: string): Node {
  const parsed = asn1js.fromBER(bytes, { parseEmbedded: false });
  if (parsed.offset === -1) throw malformed(`${what} is not valid BER (${parsed.result.error})`);
  if (parsed.offset !== bytes.length) throw malformed(`other bytes follow ${what}`);
  return parsed.result;
}

function items(node: Node | undefined, what: string): Node[] {
  if (!(node instanceof asn1js.Sequence) && !(node instanceof asn1js.Set)) throw malformed(`${what} is not a SEQUENCE`);
  return node.valueBlock.value;
}

function oid(node: Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw malformed(`${what} is not an OBJECT IDENTIFIER`);
  return node.getValue();
}

function integer(node: Node | undefined, what: string): number {
  if (!(node instanceof asn1js.Integer)) throw malformed(`${what} is not an INTEGER`);
  const value = node.toBigInt();
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`${what} is out of range`);
  return Number(value);
}

function iterations(node: Node | undefined, what: string): number {
  const count = integer(node, what);
  if (count < 1) throw malformed(`${what} is zero`);
  if (count > MAX_ITERATIONS) {
    throw new PkiError(
      'unsupported',
      `The PKCS#12 file uses ${count} iterations; at most ${MAX_ITERATIONS} are accepted`,
    );
  }
  return count;
}

/** OCTET STRING contents, primitive or constructed (BER chunks), also under an IMPLICIT context tag. */
function octets(node: Node | undefined, what: string): Buffer {
  if (node instanceof asn1js.OctetString) {
    if (!node.valueBlock.isConstructed) return Buffer.from(node.valueBlock.valueHexView);
    return Buffer.concat(node.valueBlock.value.map((chunk) => octets(chunk, what)));
  }
  if (node instanceof asn1js.Primitive && node.idBlock.tagClass === 3) return Buffer.from(node.valueBlock.valueHexView);
  if (node instanceof asn1js.Constructed && node.idBlock.tagClass === 3) {
    return Buffer.concat(node.valueBlock.value.map((chunk) => octets(chunk, what)));
  }
  throw malformed(`${what} is not an OCTET STRING`);
}

/** The element inside `[tag] EXPLICIT`. */
function explicit(node: Node | undefined, tag: number, what: string): Node {
  if (!(node instanceof asn1js.Constructed) || node.idBlock.tagClass !== 3 || node.idBlock.tagNumber !== tag) {
    throw malformed(`${what} is not a [${tag}] element`);
  }
  const inner = node.valueBlock.value[0];
  if (inner === undefined || node.valueBlock.value.length !== 1) throw malformed(`${what} is empty`);
  return inner;
}

// --- key derivation and ciphers ------------------------------------------------------------------------------------

interface Passwords {
  /** For PBES2 (PKCS#5), which OpenSSL and Java feed with the UTF-8 bytes. */
  utf8: Buffer;
  /** For the PKCS#12 derivation (MAC, legacy PBE): BMPString with a terminating NUL, or empty for "no password". */
  bmp: Buffer;
}

function bmpPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
}

function blockSize(hash: string): number {
  return hash === 'sha384' || hash.startsWith('sha512') ? 128 : 64;
}

function repeatTo(bytes: Buffer, v: number): Buffer {
  if (bytes.length === 0) return Buffer.alloc(0);
  const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

const SHA256_K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SHA1_IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** SHA-1 of a 20-byte message, in place on its five words (one padded block). */
function sha1Words(h: Uint32Array, w: Uint32Array): void {
  w.fill(0);
  w.set(h.subarray(0, 5));
  w[5] = 0x80000000;
  w[15] = 160;
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
  let [a, b, c, d, e] = SHA1_IV as [number, number, number, number, number];
  for (let i = 0; i < 80; i++) {
    const f =
      i < 20
        ? ((b & c) | (~b & d)) + 0x5a827999
        : i < 40
          ? (b ^ c ^ d) + 0x6ed9eba1
          : i < 60
            ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
            : (b ^ c ^ d) + 0xca62c1d6;
    const t = (rotl(a, 5) + f + e + w[i]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  }
  h[0] = SHA1_IV[0]! + a;
  h[1] = SHA1_IV[1]! + b;
  h[2] = SHA1_IV[2]! + c;
  h[3] = SHA1_IV[3]! + d;
  h[4] = SHA1_IV[4]! + e;
}

/** SHA-256 of a 32-byte message, in place on its eight words (one padded block). */
function sha256Words(h: Uint32Array, w: Uint32Array): void {
  w.fill(0);
  w.set(h.subarray(0, 8));
  w[8] = 0x80000000;
  w[15] = 256;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[i] = w[i - 16]! + s0 + w[i - 7]! + s1;
  }
  let [a, b, c, d, e, f, g, k] = SHA256_IV as [number, number, number, number, number, number, number, number];
  for (let i = 0; i < 64; i++) {
    const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i]! + w[i]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = SHA256_IV[0]! + a;
  h[1] = SHA256_IV[1]! + b;
  h[2] = SHA256_IV[2]! + c;
  h[3] = SHA256_IV[3]! + d;
  h[4] = SHA256_IV[4]! + e;
  h[5] = SHA256_IV[5]! + f;
  h[6] = SHA256_IV[6]! + g;
  h[7] = SHA256_IV[7]! + k;
}

/**
 * `digest` hashed `rounds` more times. Node 20 has no one-shot hash, and a Hash object per round costs ~6 µs:
 * Java's legacy files (100 000 MAC rounds, 50 000 per PBE key and IV) took seconds. SHA-1 and SHA-256 of a
 * digest are one block, done here on typed arrays; other digests take the slow path.
 */
function rehash(hash: string, digest: Buffer, rounds: number): Buffer {
  const compress = hash === 'sha1' ? sha1Words : hash === 'sha256' ? sha256Words : null;
  if (compress === null) {
    let a = digest;
    for (let i = 0; i < rounds; i++) a = createHash(hash).update(a).digest();
    return a;
  }
  const words = digest.length / 4;
  const h = new Uint32Array(8);
  const w = new Uint32Array(80);
  for (let i = 0; i < words; i++) h[i] = digest.readUInt32BE(i * 4);
  for (let i = 0; i < rounds; i++) compress(h, w);
  const out = Buffer.alloc(digest.length);
  for (let i = 0; i < words; i++) out.writeUInt32BE(h[i]!, i * 4);
  return out;
}

/** RFC 7292 appendix B.2: id 1 derives keys, 2 IVs, 3 MAC keys. */
function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: number, rounds: number, length: number): Buffer {
  const v = blockSize(hash);
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeatTo(salt, v), repeatTo(password, v)]);
  const out: Buffer[] = [];
  for (let produced = 0; ; ) {
    const a = rehash(hash, createHash(hash).update(diversifier).update(input).digest(), rounds - 1);
    out.push(a);
    produced += a.length;
    if (produced >= length) break;
    // Each v-byte block of the input becomes (block + B + 1) mod 2^(8v), B being `a` repeated to v bytes.
    const b = repeatTo(a, v);
    for (let block = 0; block < input.length; block += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = input[block + i]! + b[i]! + carry;
        input[block + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

function runCipher(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    // Bad padding: the key was derived from another password (or the data was changed).
    throw wrongPassword();
  }
}

/**
 * node-forge, loaded the first time a legacy RC2 file comes: loading it was a sixth of the server's start, for
 * files few users ever import.
 */
let forgeModule: typeof Forge | undefined;
const loadForge = (): typeof Forge => {
  forgeModule ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return forgeModule;
};

function runRc2(key: Buffer, bits: number, iv: Buffer, data: Buffer): Buffer {
  const forge = loadForge();
  const cipher = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), bits);
  cipher.start(forge.util.createBuffer(iv.toString('binary')));
  cipher.update(forge.util.createBuffer(data.toString('binary')));
  if (!cipher.finish()) throw wrongPassword();
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

function decryptPbes2(params: Node | undefined, data: Buffer, passwords: Passwords): Buffer {
  const [kdf, scheme] = items(params, 'the PBES2 parameters');
  const [kdfOid, kdfParams] = items(kdf, 'the PBES2 key derivation');
  if (oid(kdfOid, 'the PBES2 key derivation') !== OID.pbkdf2) {
    throw new PkiError('unsupported', `The PKCS#12 file derives keys with ${oid(kdfOid, '')}, not PBKDF2`);
  }
  // PBKDF2-params { salt OCTET STRING, iterationCount, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const [salt, count, ...optional] = items(kdfParams, 'the PBKDF2 parameters');
  const prfNode = optional.find((n) => n instanceof asn1js.Sequence);
  const prfOid = prfNode ? oid(items(prfNode, 'the PBKDF2 PRF')[0], 'the PBKDF2 PRF') : '1.2.840.113549.2.7';
  const prf = HMAC_PRFS[prfOid];
  if (prf === undefined) throw new PkiError('unsupported', `The PKCS#12 file uses the unsupported PRF ${prfOid}`);
  const [cipherOid, ivNode] = items(scheme, 'the PBES2 encryption scheme');
  const cipherName = oid(cipherOid, 'the PBES2 cipher');
  const cipher = PBES2_CIPHERS[cipherName];
  if (cipher === undefined)
    throw new PkiError('unsupported', `The PKCS#12 file uses the unsupported cipher ${cipherName}`);
  const key = pbkdf2Sync(
    passwords.utf8,
    octets(salt, 'the PBKDF2 salt'),
    iterations(count, 'the PBKDF2 iteration count'),
    cipher.keyLength,
    prf,
  );
  return runCipher(cipher.cipher, key, octets(ivNode, 'the PBES2 IV'), data);
}

/** Decrypts what an AlgorithmIdentifier of PBES2 or a pkcs-12PbeId protects. */
function decrypt(algorithm: Node | undefined, data: Buffer, passwords: Passwords): Buffer {
  const [algorithmOid, params] = items(algorithm, 'the encryption algorithm');
  const name = oid(algorithmOid, 'the encryption algorithm');
  if (name === OID.pbes2) return decryptPbes2(params, data, passwords);
  const pbe = PKCS12_PBE[name];
  if (pbe === undefined)
    throw new PkiError('unsupported', `The PKCS#12 file is encrypted with the unsupported algorithm ${name}`);
  const [saltNode, countNode] = items(params, 'the PKCS#12 PBE parameters');
  const salt = octets(saltNode, 'the PBE salt');
  const rounds = iterations(countNode, 'the PBE iteration count');
  const key = pkcs12Kdf('sha1', passwords.bmp, salt, 1, rounds, pbe.keyLength);
  const iv = pkcs12Kdf('sha1', passwords.bmp, salt, 2, rounds, 8);
  return pbe.rc2Bits ? runRc2(key, pbe.rc2Bits, iv, data) : runCipher(pbe.cipher, key, iv, data);
}

// --- reading -------------------------------------------------------------------------------------------------------

/**
 * The BMP password the MAC was made with. OpenSSL tries "no password" after an empty one fails, because writers
 * disagree whether an empty password is two NUL bytes or nothing; so do we.
 */
function verifyMac(macData: Node, authSafe: Buffer, password: string): Buffer {
  const [digestInfo, saltNode, countNode] = items(macData, 'the MacData');
  const [algorithm, digestNode] = items(digestInfo, 'the MAC DigestInfo');
  const algorithmOid = oid(items(algorithm, 'the MAC algorithm')[0], 'the MAC algorithm');
  if (algorithmOid === OID.pbmac1)
    throw new PkiError('unsupported', 'PKCS#12 files protected with PBMAC1 are not supported');
  const hash = DIGESTS[algorithmOid];
  if (hash === undefined)
    throw new PkiError('unsupported', `The PKCS#12 MAC uses the unsupported digest ${algorithmOid}`);
  const expected = octets(digestNode, 'the MAC');
  const salt = octets(saltNode, 'the MAC salt');
  const rounds = countNode === undefined ? 1 : iterations(countNode, 'the MAC iteration count');
  const candidates = password === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password)];
  for (const candidate of candidates) {
    const key = pkcs12Kdf(hash, candidate, salt, 3, rounds, expected.length);
    const actual = createHmac(hash, key).update(authSafe).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return candidate;
  }
  throw wrongPassword();
}

interface Bag {
  kind: 'key' | 'cert';
  /** PKCS#8 PrivateKeyInfo or certificate DER. */
  der: Uint8Array;
  name?: string;
  localKeyId?: Buffer;
}

function attributes(node: Node | undefined): Pick<Bag, 'name' | 'localKeyId'> {
  const out: Pick<Bag, 'name' | 'localKeyId'> = {};
  if (node === undefined) return out;
  for (const attribute of items(node, 'the bag attributes')) {
    const [type, values] = items(attribute, 'a bag attribute');
    const value = items(values, 'a bag attribute value')[0];
    const name = oid(type, 'a bag attribute');
    if (name === OID.friendlyName && value instanceof asn1js.BmpString) out.name = value.getValue();
    else if (name === OID.localKeyId && value !== undefined) out.localKeyId = octets(value, 'the localKeyId');
  }
  return out;
}

function readSafeContents(der: Buffer, passwords: Passwords, bags: Bag[], depth: number): void {
  for (const safeBag of items(parse(der, 'the SafeContents'), 'the SafeContents')) {
    const [idNode, valueNode, attributeNode] = items(safeBag, 'a SafeBag');
    const id = oid(idNode, 'the bag type');
    const value = explicit(valueNode, 0, 'the bag value');
    const attrs = attributes(attributeNode);
    if (id === OID.keyBag) {
      bags.push({ kind: 'key', der: new Uint8Array(value.valueBeforeDecodeView), ...attrs });
    } else if (id === OID.shroudedKeyBag) {
      // EncryptedPrivateKeyInfo { encryptionAlgorithm, encryptedData }
      const [algorithm, data] = items(value, 'the shrouded key');
      bags.push({ kind: 'key', der: decrypt(algorithm, octets(data, 'the encrypted key'), passwords), ...attrs });
    } else if (id === OID.certBag) {
      const [certType, certValue] = items(value, 'the certificate bag');
      // SDSI certificates (the other certType) are text; no keystore holds them.
      if (oid(certType, 'the certificate type') !== OID.x509Certificate) continue;
      const der = octets(explicit(certValue, 0, 'the certificate'), 'the certificate');
      const outer = readWhole(der);
      if (outer === null || derKind(der, outer) !== 'certificate')
        throw malformed('a certificate bag holds no certificate');
      bags.push({ kind: 'cert', der: new Uint8Array(der), ...attrs });
    } else if (id === OID.safeContentsBag) {
      if (depth >= MAX_NESTING) throw malformed('the SafeContents are nested too deeply');
      readSafeContents(Buffer.from(value.valueBeforeDecodeView), passwords, bags, depth + 1);
    }
    // CRL and secret bags: nothing a certificate store keeps.
  }
}

function readAuthenticatedSafe(authSafe: Buffer, passwords: Passwords): Bag[] {
  const bags: Bag[] = [];
  for (const contentInfo of items(parse(authSafe, 'the AuthenticatedSafe'), 'the AuthenticatedSafe')) {
    const [typeNode, content] = items(contentInfo, 'a ContentInfo');
    const type = oid(typeNode, 'the content type');
    if (type === OID.data) {
      readSafeContents(octets(explicit(content, 0, 'the data'), 'the data'), passwords, bags, 0);
    } else if (type === OID.encryptedData) {
      // EncryptedData { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT encryptedContent } }
      const [, encryptedContentInfo] = items(explicit(content, 0, 'the encrypted data'), 'the encrypted data');
      const [, algorithm, encrypted] = items(encryptedContentInfo, 'the EncryptedContentInfo');
      if (encrypted === undefined) continue;
      readSafeContents(decrypt(algorithm, octets(encrypted, 'the encrypted content'), passwords), passwords, bags, 0);
    } else {
      throw new PkiError('unsupported', `PKCS#12 content of type ${type} (public-key privacy mode) is not supported`);
    }
  }
  return bags;
}

function notPkcs12(input: Uint8Array): PkiError {
  const magic = input.length >= 4 ? Buffer.from(input.subarray(0, 4)).toString('hex') : '';
  const what = magic === 'feedfeed' ? ': it is a JKS keystore' : magic === 'cececece' ? ': it is a JCEKS keystore' : '';
  return new PkiError('not-pkcs12', `The input is not a PKCS#12 keystore${what}`);
}

// A SEQUENCE header, then INTEGER 3: how every PFX starts, even when the rest is cut off or damaged.
function startsLikePfx(input: Uint8Array): boolean {
  if (input.length < 5 || input[0] !== 0x30) return false;
  const first = input[1]!;
  const at = 2 + (first > 0x80 ? first & 0x7f : 0);
  return input[at] === 0x02 && input[at + 1] === 0x01 && input[at + 2] === 0x03;
}

/** PFX { version 3, authSafe ContentInfo, macData OPTIONAL }, or null when the bytes are no PKCS#12 file at all. */
function pfxParts(input: Uint8Array): { authSafe: Node; macData: Node | undefined } | null {
  if (!startsLikePfx(input)) return null;
  const parsed = asn1js.fromBER(input, { parseEmbedded: false });
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    throw malformed('the data is truncated or not valid BER');
  }
  if (parsed.offset !== input.length) throw malformed('other bytes follow the PKCS#12 data');
  const [, authSafe, macData] = parsed.result.valueBlock.value;
  const type = authSafe instanceof asn1js.Sequence ? authSafe.valueBlock.value[0] : undefined;
  if (!(type instanceof asn1js.ObjectIdentifier) || !type.getValue().startsWith('1.2.840.113549.1.7.')) return null;
  return { authSafe: authSafe!, macData };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a).equals(b);
}

/**
 * The key entries of a PKCS#12 file, in file order, each with its certificate chain ordered by issuer links. The
 * MAC is checked first; a wrong password gives PkiError('password', "Keystore was tampered with, or password was
 * incorrect"), as keytool says it. Bytes that are not PKCS#12 give 'not-pkcs12'; a file without a private key (a
 * truststore) gives 'malformed'; encryption or MAC algorithms beyond those above give 'unsupported'.
 */
export function readPkcs12(der: Uint8Array, password: string): Pkcs12KeyEntry[] {
  const pfx = pfxParts(der);
  if (pfx === null) throw notPkcs12(der);
  const [typeNode, content] = items(pfx.authSafe, 'the authSafe');
  const type = oid(typeNode, 'the authSafe content type');
  if (type === OID.signedData)
    throw new PkiError('unsupported', 'PKCS#12 files in public-key integrity mode are not supported');
  if (type !== OID.data) throw malformed(`the authSafe has the content type ${type}`);
  const authSafe = octets(explicit(content, 0, 'the authSafe'), 'the authSafe');
  const bmp = pfx.macData === undefined ? bmpPassword(password) : verifyMac(pfx.macData, authSafe, password);
  const bags = readAuthenticatedSafe(authSafe, { utf8: Buffer.from(password, 'utf8'), bmp });

  const certs = bags.filter((b) => b.kind === 'cert');
  const keys = bags.filter((b) => b.kind === 'key');
  if (keys.length === 0) throw malformed('it contains no private key, only certificates');
  const entries: Pkcs12KeyEntry[] = [];
  for (const bag of keys) {
    const key = parsePrivateKey(bag.der);
    const matching = certs.filter((c) => keyMatchesCertificate(key, c.der));
    const leaf = matching.find((c) => sameBytes(c.localKeyId, bag.localKeyId)) ?? matching[0];
    if (leaf === undefined) continue;
    const chain = certificationPath(
      leaf.der,
      certs.map((c) => c.der),
    );
    const alias = bag.name ?? leaf.name;
    entries.push(alias === undefined ? { key, chain } : { key, chain, alias });
  }
  if (entries.length === 0) throw malformed('no certificate in it belongs to its private key');
  return entries;
}

// --- writing -------------------------------------------------------------------------------------------------------

function attribute(type: string, value: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })],
  });
}

function safeBag(type: string, value: asn1js.AsnType, attrs: asn1js.Sequence[]): asn1js.Sequence {
  const fields: asn1js.AsnType[] = [
    new asn1js.ObjectIdentifier({ value: type }),
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [value] }),
  ];
  if (attrs.length > 0) fields.push(new asn1js.Set({ value: attrs }));
  return new asn1js.Sequence({ value: fields });
}

function contentInfo(type: string, content: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: type }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [content] }),
    ],
  });
}

function algorithmWithNull(type: string): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Null()] });
}

/** PBES2 with PBKDF2/HMAC-SHA256 and AES-256-CBC: the AlgorithmIdentifier and the ciphertext. */
function encryptPbes2(data: Uint8Array, password: string): { algorithm: asn1js.Sequence; encrypted: Buffer } {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, WRITE_ITERATIONS, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(data), cipher.final()]);
  const kdf = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.pbkdf2 }),
      new asn1js.Sequence({
        value: [
          new asn1js.OctetString({ valueHex: salt }),
          new asn1js.Integer({ value: WRITE_ITERATIONS }),
          algorithmWithNull(OID.hmacWithSha256),
        ],
      }),
    ],
  });
  const scheme = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: OID.aes256Cbc }), new asn1js.OctetString({ valueHex: iv })],
  });
  const algorithm = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: OID.pbes2 }), new asn1js.Sequence({ value: [kdf, scheme] })],
  });
  return { algorithm, encrypted };
}

function certBag(der: Uint8Array, attrs: asn1js.Sequence[]): asn1js.Sequence {
  const value = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.x509Certificate }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString({ valueHex: der })],
      }),
    ],
  });
  return safeBag(OID.certBag, value, attrs);
}

function checkCertificate(der: Uint8Array, alias: string): void {
  const outer = readWhole(der);
  if (outer === null || derKind(der, outer) !== 'certificate') {
    throw new PkiError('malformed', `The entry "${alias}" holds something that is not a DER X.509 certificate`);
  }
}

function macData(authSafe: Buffer, password: string): asn1js.Sequence {
  const salt = randomBytes(16);
  const key = pkcs12Kdf('sha256', bmpPassword(password), salt, 3, WRITE_ITERATIONS, 32);
  const mac = createHmac('sha256', key).update(authSafe).digest();
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [algorithmWithNull(OID.sha256), new asn1js.OctetString({ valueHex: mac })] }),
      new asn1js.OctetString({ valueHex: salt }),
      new asn1js.Integer({ value: WRITE_ITERATIONS }),
    ],
  });
}

/**
 * A PKCS#12 file that `openssl pkcs12` and `keytool -storetype PKCS12` open with `password`: certificates in one
 * PBES2/AES-256 EncryptedData, keys as PBES2/AES-256 shrouded key bags, an HMAC-SHA256 MAC. Key entries carry
 * friendlyName and localKeyId; trusted certificates carry friendlyName and Java's trusted-usage attribute, so that
 * keytool lists them as trustedCertEntry. Aliases must be unique regardless of case, as Java's PKCS12 store
 * treats them.
 */
export function writePkcs12(entries: readonly (Pkcs12KeyPair | Pkcs12TrustedCertificate)[], password: string): Buffer {
  const seen = new Set<string>();
  const certBags: asn1js.Sequence[] = [];
  const keyBags: asn1js.Sequence[] = [];
  const issuers: Uint8Array[] = [];
  // Certificates already written with attributes; CA certificates equal to one of them are not repeated.
  const written: Uint8Array[] = [];
  const keyIds = new Set<string>();
  for (const entry of entries) {
    if (entry.alias === '') throw new PkiError('malformed', 'Every PKCS#12 entry needs an alias');
    const folded = entry.alias.toLowerCase();
    if (seen.has(folded)) throw new PkiError('malformed', `The alias "${entry.alias}" occurs more than once`);
    seen.add(folded);
    const name = attribute(OID.friendlyName, new asn1js.BmpString({ value: entry.alias }));
    if ('cert' in entry) {
      checkCertificate(entry.cert, entry.alias);
      const trusted = attribute(
        OID.oracleTrustedKeyUsage,
        new asn1js.ObjectIdentifier({ value: OID.anyExtendedKeyUsage }),
      );
      certBags.push(certBag(entry.cert, [name, trusted]));
      written.push(entry.cert);
      continue;
    }
    const [leaf, ...rest] = entry.chain;
    if (leaf === undefined) throw new PkiError('malformed', `The key entry "${entry.alias}" has no certificate`);
    for (const der of entry.chain) checkCertificate(der, entry.alias);
    if (!keyMatchesCertificate(entry.key, leaf)) {
      throw new PkiError('malformed', `The certificate of "${entry.alias}" does not belong to its private key`);
    }
    // OpenSSL's choice: the SHA-1 of the certificate, made unique should two entries share one certificate.
    let keyId = createHash('sha1').update(leaf).digest();
    for (let n = 1; keyIds.has(keyId.toString('hex')); n++)
      keyId = createHash('sha1').update(leaf).update(String(n)).digest();
    keyIds.add(keyId.toString('hex'));
    const localKeyId = attribute(OID.localKeyId, new asn1js.OctetString({ valueHex: keyId }));
    written.push(leaf);
    certBags.push(certBag(leaf, [name, localKeyId]));
    issuers.push(...rest);
    const { algorithm, encrypted } = encryptPbes2(privateKeyToPkcs8(entry.key), password);
    const shrouded = new asn1js.Sequence({ value: [algorithm, new asn1js.OctetString({ valueHex: encrypted })] });
    keyBags.push(safeBag(OID.shroudedKeyBag, shrouded, [name, localKeyId]));
  }
  // CA certificates go in once, without attributes: Java and OpenSSL find them among all certificates by issuer.
  for (const der of issuers) {
    if (written.some((w) => sameBytes(w, der))) continue;
    written.push(der);
    certBags.push(certBag(der, []));
  }

  const contents: asn1js.Sequence[] = [];
  if (certBags.length > 0) {
    const { algorithm, encrypted } = encryptPbes2(
      new Uint8Array(new asn1js.Sequence({ value: certBags }).toBER()),
      password,
    );
    const encryptedData = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: OID.data }),
            algorithm,
            new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: encrypted }),
          ],
        }),
      ],
    });
    contents.push(contentInfo(OID.encryptedData, encryptedData));
  }
  if (keyBags.length > 0) {
    const safeContents = new asn1js.Sequence({ value: keyBags }).toBER();
    contents.push(contentInfo(OID.data, new asn1js.OctetString({ valueHex: safeContents })));
  }
  const authSafe = Buffer.from(new asn1js.Sequence({ value: contents }).toBER());
  const pfx = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 3 }),
      contentInfo(OID.data, new asn1js.OctetString({ valueHex: authSafe })),
      macData(authSafe, password),
    ],
  });
  return Buffer.from(pfx.toBER());
}
