import type { Entry } from '../../keystore/model.js';
import { parseCertificate } from '../../pki/certificate.js';
import { encodeHexAlias } from '../../pki/hexalias.js';
import type { Values } from './entities.js';

/**
 * A key pair's chain as ChainCertificate entities (§3.3, §4): key `Hexalias` + `Index`, Index 0 the entry's own
 * certificate, rising towards the root. The facts are read from each certificate; `Validity` is null as on reads.
 */
export function chainCertificateValues(entry: Entry, chain: readonly Uint8Array[]): Values[] {
  const hexalias = encodeHexAlias(entry.alias);
  return chain.map((der, index) => {
    const c = parseCertificate(der);
    return {
      Hexalias: hexalias,
      Alias: entry.alias,
      Index: index,
      Validity: null,
      KeyType: c.keyType,
      KeySize: c.keySize,
      ValidNotBefore: c.notBefore.getTime(),
      ValidNotAfter: c.notAfter.getTime(),
      SubjectDN: c.subjectDn,
      IssuerDN: c.issuerDn,
      SerialNumber: c.serial,
      SignatureAlgorithm: c.signatureAlgorithm,
      Version: c.version,
      FingerprintSha1: c.sha1,
      FingerprintSha256: c.sha256,
      FingerprintSha512: c.sha512,
    };
  });
}
