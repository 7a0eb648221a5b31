import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { PkiError } from './errors.js';

/**
 * Bytes sealed under a passphrase: scrypt derives an AES-256 key, AES-256-GCM encrypts and authenticates.
 * The layout (all numbers single bytes):
 *
 *   0   8  magic "OKSPKG" 0x00 0x01 (format 1)
 *   8   1  key derivation: 1 = scrypt
 *   9   1  log2 of scrypt's N (cost)
 *  10   1  scrypt's r (block size)
 *  11   1  scrypt's p (parallelism)
 *  12  16  salt
 *  28  12  GCM nonce
 *  40  16  GCM tag
 *  56   …  ciphertext
 *
 * Bytes 0–27 are the GCM additional data, so the parameters can't be changed without the tag failing. The
 * parameters are read back from the header, within bounds, so a hostile file can't ask for gigabytes of memory.
 */
const MAGIC = Buffer.from([0x4f, 0x4b, 0x53, 0x50, 0x4b, 0x47, 0x00, 0x01]);
const HEADER = 56;
const AAD_END = 28;
const KDF_SCRYPT = 1;
/** 2^15 × 8: 32 MiB and some 100 ms per derivation, OWASP's scrypt recommendation. */
const DEFAULT = { logN: 15, r: 8, p: 1 };
const BOUNDS = { logN: [14, 20], r: [1, 16], p: [1, 4] } as const;
/** scrypt needs 128·N·r bytes; a package may ask for up to 256 MiB of it. */
const MAX_MEMORY = 256 * 1024 * 1024;

export const isPassphraseSealed = (bytes: Uint8Array): boolean =>
  bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);

export function sealWithPassphrase(plaintext: Uint8Array, passphrase: string): Buffer {
  const header = Buffer.alloc(AAD_END);
  MAGIC.copy(header, 0);
  header.writeUInt8(KDF_SCRYPT, 8);
  header.writeUInt8(DEFAULT.logN, 9);
  header.writeUInt8(DEFAULT.r, 10);
  header.writeUInt8(DEFAULT.p, 11);
  randomBytes(16).copy(header, 12);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, header), nonce);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, cipher.getAuthTag(), body]);
}

/** PkiError 'password' when the passphrase is wrong (or the bytes were changed), 'malformed' for a bad header. */
export function openWithPassphrase(sealed: Uint8Array, passphrase: string): Buffer {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!isPassphraseSealed(buf) || buf.length < HEADER) throw new PkiError('malformed', 'not a sealed package');
  const header = buf.subarray(0, AAD_END);
  const decipher = createDecipheriv('aes-256-gcm', derive(passphrase, header), buf.subarray(AAD_END, AAD_END + 12));
  decipher.setAAD(header);
  decipher.setAuthTag(buf.subarray(AAD_END + 12, HEADER));
  try {
    return Buffer.concat([decipher.update(buf.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new PkiError('password', 'the passphrase does not open the package');
  }
}

function derive(passphrase: string, header: Buffer): Buffer {
  const kdf = header.readUInt8(8);
  const logN = header.readUInt8(9);
  const r = header.readUInt8(10);
  const p = header.readUInt8(11);
  const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;
  if (kdf !== KDF_SCRYPT || !within(logN, BOUNDS.logN) || !within(r, BOUNDS.r) || !within(p, BOUNDS.p))
    throw new PkiError('unsupported', 'the package asks for a key derivation this server does not run');
  const N = 2 ** logN;
  if (128 * N * r > MAX_MEMORY)
    throw new PkiError('unsupported', 'the package asks for more memory to derive its key than this server gives');
  // NFC: the same passphrase typed on two systems may arrive composed or decomposed.
  return scryptSync(Buffer.from(passphrase.normalize('NFC'), 'utf8'), header.subarray(12, 28), 32, {
    N,
    r,
    p,
    maxmem: 128 * N * r + 16 * 1024 * 1024,
  });
}
