import type { GroupMember } from '../../keystore/groups.js';
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
 * Seed 002 / A13: one `{certificateName}-{environmentName}.cer` per environment, binary DER exactly as
 * stored, in certificateEnvironmentList order; no members gives a valid empty archive. Environment names
 * are unique, but two may become one once made safe (`a"b` and `a_b`): the later gets `-2`.
 */
export function buildExportArchive(certificateName: string, members: readonly GroupMember[]): ExportArchive {
  const bytes = writeZip(
    members.map((m) => ({
      stem: `${certificateName}-${m.environment}`,
      extension: '.cer',
      bytes: m.entry.certDer,
      // The entry's own modification time rather than now: the same state exports to the same bytes.
      modifiedAt: m.entry.modifiedAt,
    })),
  );
  return { fileName: exportFileName(certificateName), bytes };
}
