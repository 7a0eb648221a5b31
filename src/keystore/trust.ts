import type { CertificateFacts } from '../pki/certificate.js';
import { isSignedBy } from '../pki/certificate.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';

/**
 * SAP's rule: trusted when the very certificate is stored already, or a stored certificate signed it.
 * Looks only at entries whose subject is the certificate's issuer, so the keystore is never loaded whole.
 */
export async function isTrusted(db: Db, keystoreId: number, der: Buffer, facts: CertificateFacts): Promise<boolean> {
  const issuers = await repo.findEntriesBySubject(db, keystoreId, facts.issuerDn);
  for (const candidate of issuers) {
    if (candidate.sha256 === facts.sha256) return true;
    if (isSignedBy(der, candidate.cert_der)) return true;
  }
  const same = await repo.listEntries(db, keystoreId, {
    filter: { op: 'cmp', cmp: 'eq', field: { field: 'sha256' }, value: facts.sha256 },
    limit: 1,
  });
  return same.length > 0;
}
