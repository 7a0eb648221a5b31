import { crc32, inflateRawSync } from 'node:zlib';
import { badRequest } from './errors.js';
import { text } from './messages.js';

/** What an uploaded archive may hold; every limit is checked against the central directory before inflating. */
export interface ZipLimits {
  /** Entries the central directory may declare, directories included. */
  maxEntries: number;
  /** Declared uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Declared uncompressed size of all entries together. */
  maxTotalBytes: number;
}

export interface ZipFile {
  /** The entry's path inside the archive, `/`-separated, as the archive names it. */
  path: string;
  /** The last path segment: what import rules match against (a re-zipped folder adds one level). */
  baseName: string;
  data: Buffer;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const END_SIZE = 22;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** A ZIP starts with a local header, or is the 22-byte end record alone (an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32LE(0);
  return sig === LOCAL || sig === END;
}

interface CentralEntry {
  path: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Reads an uploaded ZIP into memory, refusing what could hurt: more entries than allowed (checked from the
 * end record before the directory is even walked), declared sizes beyond the limits (checked for every entry
 * before anything is inflated), inflation beyond the declared size (zlib stops at it: a lying header can't
 * make a bomb), paths that leave the archive (`..`, absolute, drive letters), encryption, unknown methods,
 * duplicate names and CRC mismatches. Every refusal is a 400 in Apinizer's body. Directories are skipped.
 */
export function readZip(input: Uint8Array, limits: ZipLimits): ZipFile[] {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = findEnd(buf);
  const directory = centralDirectory(buf, end, limits);
  const entries = walkDirectory(buf, directory);

  const seen = new Set<string>();
  let total = 0;
  for (const e of entries) {
    checkPath(e.path);
    if (seen.has(e.path)) throw badRequest(text.archiveDuplicate(shown(e.path)));
    seen.add(e.path);
    if (e.flags & 0x1) throw badRequest(text.archiveEncrypted);
    if (e.method !== 0 && e.method !== 8) throw badRequest(text.archiveMethod(shown(e.path)));
    if (e.size > limits.maxEntryBytes) throw badRequest(text.archiveTooLarge);
    total += e.size;
    if (total > limits.maxTotalBytes) throw badRequest(text.archiveTooLarge);
  }

  const files: ZipFile[] = [];
  for (const e of entries) {
    if (e.path.endsWith('/')) continue;
    const data = inflate(buf, e);
    const segments = e.path.split('/');
    files.push({ path: e.path, baseName: segments[segments.length - 1] ?? e.path, data });
  }
  return files;
}

/** The end record is the last thing in the file, followed only by a comment of at most 64 KiB. */
function findEnd(buf: Buffer): number {
  const lowest = Math.max(0, buf.length - END_SIZE - U16_MAX);
  for (let i = buf.length - END_SIZE; i >= lowest; i--)
    if (buf.readUInt32LE(i) === END && i + END_SIZE + buf.readUInt16LE(i + 20) <= buf.length) return i;
  throw badRequest(text.archiveInvalid);
}

interface Directory {
  count: number;
  offset: number;
  size: number;
}

function centralDirectory(buf: Buffer, end: number, limits: ZipLimits): Directory {
  if (buf.readUInt16LE(end + 4) !== 0 || buf.readUInt16LE(end + 6) !== 0) throw badRequest(text.archiveInvalid);
  let count = buf.readUInt16LE(end + 10);
  let size = buf.readUInt32LE(end + 12);
  let offset = buf.readUInt32LE(end + 16);
  if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    // ZIP64: the real values are in the ZIP64 end record, which a locator just before the end record points to.
    const locator = end - 20;
    if (locator < 0 || buf.readUInt32LE(locator) !== END64_LOCATOR) throw badRequest(text.archiveInvalid);
    const at = safeNumber(buf.readBigUInt64LE(locator + 8));
    if (at + 56 > locator || buf.readUInt32LE(at) !== END64) throw badRequest(text.archiveInvalid);
    count = safeNumber(buf.readBigUInt64LE(at + 32));
    size = safeNumber(buf.readBigUInt64LE(at + 40));
    offset = safeNumber(buf.readBigUInt64LE(at + 48));
  }
  // Before one directory record is read: 10,000 entries cost nothing to refuse.
  if (count > limits.maxEntries) throw badRequest(text.archiveTooManyEntries(limits.maxEntries));
  if (offset + size > end) throw badRequest(text.archiveInvalid);
  return { count, offset, size };
}

function walkDirectory(buf: Buffer, dir: Directory): CentralEntry[] {
  const out: CentralEntry[] = [];
  let p = dir.offset;
  const stop = dir.offset + dir.size;
  for (let i = 0; i < dir.count; i++) {
    if (p + 46 > stop || buf.readUInt32LE(p) !== CENTRAL) throw badRequest(text.archiveInvalid);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > stop) throw badRequest(text.archiveInvalid);
    const entry: CentralEntry = {
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      // Bit 11 says UTF-8; without it the name is CP437, whose printable ASCII part is the same.
      path: buf.subarray(p + 46, p + 46 + nameLength).toString(buf.readUInt16LE(p + 8) & 0x800 ? 'utf8' : 'latin1'),
    };
    applyZip64(entry, buf.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    out.push(entry);
    p = next;
  }
  return out;
}

/** Sizes and the offset of 0xFFFFFFFF are in the ZIP64 extra field, in this order, each only when so marked. */
function applyZip64(e: CentralEntry, extra: Buffer): void {
  if (e.size !== U32_MAX && e.compressedSize !== U32_MAX && e.localOffset !== U32_MAX) return;
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    const body = extra.subarray(p + 4, p + 4 + length);
    p += 4 + length;
    if (id !== ZIP64_EXTRA) continue;
    let q = 0;
    const take = (): number => {
      if (q + 8 > body.length) throw badRequest(text.archiveInvalid);
      const v = safeNumber(body.readBigUInt64LE(q));
      q += 8;
      return v;
    };
    if (e.size === U32_MAX) e.size = take();
    if (e.compressedSize === U32_MAX) e.compressedSize = take();
    if (e.localOffset === U32_MAX) e.localOffset = take();
    return;
  }
  throw badRequest(text.archiveInvalid);
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw badRequest(text.archiveInvalid);
  return Number(v);
}

/**
 * No entry may land outside the folder the archive is unpacked into, or anywhere absolute: such an archive
 * was made to attack whoever unpacks it, so it is refused whole rather than read around.
 */
function checkPath(path: string): void {
  const unsafe =
    path === '' ||
    path.includes('\u0000') ||
    path.includes('\\') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').some((s) => s === '..');
  if (unsafe) throw badRequest(text.archiveUnsafePath(shown(path)));
}

function inflate(buf: Buffer, e: CentralEntry): Buffer {
  const at = e.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) throw badRequest(text.archiveInvalid);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  if (start + e.compressedSize > buf.length) throw badRequest(text.archiveInvalid);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else {
    try {
      // zlib stops at the declared size (at least 1 byte, so an empty entry that inflates to more is caught).
      data = inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw badRequest(text.archiveTooLarge);
      throw badRequest(text.archiveInvalid);
    }
  }
  if (data.length !== e.size || crc32(data) >>> 0 !== e.crc >>> 0) throw badRequest(text.archiveInvalid);
  return Buffer.from(data);
}

/** Entry names go into messages: a hostile one is cut short there (JSON escapes the rest). */
function shown(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
