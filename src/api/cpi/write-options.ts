import type { KeystoreName } from '../../keystore/model.js';
import type { WriteMode } from '../../keystore/write-entry.js';
import { booleanOption, keystoreNameOption } from './query-options.js';

/**
 * Key pair writes go to `system`, or to `KeyRenewal` where new keys wait for activation (§3.7), so that renewal can
 * be exercised through the API. The backup and the history are written only by backup and activation.
 */
export const KEY_PAIR_KEYSTORES: readonly KeystoreName[] = ['system', 'KeyRenewal'];

/** The options every key pair write takes (§3.6): where to, create or replace, trust check, what to answer. */
export interface KeyPairWriteOptions {
  keystore: KeystoreName;
  mode: WriteMode;
  requireTrust: boolean;
  returnEntries: boolean;
}

export function keyPairWriteOptions(
  params: URLSearchParams,
  keystores: readonly KeystoreName[] = KEY_PAIR_KEYSTORES,
): KeyPairWriteOptions {
  return {
    keystore: keystoreNameOption(params, keystores),
    // §3.4/§3.6: without `update=true` an existing alias is refused; with it, a missing one is.
    mode: booleanOption(params, 'update') ? 'update' : 'create',
    requireTrust: !booleanOption(params, 'fingerprintVerified'),
    returnEntries: booleanOption(params, 'returnKeystoreEntries'),
  };
}
