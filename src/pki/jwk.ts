import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { PkiError } from './errors.js';

export type JwkUse = 'sig' | 'enc';

/** A JWK with the members RFC 7517 adds to the key's own (RFC 7518) parameters. */
export interface Jwk extends JsonWebKey {
  kty: string;
  use: JwkUse;
  alg: string;
  kid: string;
  x5c?: string[];
  'x5t#S256'?: string;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** Which `alg` values (RFC 7518) fit a key, by use; the first is the default. */
function algorithmsFor(key: JsonWebKey, use: JwkUse): string[] {
  if (key.kty === 'RSA')
    return use === 'sig'
      ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
      : ['RSA-OAEP-256', 'RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512', 'RSA1_5'];
  if (key.kty === 'EC') {
    if (use === 'enc') return ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];
    const byCurve: Record<string, string> = {
      'P-256': 'ES256',
      'P-384': 'ES384',
      'P-521': 'ES512',
      secp256k1: 'ES256K',
    };
    const alg = key.crv ? byCurve[key.crv] : undefined;
    return alg ? [alg] : [];
  }
  // Ed25519 and Ed448 sign only; their encryption counterparts (X25519, X448) are other keys.
  if (key.kty === 'OKP') return use === 'sig' ? ['EdDSA'] : [];
  return [];
}

/** The key's public JWK parameters; DSA and other keys JOSE has no form for are refused. */
function publicParameters(key: KeyObject): JsonWebKey {
  try {
    const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
    if (jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP') return jwk;
  } catch {
    // Node throws for key types without a JWK form (DSA, some curves).
  }
  throw new PkiError('unsupported', `${(key.asymmetricKeyType ?? 'this').toUpperCase()} keys have no JWK form`);
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no spaces. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const required: Record<string, string[]> = {
    RSA: ['e', 'kty', 'n'],
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
  };
  const members = required[jwk.kty ?? ''] ?? [];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return b64url(createHash('sha256').update(canonical).digest());
}

export interface JwkOptions {
  use: JwkUse;
  /** Undefined: the first that fits the key. */
  alg?: string;
  /** Undefined: the RFC 7638 thumbprint. */
  kid?: string;
}

/**
 * The public JWK of a certificate's key, with the certificate chain (`x5c`, leaf first) and the leaf's SHA-256
 * thumbprint (`x5t#S256`). PkiError 'unsupported' when the key has no JWK form or `alg` does not fit it.
 */
export function publicJwk(chain: readonly Uint8Array[], opts: JwkOptions): Jwk {
  const leaf = chain[0];
  if (!leaf) throw new PkiError('malformed', 'no certificate to make a JWK of');
  let key: KeyObject;
  try {
    key = new X509Certificate(leaf).publicKey;
  } catch {
    throw new PkiError('malformed', 'the certificate can not be read');
  }
  const params = publicParameters(key);
  return { ...params, ...members(params, chain, opts) } as Jwk;
}

/** The full JWK of a private key (PKCS#8 DER) with its chain: public and private parameters. */
export function privateJwk(pkcs8: Uint8Array, chain: readonly Uint8Array[], opts: JwkOptions): Jwk {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const pub = publicParameters(key);
  return { ...key.export({ format: 'jwk' }), ...members(pub, chain, opts) } as Jwk;
}

function members(params: JsonWebKey, chain: readonly Uint8Array[], opts: JwkOptions) {
  const fitting = algorithmsFor(params, opts.use);
  const alg = opts.alg ?? fitting[0];
  if (alg === undefined || !fitting.includes(alg))
    throw new PkiError(
      'unsupported',
      alg === undefined
        ? `a ${params.kty} key can not be used for ${opts.use === 'sig' ? 'signatures' : 'encryption'}`
        : `${alg} does not fit a ${params.kty}${params.crv ? ` ${params.crv}` : ''} key for ${opts.use === 'sig' ? 'signatures' : 'encryption'}; use one of ${fitting.join(', ')}`,
    );
  const out: Omit<Jwk, 'kty'> = {
    use: opts.use,
    alg,
    kid: opts.kid ?? jwkThumbprint(params),
  };
  if (chain.length > 0) {
    out.x5c = chain.map((c) => Buffer.from(c).toString('base64'));
    out['x5t#S256'] = b64url(createHash('sha256').update(chain[0]!).digest());
  }
  return out;
}
