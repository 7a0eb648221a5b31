import type { TruststoreMember } from '../../keystore/truststore.js';
import { toPem } from '../../pki/pem.js';
import { writeZip } from './zip-write.js';

export const truststoreFileName = (environment: string): string => `${environment}-truststore.zip`;

/**
 * §3.8 export: one PEM `<alias>.cer` per certificate, or `certificate-1.cer`, `certificate-2.cer`, … for one
 * without an alias (numbered among those only). Names made safe; equal aliases of two projects get `-2`.
 */
export function buildTruststoreArchive(members: readonly TruststoreMember[]): Uint8Array {
  let unnamed = 0;
  return writeZip(
    members.map((m) => ({
      stem: m.entry.alias !== '' ? m.entry.alias : `certificate-${++unnamed}`,
      extension: '.cer',
      bytes: Buffer.from(toPem(m.entry.certDer), 'ascii'),
      modifiedAt: m.entry.modifiedAt,
    })),
  );
}
