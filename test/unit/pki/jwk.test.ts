// JWKs of certificates and private keys: parameters, thumbprint kid, x5c, and algorithms that fit the key.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import { jwkThumbprint, privateJwk, publicJwk } from '../../../src/pki/jwk.js';
import { repoRoot } from '../../helpers/server.js';

const der = readFileSync(join(repoRoot, 'test/fixtures/apiops/certificate.der'));
const ecDer = readFileSync(join(repoRoot, 'test/fixtures/apiops/partner-ca.der'));

describe('jwk', () => {
  test('an RSA certificate: n, e, default RS256, thumbprint kid, x5c and x5t#S256', () => {
    const jwk = publicJwk([der], { use: 'sig' });
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.alg, 'RS256');
    assert.equal(jwk.kid, jwkThumbprint(jwk));
    assert.deepEqual(jwk.x5c, [der.toString('base64')]);
    assert.equal(jwk['x5t#S256'], createHash('sha256').update(der).digest('base64url'));
    assert.equal(jwk.d, undefined);
    assert.equal(publicJwk([der], { use: 'enc' }).alg, 'RSA-OAEP-256');
    assert.equal(publicJwk([der], { use: 'sig', alg: 'PS384', kid: 'mine' }).kid, 'mine');
  });

  test('RFC 7638 example thumbprint', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    assert.equal(jwkThumbprint({ kty: 'RSA', n, e: 'AQAB' }), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test('an EC P-256 certificate signs with ES256 only, encrypts with ECDH-ES', () => {
    const jwk = publicJwk([ecDer], { use: 'sig' });
    assert.deepEqual([jwk.kty, jwk.crv, jwk.alg], ['EC', 'P-256', 'ES256']);
    assert.equal(publicJwk([ecDer], { use: 'enc' }).alg, 'ECDH-ES');
    assert.throws(
      () => publicJwk([ecDer], { use: 'sig', alg: 'RS256' }),
      (e: unknown) => e instanceof PkiError && e.code === 'unsupported' && /use one of ES256/.test(e.message),
    );
  });

  test('a private key gives d with the same public parameters and kid', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const jwk = privateJwk(pkcs8, [], { use: 'sig' });
    assert.equal(jwk.alg, 'ES384');
    assert.equal(typeof jwk.d, 'string');
    assert.equal(jwk.kid, jwkThumbprint(jwk));
    assert.ok(createPrivateKey({ key: jwk, format: 'jwk' }).equals(privateKey));
    assert.equal(jwk.x5c, undefined);
  });

  test('Ed25519 signs only; DSA has no JWK form', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    assert.equal(privateJwk(pkcs8, [], { use: 'sig' }).alg, 'EdDSA');
    assert.throws(() => privateJwk(pkcs8, [], { use: 'enc' }), PkiError);
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey;
    assert.throws(() => privateJwk(dsa.export({ type: 'pkcs8', format: 'der' }), [], { use: 'sig' }), PkiError);
  });
});
