/**
 * A minimal DER reader that only finds element boundaries. The ASN.1 libraries decode values but do not tell where
 * an element starts and ends in the input, and they accept trailing bytes; entries must keep names, keys and
 * certificates byte-exact, so the boundaries come from here.
 */

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_PRINTABLE_STRING = 0x13;
export const TAG_T61_STRING = 0x14;
export const TAG_IA5_STRING = 0x16;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_GENERAL_STRING = 0x1b;
export const TAG_UNIVERSAL_STRING = 0x1c;
export const TAG_BMP_STRING = 0x1e;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

export interface Tlv {
  /** The first identifier octet (class, constructed bit and low tag number), e.g. 0x30 for SEQUENCE. */
  readonly tag: number;
  readonly start: number;
  /** Where the contents start. */
  readonly valueStart: number;
  /** One past the last content byte. */
  readonly end: number;
}

// Certificates are small; a length beyond this is corruption, and keeping it in int range keeps the arithmetic exact.
const MAX_LENGTH = 0x7fffffff;

/**
 * Reads the element at `offset`. Returns null when the header is malformed, uses the indefinite form (BER, not
 * DER), or the contents run past `limit`.
 */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv | null {
  let pos = offset;
  if (pos >= limit) return null;
  const tag = buf[pos++]!;
  if ((tag & 0x1f) === 0x1f) {
    // High tag numbers: base-128 digits, last one without the top bit. Only the boundaries matter here.
    let digits = 0;
    for (;;) {
      if (pos >= limit || ++digits > 4) return null;
      if ((buf[pos++]! & 0x80) === 0) break;
    }
  }
  if (pos >= limit) return null;
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 4) return null;
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= limit) return null;
      length = length * 256 + buf[pos++]!;
    }
    if (length > MAX_LENGTH) return null;
  }
  const end = pos + length;
  if (end > limit) return null;
  return { tag, start: offset, valueStart: pos, end };
}

/** The elements that exactly fill `parent`'s contents, or null when they do not. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  let pos = parent.valueStart;
  while (pos < parent.end) {
    const child = readTlv(buf, pos, parent.end);
    if (child === null) return null;
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The single element that spans all of `buf`, or null (truncated, trailing bytes, empty). */
export function readWhole(buf: Uint8Array): Tlv | null {
  const tlv = readTlv(buf, 0);
  return tlv !== null && tlv.end === buf.length ? tlv : null;
}

export function bytesOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

export function contentsOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.valueStart, tlv.end);
}

/** Dotted form of an OBJECT IDENTIFIER's contents; null when the encoding is broken. */
export function decodeOid(value: Uint8Array): string | null {
  if (value.length === 0 || (value[value.length - 1]! & 0x80) !== 0) return null;
  const arcs: bigint[] = [];
  let acc = 0n;
  for (const byte of value) {
    acc = (acc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}
