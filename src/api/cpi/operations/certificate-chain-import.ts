import { assertNotReserved } from '../../../keystore/reserved.js';
import type { Operation } from '../call.js';
import { aliasFromKey } from '../hexalias-key.js';
import { noContent } from '../render.js';
import { type KeyPairWriteOptions, keyPairWriteOptions } from '../write-options.js';
import { PKCS12_LIMIT } from './key-pair-import.js';
import { keystoreEntriesAnswer } from './write-result.js';

interface Prepared extends KeyPairWriteOptions {
  alias: string;
}

/**
 * `PUT /CertificateChainResources('{hex}')/$value` (§3.5): a new chain for a stored key pair, as a CA's reply
 * arrives: PKCS#7 (DER, PEM or base64), PkiPath, concatenated PEM. The Content-Type is a hint at most; the format
 * is found from the bytes. Hexalias and reserved alias are checked before the body, size while it is read (30 720
 * bytes, as a PKCS#12 file); the keystore then answers 415 unreadable, 404 unknown, 400 not a key pair or not
 * fitting its key, 409 untrusted top CA.
 */
export const importCertificateChain: Operation<Prepared> = {
  bodyLimit: PKCS12_LIMIT,
  prepare(call) {
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    assertNotReserved(alias);
    return { alias, ...keyPairWriteOptions(call.params) };
  },
  async handle(call, { alias, keystore, requireTrust, returnEntries }, body) {
    const ks = await call.keystore(keystore);
    const result = await call.ctx.keystore.keyPairs.replaceChain(
      ks,
      alias,
      { material: body, requireTrust },
      { name: call.principal.name },
    );
    if (!returnEntries) return noContent();
    return keystoreEntriesAnswer(call, ks, new Map([[alias, result.status]]));
  },
};
