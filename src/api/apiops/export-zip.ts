import { crc32 } from 'node:zlib';
import { type ZipAttributes, type Zippable, zipSync } from 'fflate';
import type { GroupMember } from '../../keystore/groups.js';
import { safeFileNamePart } from './safe-name.js';

export interface ExportArchive {
  fileName: string;
  bytes: Uint8Array;
}

/** Seed 002: the archive is `{certificateName}-certificates.zip`. */
export const exportFileName = (certificateName: string): string =>
  `${safeFileNamePart(certificateName)}-certificates.zip`;

/**
 * Seed 002 / A13: one `{certificateName}-{environmentName}.cer` per environment, binary DER exactly as
 * stored, in certificateEnvironmentList order; no members gives a valid empty archive.
 */
export function buildExportArchive(certificateName: string, members: readonly GroupMember[]): ExportArchive {
  const files: Zippable = {};
  const used = new Set<string>();
  const base = safeFileNamePart(certificateName);
  for (const m of members) {
    const entryName = unique(`${base}-${safeFileNamePart(m.environment)}`, used);
    // The entry's own modification time rather than now: the same state exports to the same bytes.
    const attributes: ZipAttributes & { level: 6 } = { level: 6, mtime: zipTime(m.entry.modifiedAt) };
    const unicode = unicodePathField(entryName);
    if (unicode) attributes.extra = { [UNICODE_PATH]: unicode };
    files[entryName] = [new Uint8Array(m.entry.certDer), attributes];
  }
  return { fileName: exportFileName(certificateName), bytes: zipSync(files) };
}

/**
 * Environment names are unique, but two may become one name once made safe (`a"b` and `a_b`); fflate keys
 * entries by name, so the later one would silently replace the earlier. It gets `-2`, `-3`, … instead.
 */
function unique(stem: string, used: Set<string>): string {
  let name = `${stem}.cer`;
  for (let n = 2; used.has(name); n++) name = `${stem}-${n}.cer`;
  used.add(name);
  return name;
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
 * that too: version 1, the CRC-32 of the name as stored in the header, the name in UTF-8.
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
