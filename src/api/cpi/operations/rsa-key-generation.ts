import { assertNotReserved, assertValidAlias } from '../../../keystore/reserved.js';
import { PkiError } from '../../../pki/errors.js';
import { parsePrivateKey } from '../../../pki/keys.js';
import type { Operation } from '../call.js';
import { badRequest, CpiError } from '../errors.js';
import { certificateRequestFields } from '../generation-request.js';
import { readJsonObject } from '../json-body.js';
import { binaryField, emptyProperty, requiredText } from '../json-fields.js';
import { unlessLocked } from '../locked.js';
import { certificateForOwnKey } from '../own-key-certificate.js';
import { noContent } from '../render.js';
import { type KeyPairWriteOptions, keyPairWriteOptions } from '../write-options.js';
import { keystoreEntriesAnswer } from './write-result.js';

/** §1.6: `RSAFile` holds at most 10 000 bytes; its base64 and the other properties fit in 32 KiB of JSON. */
export const KEY_FILE_LIMIT = 10_000;
export const KEY_FILE_BODY_LIMIT = 32 * 1024;

/**
 * `POST /RSAKeyGenerationRequests` (§3.6): a key pair from the client's own RSA key. `RSAFile` is the base64 of a
 * PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`; PKCS#8 is read as well), at most 10 000 bytes. Key type and size come from
 * the key; `SignatureAlgorithm` (default SHA-512, as for generated pairs) must fit its length. Only `system` is
 * written, and a locked keystore answers 423 as SPEC says for this operation.
 */
export const rsaKeyGenerationRequest: Operation<KeyPairWriteOptions> = {
  bodyLimit: KEY_FILE_BODY_LIMIT,
  prepare: (call) => keyPairWriteOptions(call.params, ['system']),
  async handle(call, opts, body) {
    const json = readJsonObject(body);
    const alias = requiredText(json, 'Alias');
    assertValidAlias(alias);
    assertNotReserved(alias);
    const file = binaryField(json, 'RSAFile');
    if (!file) throw emptyProperty('RSAFile');
    if (file.length > KEY_FILE_LIMIT)
      throw new CpiError(413, `The RSAFile is larger than the ${KEY_FILE_LIMIT} bytes it may have.`);
    let key: ReturnType<typeof parsePrivateKey>;
    try {
      key = parsePrivateKey(file);
    } catch (e) {
      if (e instanceof PkiError) throw badRequest(`The RSAFile cannot be read: ${e.message}`);
      throw e;
    }
    if (key.asymmetricKeyType !== 'rsa') throw badRequest('The RSAFile does not hold an RSA private key.');
    const fields = certificateRequestFields(json);
    const cert = certificateForOwnKey(key, json, fields, 'SHA512withRSA');
    const ks = await call.keystore('system');
    const result = await unlessLocked(
      () =>
        call.ctx.keystore.keyPairs.importKeyPair(
          ks,
          alias,
          { key, chain: [cert], mode: opts.mode, requireTrust: false },
          { name: call.principal.name },
        ),
      423,
    );
    if (!opts.returnEntries) return noContent();
    return keystoreEntriesAnswer(call, ks, new Map([[alias, result.status]]));
  },
};
