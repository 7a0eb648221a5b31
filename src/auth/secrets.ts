import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens and client secrets are 32 random bytes in base64url behind a prefix that says what they are, so a
 * leaked one is recognisable (secret scanners, logs) and the server can refuse a foreign token without a
 * database read.
 */
export const PREFIX = {
  personalToken: 'oks_pat_',
  accessToken: 'oks_at_',
  clientId: 'oks_cl_',
  clientSecret: 'oks_cs_',
} as const;

/** Every prefix above starts with this, which is why user names may not. */
export const RESERVED_PREFIX = 'oks_';

/** The shape of the client ids we issue; any other id is refused without a database read. */
export const CLIENT_ID = /^oks_cl_[A-Za-z0-9_-]{1,64}$/;

const TOKEN_BYTES = 32;
/** 32 bytes are 43 base64url characters; anything far longer is not ours and is refused unread. */
export const MAX_TOKEN_LENGTH = 128;

export function newSecret(prefix: string, bytes = TOKEN_BYTES): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** SHA-256 in hex: what the tokens table keeps instead of the token. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Client secrets are stored as `sha256$<hex>`. A secret of 256 random bits can't be guessed from its hash,
 * so a slow hash buys nothing here and would make every client-credentials grant cost a scrypt.
 */
export function hashClientSecret(secret: string): string {
  return `sha256$${sha256Hex(secret)}`;
}

export function verifyClientSecret(secret: string, stored: string): boolean {
  if (!stored.startsWith('sha256$')) return false;
  const expected = Buffer.from(stored.slice('sha256$'.length), 'hex');
  const actual = createHash('sha256').update(secret).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
