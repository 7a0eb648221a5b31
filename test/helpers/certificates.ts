import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

export interface MadeCertificate {
  pem: string;
  /** As the store shows it: uppercase hex pairs joined by colons. */
  sha256: string;
}

/**
 * Distinct self-signed certificates, one per write, so that every version a test writes can be told apart
 * afterwards by its fingerprint. One EC key signs them all: generating keys is the slow part.
 */
export async function makeCertificates(count: number, label: string): Promise<MadeCertificate[]> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const out: MadeCertificate[] = [];
  for (let i = 0; i < count; i++) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (i + 1).toString(16).padStart(8, '0'),
      name: `CN=${label} ${i}, O=openkeystore reliability`,
      notBefore: new Date(Date.UTC(2025, 0, 1)),
      notAfter: new Date(Date.UTC(2035, 0, 1)),
      signingAlgorithm: alg,
      keys,
    });
    out.push({ pem: cert.toString('pem'), sha256: fingerprint(Buffer.from(cert.rawData)) });
  }
  return out;
}

export function fingerprint(der: Uint8Array): string {
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}
