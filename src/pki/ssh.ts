import {
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { children, contentsOf, readWhole, TAG_BIT_STRING, TAG_INTEGER, TAG_SEQUENCE } from './der.js';
import { PkiError } from './errors.js';
import { derElement } from './generate.js';
import { parsePrivateKey } from './keys.js';
import { toPem } from './pem.js';

/**
 * SSH keys for SAP's SSHKeyGenerationRequests and SSH key export (reference §3.6): the one-line public key of
 * authorized_keys, and private keys as ssh-keygen (OpenSSH format, or PEM with -m PEM) and PuTTYgen write them.
 * OpenSSH's bcrypt-pbkdf needs Blowfish, which OpenSSL keeps in the legacy provider that Node does not load, so it
 * is implemented here, with Blowfish's constants computed from π as the cipher defines them.
 */

const ONLY_RSA_DSA = 'SSH key export is only available for RSA and DSA entries';

function malformed(reason: string): PkiError {
  return new PkiError('malformed', `The SSH private key cannot be read: ${reason}`);
}

// --- SSH wire encoding ---------------------------------------------------------------------------------------------

function sshString(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH mpint from unsigned big-endian bytes: minimal two's complement, like a DER INTEGER's contents. */
function mpint(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const magnitude = unsigned.subarray(start);
  return magnitude.length > 0 && magnitude[0]! & 0x80
    ? Buffer.concat([Buffer.alloc(1), magnitude])
    : Buffer.from(magnitude);
}

class SshReader {
  private offset = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  take(length: number): Buffer {
    if (length > this.remaining) throw malformed(`${this.what} is truncated`);
    const out = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.take(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint as unsigned big-endian bytes (no sign byte); negative values have no place in keys. */
  mpint(): Buffer {
    const bytes = this.string();
    if (bytes.length > 0 && bytes[0]! & 0x80) throw malformed(`${this.what} holds a negative number`);
    let start = 0;
    while (start < bytes.length && bytes[start] === 0) start++;
    return bytes.subarray(start);
  }
}

// --- public keys ---------------------------------------------------------------------------------------------------

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromBase64url(text: string | undefined): Buffer {
  return Buffer.from(text ?? '', 'base64url');
}

/** DSA p, q, g and y (DER INTEGER contents) from a SubjectPublicKeyInfo. */
function dsaPublicParts(spki: Uint8Array): Uint8Array[] {
  const outer = readWhole(spki);
  const [algorithm, bits] = outer === null ? [] : (children(spki, outer) ?? []);
  const params = algorithm?.tag === TAG_SEQUENCE ? children(spki, algorithm)?.[1] : undefined;
  const pqg = params?.tag === TAG_SEQUENCE ? children(spki, params) : null;
  // BIT STRING: an unused-bits byte, then the INTEGER y.
  const y = bits?.tag === TAG_BIT_STRING ? contentsOf(spki, bits).subarray(1) : null;
  const yTlv = y === null ? null : readWhole(y);
  if (pqg?.length !== 3 || pqg.some((t) => t.tag !== TAG_INTEGER) || y === null || yTlv?.tag !== TAG_INTEGER) {
    throw new PkiError('malformed', 'The DSA public key cannot be read');
  }
  return [...pqg.map((t) => contentsOf(spki, t)), contentsOf(y, yTlv)];
}

/**
 * The public key as one authorized_keys line (`ssh-rsa AAAA… comment`, `ssh-dss …`), from a key (private or
 * public) or a SubjectPublicKeyInfo DER such as CertificateFacts.subjectKeyDer. No trailing newline. Only RSA and
 * DSA keys, as SAP offers: others give PkiError('unsupported').
 */
export function sshPublicKey(key: KeyObject | Uint8Array, comment: string): string {
  let publicKey: KeyObject;
  try {
    publicKey =
      key instanceof Uint8Array
        ? createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' })
        : key.type === 'public'
          ? key
          : createPublicKey(key);
  } catch {
    throw new PkiError('malformed', 'The public key cannot be read');
  }
  let type: string;
  let parts: Uint8Array[];
  if (publicKey.asymmetricKeyType === 'rsa') {
    const jwk = publicKey.export({ format: 'jwk' });
    type = 'ssh-rsa';
    parts = [fromBase64url(jwk.e), fromBase64url(jwk.n)];
  } else if (publicKey.asymmetricKeyType === 'dsa') {
    type = 'ssh-dss';
    parts = dsaPublicParts(publicKey.export({ type: 'spki', format: 'der' }));
  } else {
    throw new PkiError('unsupported', ONLY_RSA_DSA);
  }
  const blob = Buffer.concat([sshString(Buffer.from(type)), ...parts.map((p) => sshString(mpint(p)))]);
  const line = `${type} ${blob.toString('base64')}`;
  const note = comment.replace(/[\r\n]+/g, ' ').trim();
  return note === '' ? line : `${line} ${note}`;
}

// --- private keys from their SSH fields ----------------------------------------------------------------------------

function rsaKey(n: Buffer, e: Buffer, d: Buffer, p: Buffer, q: Buffer, qi: Buffer): KeyObject {
  const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
  const toBytes = (v: bigint) => {
    const hex = v.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  };
  const dp = toBytes(big(d) % (big(p) - 1n));
  const dq = toBytes(big(d) % (big(q) - 1n));
  const jwk = {
    kty: 'RSA',
    n: base64url(n),
    e: base64url(e),
    d: base64url(d),
    p: base64url(p),
    q: base64url(q),
    dp: base64url(dp),
    dq: base64url(dq),
    qi: base64url(qi),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

function dsaKey(p: Buffer, q: Buffer, g: Buffer, y: Buffer, x: Buffer): KeyObject {
  // OpenSSL's traditional DSAPrivateKey { version 0, p, q, g, y, x }; JWK has no DSA.
  const integer = (v: Uint8Array) => derElement(0x02, mpint(v.length === 0 ? Uint8Array.of(0) : v));
  const der = derElement(0x30, integer(Uint8Array.of(0)), integer(p), integer(q), integer(g), integer(y), integer(x));
  return parsePrivateKey(toPem(der, 'DSA PRIVATE KEY'));
}

const SSH_CURVES: Record<string, { crv: string; bytes: number }> = {
  nistp256: { crv: 'P-256', bytes: 32 },
  nistp384: { crv: 'P-384', bytes: 48 },
  nistp521: { crv: 'P-521', bytes: 66 },
};

function ecKey(curveName: string, point: Buffer, d: Buffer): KeyObject {
  const curve = SSH_CURVES[curveName];
  if (curve === undefined) throw new PkiError('unsupported', `The SSH key's curve ${curveName} is not supported`);
  if (point.length !== 1 + 2 * curve.bytes || point[0] !== 0x04 || d.length > curve.bytes) {
    throw malformed('the EC key is not an uncompressed point on its curve');
  }
  const padded = Buffer.concat([Buffer.alloc(curve.bytes - d.length), d]);
  const jwk = {
    kty: 'EC',
    crv: curve.crv,
    x: base64url(point.subarray(1, 1 + curve.bytes)),
    y: base64url(point.subarray(1 + curve.bytes)),
    d: base64url(padded),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

function ed25519Key(publicKey: Buffer, secret: Buffer): KeyObject {
  if (publicKey.length !== 32 || secret.length !== 64) throw malformed('the Ed25519 key has the wrong length');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey), d: base64url(secret.subarray(0, 32)) },
    format: 'jwk',
  });
}

/** One key of OpenSSH's private section: its type, then the fields that type defines (PROTOCOL.key, RFC 8709). */
function readOpenSshKey(r: SshReader): KeyObject {
  const type = r.text();
  try {
    switch (type) {
      case 'ssh-rsa': {
        const [n, e, d, qi, p, q] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()];
        return rsaKey(n, e, d, p, q, qi);
      }
      case 'ssh-dss': {
        const [p, q, g, y, x] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()];
        return dsaKey(p, q, g, y, x);
      }
      case 'ecdsa-sha2-nistp256':
      case 'ecdsa-sha2-nistp384':
      case 'ecdsa-sha2-nistp521': {
        const [curve, point, d] = [r.text(), r.string(), r.mpint()];
        return ecKey(curve, point, d);
      }
      case 'ssh-ed25519': {
        const [publicKey, secret] = [r.string(), r.string()];
        return ed25519Key(publicKey, secret);
      }
    }
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw malformed(`the ${type} key is inconsistent (${error instanceof Error ? error.message : String(error)})`);
  }
  throw new PkiError('unsupported', `SSH keys of type ${type} are not supported; use RSA, DSA, ECDSA or Ed25519`);
}

// --- bcrypt-pbkdf (OpenBSD), for encrypted OpenSSH keys ------------------------------------------------------------

let blowfishInit: { p: Uint32Array; s: Uint32Array } | null = null;

/**
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of π's fraction, 18 + 1024 words. Computed
 * once (Machin's formula in BigInt fixed point, 64 guard bits) instead of pasting 8 KB of constants.
 */
function blowfishConstants(): { p: Uint32Array; s: Uint32Array } {
  if (blowfishInit !== null) return blowfishInit;
  const words = 18 + 1024;
  const bits = BigInt(words * 32 + 64);
  const one = 1n << bits;
  const arctanInverse = (x: bigint): bigint => {
    let power = one / x;
    let sum = power;
    const x2 = x * x;
    for (let k = 1n, sign = -1n; power !== 0n; k++, sign = -sign) {
      power /= x2;
      sum += (sign * power) / (2n * k + 1n);
    }
    return sum;
  };
  const pi = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
  const fraction = ((pi - 3n * one) >> 64n).toString(16).padStart(words * 8, '0');
  const all = new Uint32Array(words);
  for (let i = 0; i < words; i++) all[i] = Number.parseInt(fraction.slice(i * 8, i * 8 + 8), 16);
  blowfishInit = { p: all.slice(0, 18), s: all.slice(18) };
  return blowfishInit;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  /** The block being enciphered: left and right halves. */
  readonly block = new Uint32Array(2);

  constructor() {
    const init = blowfishConstants();
    this.p = init.p.slice();
    this.s = init.s.slice();
  }

  encipher(): void {
    const { p, s, block } = this;
    let l = block[0]! ^ p[0]!;
    let r = block[1]!;
    for (let i = 1; i <= 16; i += 2) {
      r ^=
        (((s[l >>> 24]! + s[256 + ((l >>> 16) & 0xff)]!) ^ s[512 + ((l >>> 8) & 0xff)]!) + s[768 + (l & 0xff)]!) ^
        p[i]!;
      l ^=
        (((s[r >>> 24]! + s[256 + ((r >>> 16) & 0xff)]!) ^ s[512 + ((r >>> 8) & 0xff)]!) + s[768 + (r & 0xff)]!) ^
        p[i + 1]!;
    }
    block[0] = r ^ p[17]!;
    block[1] = l;
  }

  /** Blowfish_expandstate (with data) and Blowfish_expand0state (without) of OpenBSD's blowfish.c. */
  expand(key: Uint8Array, data: Uint8Array | null): void {
    let j = 0;
    const word = (bytes: Uint8Array): number => {
      let w = 0;
      for (let i = 0; i < 4; i++, j++) {
        if (j >= bytes.length) j = 0;
        w = ((w << 8) | bytes[j]!) >>> 0;
      }
      return w;
    };
    for (let i = 0; i < 18; i++) this.p[i]! ^= word(key);
    j = 0;
    this.block[0] = 0;
    this.block[1] = 0;
    const fill = (target: Uint32Array) => {
      for (let i = 0; i < target.length; i += 2) {
        if (data !== null) {
          this.block[0]! ^= word(data);
          this.block[1]! ^= word(data);
        }
        this.encipher();
        target[i] = this.block[0]!;
        target[i + 1] = this.block[1]!;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const BCRYPT_TEXT = Buffer.from('OxychromaticBlowfishSwatDynamite');

function bcryptHash(sha2pass: Buffer, sha2salt: Buffer): Buffer {
  const state = new Blowfish();
  state.expand(sha2pass, sha2salt);
  for (let i = 0; i < 64; i++) {
    state.expand(sha2salt, null);
    state.expand(sha2pass, null);
  }
  const cdata = new Uint32Array(8);
  for (let i = 0; i < 8; i++) cdata[i] = BCRYPT_TEXT.readUInt32BE(i * 4);
  for (let round = 0; round < 64; round++) {
    for (let i = 0; i < 8; i += 2) {
      state.block[0] = cdata[i]!;
      state.block[1] = cdata[i + 1]!;
      state.encipher();
      cdata[i] = state.block[0]!;
      cdata[i + 1] = state.block[1]!;
    }
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) out.writeUInt32LE(cdata[i]!, i * 4);
  return out;
}

// Rounds beyond this would block the process for minutes; ssh-keygen's default is 16, its -a option rarely > 100.
const MAX_BCRYPT_ROUNDS = 1000;

/** bcrypt_pbkdf of OpenBSD: PBKDF2's structure with bcrypt_hash, and the output bytes interleaved. */
function bcryptPbkdf(password: Buffer, salt: Buffer, length: number, rounds: number): Buffer {
  const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest();
  const stride = Math.ceil(length / 32);
  const amount = Math.ceil(length / stride);
  const key = Buffer.alloc(length);
  const sha2pass = sha512(password);
  for (let count = 1, left = length; left > 0; count++) {
    const countSalt = Buffer.concat([
      salt,
      Buffer.from([count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]),
    ]);
    let tmp = bcryptHash(sha2pass, sha512(countSalt));
    const out = Buffer.from(tmp);
    for (let i = 1; i < rounds; i++) {
      tmp = bcryptHash(sha2pass, sha512(tmp));
      for (let j = 0; j < out.length; j++) out[j]! ^= tmp[j]!;
    }
    let i = 0;
    for (; i < Math.min(amount, left); i++) {
      const dest = i * stride + (count - 1);
      if (dest >= length) break;
      key[dest] = out[i]!;
    }
    left -= i;
  }
  return key;
}

// --- OpenSSH private key format (PROTOCOL.key) ---------------------------------------------------------------------

const OPENSSH_CIPHERS: Record<string, { cipher: string; keyLength: number; ivLength: number; tagLength: number }> = {
  'aes128-ctr': { cipher: 'aes-128-ctr', keyLength: 16, ivLength: 16, tagLength: 0 },
  'aes192-ctr': { cipher: 'aes-192-ctr', keyLength: 24, ivLength: 16, tagLength: 0 },
  'aes256-ctr': { cipher: 'aes-256-ctr', keyLength: 32, ivLength: 16, tagLength: 0 },
  'aes128-cbc': { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16, tagLength: 0 },
  'aes192-cbc': { cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16, tagLength: 0 },
  'aes256-cbc': { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16, tagLength: 0 },
  '3des-cbc': { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, tagLength: 0 },
  'aes128-gcm@openssh.com': { cipher: 'aes-128-gcm', keyLength: 16, ivLength: 12, tagLength: 16 },
  'aes256-gcm@openssh.com': { cipher: 'aes-256-gcm', keyLength: 32, ivLength: 12, tagLength: 16 },
};

const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const WRONG_SSH_PASSWORD = 'The password of the SSH private key is incorrect';
const SSH_PASSWORD_NEEDED = 'The SSH private key is encrypted and no password was given';

function decryptOpenSsh(
  cipherName: string,
  kdfName: string,
  kdfOptions: Buffer,
  encrypted: Buffer,
  tag: Buffer,
  password: string | undefined,
): Buffer {
  const cipher = OPENSSH_CIPHERS[cipherName];
  if (cipher === undefined) {
    throw new PkiError('unsupported', `OpenSSH keys encrypted with ${cipherName} are not supported; use aes256-ctr`);
  }
  if (kdfName !== 'bcrypt') throw new PkiError('unsupported', `The OpenSSH key derivation ${kdfName} is not supported`);
  if (password === undefined) throw new PkiError('password', SSH_PASSWORD_NEEDED);
  const options = new SshReader(kdfOptions, 'the bcrypt options');
  const salt = options.string();
  const rounds = options.uint32();
  if (rounds < 1 || rounds > MAX_BCRYPT_ROUNDS) {
    throw new PkiError(
      'unsupported',
      `The OpenSSH key uses ${rounds} bcrypt rounds; 1 to ${MAX_BCRYPT_ROUNDS} are accepted`,
    );
  }
  const derived = bcryptPbkdf(Buffer.from(password, 'utf8'), salt, cipher.keyLength + cipher.ivLength, rounds);
  const key = derived.subarray(0, cipher.keyLength);
  const iv = derived.subarray(cipher.keyLength);
  try {
    const decipher = createDecipheriv(cipher.cipher, key, iv);
    if (cipher.tagLength > 0) (decipher as unknown as { setAuthTag(t: Buffer): void }).setAuthTag(tag);
    decipher.setAutoPadding(false);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    // GCM's tag fails for a wrong password; CTR and CBC decrypt to garbage that the check words catch.
    throw new PkiError('password', WRONG_SSH_PASSWORD);
  }
}

function readOpenSsh(body: string, password: string | undefined): KeyObject {
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (!blob.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC))
    throw malformed('the openssh-key-v1 header is missing');
  const r = new SshReader(blob.subarray(OPENSSH_MAGIC.length), 'the OpenSSH key');
  const cipherName = r.text();
  const kdfName = r.text();
  const kdfOptions = r.string();
  const count = r.uint32();
  if (count !== 1) throw new PkiError('unsupported', `The OpenSSH file holds ${count} keys; one is expected`);
  r.string(); // the public key, repeated inside the private section
  const encrypted = r.string();
  let privateSection: Buffer;
  if (cipherName === 'none') {
    privateSection = encrypted;
  } else {
    const tagLength = OPENSSH_CIPHERS[cipherName]?.tagLength ?? 0;
    const tag = r.take(Math.min(tagLength, r.remaining));
    privateSection = decryptOpenSsh(cipherName, kdfName, kdfOptions, encrypted, tag, password);
  }
  const p = new SshReader(privateSection, 'the private section');
  // Two equal random words: after decryption with a wrong key they differ.
  const check = p.uint32();
  if (p.uint32() !== check) {
    throw cipherName === 'none' ? malformed('the check words differ') : new PkiError('password', WRONG_SSH_PASSWORD);
  }
  return readOpenSshKey(p);
}

// --- PuTTY .ppk (versions 2 and 3) ---------------------------------------------------------------------------------

interface PpkFile {
  version: 2 | 3;
  algorithm: string;
  encryption: string;
  comment: string;
  headers: Map<string, string>;
  publicBlob: Buffer;
  privateBlob: Buffer;
  mac: Buffer;
}

function parsePpk(text: string): PpkFile {
  const lines = text.split(/\r?\n/);
  const headers = new Map<string, string>();
  const blobs: Record<string, Buffer> = {};
  let first: { version: number; algorithm: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(': ');
    if (colon < 0) throw malformed(`the PuTTY key file has an unexpected line ${i + 1}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 2);
    const version = /^PuTTY-User-Key-File-(\d+)$/.exec(name);
    if (version) {
      first = { version: Number(version[1]), algorithm: value.trim() };
      continue;
    }
    if (name === 'Public-Lines' || name === 'Private-Lines') {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 0 || i + count >= lines.length) throw malformed(`bad ${name}`);
      blobs[name] = Buffer.from(lines.slice(i + 1, i + 1 + count).join(''), 'base64');
      i += count;
      continue;
    }
    headers.set(name, value);
  }
  if (first === null) throw malformed('the PuTTY header line is missing');
  if (first.version !== 2 && first.version !== 3) {
    throw new PkiError(
      'unsupported',
      `PuTTY key files of version ${first.version} are not supported; save the key with PuTTYgen 0.75 or later`,
    );
  }
  const mac = headers.get('Private-MAC');
  if (
    blobs['Public-Lines'] === undefined ||
    blobs['Private-Lines'] === undefined ||
    mac === undefined ||
    !/^[0-9a-fA-F]+$/.test(mac)
  ) {
    throw malformed('the PuTTY key file lacks its public part, private part or MAC');
  }
  return {
    version: first.version,
    algorithm: first.algorithm,
    encryption: headers.get('Encryption') ?? '',
    comment: headers.get('Comment') ?? '',
    headers,
    publicBlob: blobs['Public-Lines'],
    privateBlob: blobs['Private-Lines'],
    mac: Buffer.from(mac, 'hex'),
  };
}

function readPpk(text: string, password: string | undefined): KeyObject {
  const ppk = parsePpk(text);
  if (ppk.algorithm !== 'ssh-rsa' && ppk.algorithm !== 'ssh-dss') {
    throw new PkiError('unsupported', `PuTTY keys are accepted for RSA and DSA only, not ${ppk.algorithm}`);
  }
  let privateBlob = ppk.privateBlob;
  let macKey: Buffer;
  let macHash: string;
  if (ppk.encryption === 'none') {
    macHash = ppk.version === 2 ? 'sha1' : 'sha256';
    macKey = ppk.version === 2 ? createHash('sha1').update('putty-private-key-file-mac-key').digest() : Buffer.alloc(0);
  } else if (ppk.encryption === 'aes256-cbc' && ppk.version === 2) {
    if (password === undefined) throw new PkiError('password', SSH_PASSWORD_NEEDED);
    // PPK v2: the key is SHA-1(0,0,0,0 ‖ passphrase) ‖ SHA-1(0,0,0,1 ‖ passphrase), cut to 32 bytes; the IV is zero.
    const digest = (n: number) =>
      createHash('sha1')
        .update(Buffer.from([0, 0, 0, n]))
        .update(password, 'utf8')
        .digest();
    const key = Buffer.concat([digest(0), digest(1)]).subarray(0, 32);
    if (privateBlob.length % 16 !== 0) throw malformed('the encrypted private part is not whole AES blocks');
    const decipher = createDecipheriv('aes-256-cbc', key, Buffer.alloc(16)).setAutoPadding(false);
    privateBlob = Buffer.concat([decipher.update(privateBlob), decipher.final()]);
    macHash = 'sha1';
    macKey = createHash('sha1').update('putty-private-key-file-mac-key').update(password, 'utf8').digest();
  } else if (ppk.encryption === 'aes256-cbc') {
    // Version 3 derives the key with Argon2, which node:crypto does not offer before Node 24.
    throw new PkiError(
      'unsupported',
      'Encrypted PuTTY keys of version 3 (Argon2) are not supported; save the key unencrypted or in OpenSSH format',
    );
  } else {
    throw new PkiError('unsupported', `PuTTY key encryption ${ppk.encryption} is not supported`);
  }
  const macData = Buffer.concat([
    sshString(Buffer.from(ppk.algorithm)),
    sshString(Buffer.from(ppk.encryption)),
    sshString(Buffer.from(ppk.comment, 'utf8')),
    sshString(ppk.publicBlob),
    sshString(privateBlob),
  ]);
  const mac = createHmac(macHash, macKey).update(macData).digest();
  if (mac.length !== ppk.mac.length || !timingSafeEqual(mac, ppk.mac)) {
    throw ppk.encryption === 'none'
      ? malformed('the PuTTY key file was changed: its MAC does not match')
      : new PkiError('password', WRONG_SSH_PASSWORD);
  }
  const pub = new SshReader(ppk.publicBlob, 'the PuTTY public key');
  const priv = new SshReader(privateBlob, 'the PuTTY private key');
  if (pub.text() !== ppk.algorithm) throw malformed('the PuTTY public key does not match its header');
  try {
    if (ppk.algorithm === 'ssh-rsa') {
      const [e, n] = [pub.mpint(), pub.mpint()];
      const [d, p, q, qi] = [priv.mpint(), priv.mpint(), priv.mpint(), priv.mpint()];
      return rsaKey(n, e, d, p, q, qi);
    }
    const [p, q, g, y] = [pub.mpint(), pub.mpint(), pub.mpint(), pub.mpint()];
    return dsaKey(p, q, g, y, priv.mpint());
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw malformed(`the PuTTY key is inconsistent (${error instanceof Error ? error.message : String(error)})`);
  }
}

// --- dispatch ------------------------------------------------------------------------------------------------------

/**
 * An SSH private key: OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`, RSA, DSA, ECDSA, Ed25519;
 * encrypted ones with bcrypt-pbkdf and AES or 3DES), the PEM keys of `ssh-keygen -m PEM` (RSA, DSA, EC, PKCS#8,
 * encrypted with `password`), and PuTTY .ppk files of versions 2 and 3 holding RSA or DSA keys (unencrypted, or
 * version 2 encrypted). Throws PkiError: 'password', 'unsupported' or 'malformed'.
 */
export function readSshPrivateKey(input: Uint8Array, password?: string): KeyObject {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    .toString('utf8')
    .replace(/^\ufeff/, '');
  const openSsh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openSsh) return readOpenSsh(openSsh[1]!, password);
  if (text.trimStart().startsWith('PuTTY-User-Key-File-')) return readPpk(text, password);
  if (text.includes('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----')) {
    throw new PkiError('unsupported', 'SSH.COM private keys are not supported; convert the key with ssh-keygen');
  }
  if (text.includes('-----BEGIN ') || readWhole(input) !== null) return parsePrivateKey(input, password);
  throw new PkiError('malformed', 'The input is not an SSH private key (OpenSSH, PEM or PuTTY)');
}
