import type { GroupMember } from '../../keystore/groups.js';
import { LruCache } from './lru-cache.js';
import { safeFileNamePart } from './safe-name.js';
import { writeZip } from './zip-write.js';

export interface ExportArchive {
  fileName: string;
  bytes: Uint8Array;
}

/** Seed 002: the archive is `{certificateName}-certificates.zip`. */
export const exportFileName = (certificateName: string): string =>
  `${safeFileNamePart(certificateName)}-certificates.zip`;

/**
 * Archives made lately, by what they hold. Deflating was most of an export's cost (the bench's row 3: 150 µs of
 * fflate for three certificates), and gateways fetch the same certificate again and again; the members are still
 * read from the store on every request, so a changed certificate makes another key and a new archive.
 */
const archives = new LruCache<string, Uint8Array>(256);

/**
 * Seed 002 / A13: one `{certificateName}-{environmentName}.cer` per environment, binary DER exactly as
 * stored, in certificateEnvironmentList order; no members gives a valid empty archive. Environment names
 * are unique, but two may become one once made safe (`a"b` and `a_b`): the later gets `-2`.
 */
export function buildExportArchive(certificateName: string, members: readonly GroupMember[]): ExportArchive {
  // The archive follows from the names, each file's bytes (its SHA-256 names them) and times, nothing else.
  const key = JSON.stringify([
    certificateName,
    members.map((m) => [m.environment, m.entry.sha256, m.entry.modifiedAt]),
  ]);
  let bytes = archives.get(key);
  if (!bytes) {
    bytes = writeZip(
      members.map((m) => ({
        stem: `${certificateName}-${m.environment}`,
        extension: '.cer',
        bytes: m.entry.certDer,
        // The entry's own modification time rather than now: the same state exports to the same bytes.
        modifiedAt: m.entry.modifiedAt,
      })),
    );
    archives.set(key, bytes);
  }
  return { fileName: exportFileName(certificateName), bytes };
}
