import type { Entry, KeystoreName } from '../../../keystore/model.js';
import { readTlv } from '../../../pki/der.js';
import { toPem } from '../../../pki/sniff.js';
import type { Operation } from '../call.js';
import { aliasFromKey } from '../hexalias-key.js';
import { booleanOption, keystoreNameOption } from '../query-options.js';

/** The last certificate of a key pair's chain (stored leaf excluded, towards the root), or the entry's own. */
function topOfChain(entry: Entry): Uint8Array {
  const chain = entry.chainDer;
  let top: Uint8Array = entry.certDer;
  if (!chain) return top;
  for (let pos = 0; pos < chain.length; ) {
    const tlv = readTlv(chain, pos);
    if (!tlv) break;
    top = chain.subarray(tlv.start, tlv.end);
    pos = tlv.end;
  }
  return top;
}

/**
 * `GET /KeystoreEntries('{hex}')/Certificate/$value` (§3.3, seed 000): the PEM of the entry's certificate; a key
 * pair with `rootCA=true` gives the top certificate of its chain. A certificate entry ignores `rootCA`.
 */
export const exportCertificate: Operation<{ alias: string; keystore: KeystoreName; rootCA: boolean }> = {
  prepare: (call) => ({
    alias: aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined),
    keystore: keystoreNameOption(call.params),
    rootCA: booleanOption(call.params, 'rootCA'),
  }),
  async handle(call, { alias, keystore, rootCA }) {
    const entry = await call.ctx.keystore.entries.get(await call.keystore(keystore), alias);
    const der = rootCA && entry.kind === 'keypair' ? topOfChain(entry) : entry.certDer;
    return { status: 200, type: 'application/pkix-cert', body: toPem(der) };
  },
};
