import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes are self-describing strings, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so the
 * cost can be raised later without breaking the hashes already stored.
 */
const N = 1 << 14;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Longer passwords are refused before hashing: scrypt's cost grows with the input, and no one types 1 KiB. */
export const MAX_PASSWORD_BYTES = 1024;

// Bounds for parameters read back from the store: a corrupted or hostile row must not make one check
// allocate gigabytes or spin for minutes.
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

let scryptRuns = 0;

/** How many scrypt derivations this process has run: tests and metrics use it to prove the caches spare them. */
export function scryptCount(): number {
  return scryptRuns;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number, len: number): Promise<Buffer> {
  scryptRuns++;
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, or node refuses the larger parameter sets.
    scryptCb(password, salt, len, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, R, P, KEY_BYTES);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(encoded: string): Parsed | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const isPow2 = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  if (!isPow2 || n > MAX_N) return undefined;
  if (!Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { n, r, p, salt, key };
}

/** True when the password matches the encoded hash. An unreadable hash matches nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  const h = parse(encoded);
  if (!h) return false;
  const key = await derive(password, h.salt, h.n, h.r, h.p, h.key.length);
  return timingSafeEqual(key, h.key);
}
