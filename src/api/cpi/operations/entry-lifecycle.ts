import type { KeystoreName } from '../../../keystore/model.js';
import { assertNotReserved, assertValidAlias } from '../../../keystore/reserved.js';
import { encodeHexAlias } from '../../../pki/hexalias.js';
import type { Operation } from '../call.js';
import { badRequest } from '../errors.js';
import { aliasFromKey } from '../hexalias-key.js';
import { unlessLocked } from '../locked.js';
import { booleanOption, keystoreNameOption, single } from '../query-options.js';
import { noContent } from '../render.js';
import { KEY_PAIR_KEYSTORES } from '../write-options.js';
import { deleteEntry } from './keystore-entries.js';
import { keystoreEntriesAnswer } from './write-result.js';

interface RenamePrepared {
  alias: string;
  newAlias: string;
  keystore: KeystoreName;
  returnEntries: boolean;
  returnHexAlias: boolean;
}

/**
 * `PUT /KeystoreEntries('{hex}')?renameAlias=<alias>` (§3.7), body `{"Status":null}` (ignored): 204; with
 * `returnKeystoreEntries=true` 200 and the entries (the renamed one `changed`); otherwise with `returnHexAlias=true`
 * 200 text/plain `[<NEW HEXALIAS>]` (D19). 400 without `renameAlias` or when the new alias is taken, 403 when
 * either alias is reserved, 404 for an unknown one.
 */
export const renameEntry: Operation<RenamePrepared> = {
  prepare(call) {
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    const newAlias = single(call.params, 'renameAlias');
    if (newAlias === undefined || newAlias === '') throw badRequest("Query option 'renameAlias' is missing or empty");
    assertNotReserved(alias);
    assertValidAlias(newAlias);
    assertNotReserved(newAlias);
    return {
      alias,
      newAlias,
      keystore: keystoreNameOption(call.params, KEY_PAIR_KEYSTORES),
      returnEntries: booleanOption(call.params, 'returnKeystoreEntries'),
      returnHexAlias: booleanOption(call.params, 'returnHexAlias'),
    };
  },
  async handle(call, p) {
    const ks = await call.keystore(p.keystore);
    await unlessLocked(() =>
      call.ctx.keystore.lifecycle.rename(ks, p.alias, p.newAlias, { name: call.principal.name }),
    );
    if (p.returnEntries) return keystoreEntriesAnswer(call, ks, new Map([[p.newAlias, 'changed']]));
    if (p.returnHexAlias)
      return { status: 200, type: 'text/plain;charset=utf-8', body: `[${encodeHexAlias(p.newAlias)}]` };
    return noContent();
  },
};

type Deletion = Parameters<typeof deleteEntry.handle>[1];

type DeletePrepared =
  | { activate: true; alias: string; returnEntries: boolean }
  | { activate: false; deletion: Deletion | Promise<Deletion> };

/**
 * `DELETE /KeystoreEntries('{hex}')` deletes (keystore-entries.ts); with `keystoreName=KeyRenewal&activate=true` it
 * activates (§3.7): the renewal entry moves into `system` under its alias, and the `system` entry it replaces goes
 * to `KeyHistory` as `[n]_<alias>`. 204, or 200 with the entries of `system` (the activated one `new` or `changed`).
 */
export const deleteOrActivateEntry: Operation<DeletePrepared> = {
  prepare(call) {
    if (!booleanOption(call.params, 'activate')) return { activate: false, deletion: deleteEntry.prepare(call) };
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    if (keystoreNameOption(call.params) !== 'KeyRenewal')
      throw badRequest("Only entries of the keystore 'KeyRenewal' can be activated; add keystoreName=KeyRenewal.");
    return { activate: true, alias, returnEntries: booleanOption(call.params, 'returnKeystoreEntries') };
  },
  async handle(call, p, body) {
    if (!p.activate) return deleteEntry.handle(call, await p.deletion, body);
    const replaced = (await call.ctx.keystore.entries.find(call.system, p.alias)) !== undefined;
    await unlessLocked(() => call.ctx.keystore.lifecycle.activate(call.system, p.alias, { name: call.principal.name }));
    if (!p.returnEntries) return noContent();
    return keystoreEntriesAnswer(call, call.system, new Map([[p.alias, replaced ? 'changed' : 'new']]));
  },
};

interface CopyPrepared {
  alias: string;
  destination: string | undefined;
  returnEntries: boolean;
}

/**
 * `PUT /HistoryKeystoreEntries('{hex}')?copy=true[&destinationAlias=…]` (§3.9), body `{"Status":null}`: copies a
 * history entry into `KeyRenewal`, by default under its original alias (D24), to be activated again. 204, or 200
 * with the entries of `KeyRenewal`. 400 for an alias not starting with `[` or a destination that is taken.
 */
export const copyHistoryEntry: Operation<CopyPrepared> = {
  prepare(call) {
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    if (!booleanOption(call.params, 'copy')) throw badRequest("Query option 'copy=true' is missing.");
    const destination = single(call.params, 'destinationAlias');
    return {
      alias,
      destination: destination === '' ? undefined : destination,
      returnEntries: booleanOption(call.params, 'returnKeystoreEntries'),
    };
  },
  async handle(call, p) {
    const entry = await unlessLocked(() =>
      call.ctx.keystore.lifecycle.copyFromHistory(call.system, p.alias, p.destination, { name: call.principal.name }),
    );
    if (!p.returnEntries) return noContent();
    return keystoreEntriesAnswer(call, await call.keystore('KeyRenewal'), new Map([[entry.alias, 'new']]));
  },
};
