import { crc32 } from 'node:zlib';
import { type ZipAttributes, type Zippable, zipSync } from 'fflate';
import { safeFileNamePart } from './safe-name.js';

/** One file of an archive we write: its name before it is made safe, its extension, bytes and time. */
export interface ArchiveFile {
  /** The name without extension; made safe here (no separators, no control characters). */
  stem: string;
  /** With the dot: `.cer`, `.jks`. */
  extension: string;
  bytes: Uint8Array;
  /** Milliseconds; the stored object's own time, so the same state gives the same bytes. */
  modifiedAt: number;
}

/**
 * A ZIP of these files, in this order. Names are made safe, and two that became one get `-2`, `-3`, …:
 * fflate keys entries by name, so the later one would silently replace the earlier.
 */
export function writeZip(files: readonly ArchiveFile[]): Uint8Array {
  const zippable: Zippable = {};
  const used = new Set<string>();
  for (const f of files) {
    const stem = safeFileNamePart(f.stem);
    let name = `${stem}${f.extension}`;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}${f.extension}`;
    used.add(name);
    const attributes: ZipAttributes & { level: 6 } = { level: 6, mtime: zipTime(f.modifiedAt) };
    const unicode = unicodePathField(name);
    if (unicode) attributes.extra = { [UNICODE_PATH]: unicode };
    zippable[name] = [new Uint8Array(f.bytes), attributes];
  }
  return zipSync(zippable);
}

/** ZIP's DOS timestamps cover 1980–2107 (fflate: to 2099); a date outside is clamped rather than refused. */
function zipTime(millis: number): Date {
  const min = Date.UTC(1980, 0, 2);
  const max = Date.UTC(2099, 11, 30);
  return new Date(Math.min(Math.max(millis, min), max));
}

const UNICODE_PATH = 0x7075;

/**
 * fflate marks a non-ASCII name as UTF-8 (flag bit 11), which Windows, macOS, 7-Zip and Python honour;
 * Info-ZIP's unzip (Debian's, for one) reads only its own Unicode Path extra field, so a non-ASCII name gets
 * that too (version 1, CRC-32 of the header's name, the UTF-8 name).
 */
function unicodePathField(name: string): Uint8Array | undefined {
  const utf8 = Buffer.from(name, 'utf8');
  if (utf8.length === name.length) return undefined;
  const field = Buffer.alloc(5 + utf8.length);
  field[0] = 1;
  field.writeUInt32LE(crc32(utf8) >>> 0, 1);
  utf8.copy(field, 5);
  return new Uint8Array(field);
}
