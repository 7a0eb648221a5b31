import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { hashName, signatureScheme } from './algorithms.js';
import { children, contentsOf, decodeOid, readTlv, readWhole, TAG_INTEGER, TAG_OID, TAG_SEQUENCE } from './der.js';

/**
 * Verifies a signature from its parts, so that only the issuer's key has to be readable by OpenSSL. Whole
 * certificates would go through node's X509Certificate, and OpenSSL refuses many that we import (an INTEGER in a
 * name, an empty SET), which would make their issuers' signatures look bad.
 */

interface PssParameters {
  hash: string;
  saltLength: number;
}

function algorithmOid(der: Uint8Array): string | null {
  const outer = readWhole(der);
  const oid = outer?.tag === TAG_SEQUENCE ? readTlv(der, outer.valueStart, outer.end) : null;
  return oid?.tag === TAG_OID ? decodeOid(contentsOf(der, oid)) : null;
}

function smallInteger(der: Uint8Array): number | null {
  const tlv = readWhole(der);
  if (tlv?.tag !== TAG_INTEGER || tlv.end - tlv.valueStart > 4) return null;
  let value = 0;
  for (const byte of contentsOf(der, tlv)) value = value * 256 + byte;
  return value;
}

/**
 * RSASSA-PSS-params (RFC 4055): [0] hash, [1] mask generation, [2] salt length, [3] trailer; SHA-1 and 20 by
 * default. node:crypto uses the message digest for MGF1 too, so a different MGF1 digest is unsupported.
 */
function pssParameters(algorithm: Uint8Array): PssParameters | null {
  const outer = readWhole(algorithm);
  const [, params] = outer === null ? [] : (children(algorithm, outer) ?? []);
  const result: PssParameters = { hash: 'sha1', saltLength: 20 };
  let mgfHash = 'sha1';
  if (params === undefined || params.tag !== TAG_SEQUENCE) return params === undefined ? result : null;
  for (const field of children(algorithm, params) ?? []) {
    const inner = contentsOf(algorithm, field);
    if (field.tag === 0xa0) {
      const hash = hashName(algorithmOid(inner) ?? '');
      if (hash === null) return null;
      result.hash = hash;
    } else if (field.tag === 0xa1) {
      // MaskGenAlgorithm { mgf1 OID, hash AlgorithmIdentifier }
      const mgf = readWhole(inner);
      const parts = mgf === null ? null : children(inner, mgf);
      const hashAlgorithm = parts?.[1];
      const hash = hashAlgorithm
        ? hashName(algorithmOid(inner.subarray(hashAlgorithm.start, hashAlgorithm.end)) ?? '')
        : null;
      if (hash === null) return null;
      mgfHash = hash;
    } else if (field.tag === 0xa2) {
      const salt = smallInteger(inner);
      if (salt === null) return null;
      result.saltLength = salt;
    }
  }
  return mgfHash === result.hash ? result : null;
}

/**
 * Whether `signature` (the BIT STRING contents, unused-bits byte first) over `signed` verifies under the key in
 * `spki` with the algorithm `algorithm` (AlgorithmIdentifier DER). False for anything unreadable or unsupported.
 */
export function verifySignature(
  signed: Uint8Array,
  algorithm: Uint8Array,
  signature: Uint8Array,
  spki: Uint8Array,
): boolean {
  try {
    if (signature.length < 2 || signature[0] !== 0) return false;
    const value = signature.subarray(1);
    const scheme = signatureScheme(algorithmOid(algorithm) ?? '');
    if (scheme === null) return false;
    const key: KeyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    switch (scheme.scheme) {
      case 'rsa':
        return verify(scheme.hash, signed, { key, padding: constants.RSA_PKCS1_PADDING }, value);
      case 'ecdsa':
      case 'dsa':
        return verify(scheme.hash, signed, { key, dsaEncoding: 'der' }, value);
      case 'eddsa':
        return verify(null, signed, key, value);
      case 'rsa-pss': {
        const params = pssParameters(algorithm);
        if (params === null) return false;
        const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength };
        return verify(params.hash, signed, options, value);
      }
    }
  } catch {
    return false;
  }
}
