import { PkiError } from './errors.js';

// fatal: an alias is a name the user typed; replacing bad bytes with U+FFFD would silently address another entry.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hexDigits = /^[0-9A-Fa-f]*$/;

/** SAP's Hexalias: the alias's UTF-8 bytes in hex, emitted uppercase (reference §1.4, D3). */
export function encodeHexAlias(alias: string): string {
  return Buffer.from(alias, 'utf8').toString('hex').toUpperCase();
}

/**
 * Inverse of {@link encodeHexAlias}, any case accepted. The odd-length and illegal-character texts are those of
 * the Java hexBinary parser behind SAP (D9), checked in the same order: length first.
 */
export function decodeHexAlias(hex: string): string {
  if (hex.length === 0) throw new PkiError('hexalias', 'The hexadecimal alias is empty');
  if (hex.length % 2 !== 0) throw new PkiError('hexalias', `hexBinary needs to be even-length: ${hex}`);
  if (!hexDigits.test(hex)) throw new PkiError('hexalias', `contains illegal character for hexBinary: ${hex}`);
  try {
    return utf8.decode(Buffer.from(hex, 'hex'));
  } catch {
    throw new PkiError('hexalias', `The hexadecimal alias ${hex} is not valid UTF-8`);
  }
}
