/**
 * PEM (RFC 7468) and base64 as they arrive in request bodies: with text around the blocks, CRLF or LF, and the
 * escaped newlines of JSON that was pasted rather than parsed.
 */

export interface PemBlock {
  readonly label: string;
  /** The text between the BEGIN and END lines; null when no END line follows (the scan stops there). */
  readonly body: string | null;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
// RFC 7468 labels are short printable ASCII; anything else after "-----BEGIN " is prose, not a header.
const MAX_LABEL = 64;
const LABEL = /^[\x20-\x7e]*$/;

/**
 * Every BEGIN/END pair in order. Each indexOf starts where the previous match ended, so the scan stays linear
 * however many broken or unterminated headers the input holds.
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let pos = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, pos);
    if (begin < 0) break;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd < 0) break;
    const label = text.slice(labelStart, labelEnd);
    if (label.length > MAX_LABEL || !LABEL.test(label)) {
      pos = labelStart;
      continue;
    }
    const bodyStart = labelEnd + DASHES.length;
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, bodyStart);
    if (end < 0) {
      blocks.push({ label, body: null });
      break;
    }
    blocks.push({ label, body: text.slice(bodyStart, end) });
    pos = end + endLine.length;
  }
  return blocks;
}

// Whitespace, and the two-character escapes \n \r \t left behind when JSON text was pasted instead of parsed;
// a backslash never occurs in base64, so removing them cannot change a valid payload.
const IGNORED = /\\[nrt]|\s+/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64: only the standard alphabet, padding only at the end. Node's own decoder silently skips
 * characters it does not know, which would turn garbage into bytes.
 */
export function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(IGNORED, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) return null;
  if (compact.endsWith('=') && compact.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** PEM as openssl writes it: 64-character lines, LF, a trailing newline. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${label}-----\n`;
}
