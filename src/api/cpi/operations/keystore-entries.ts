import type { KeystoreName } from '../../../keystore/model.js';
import type { Operation } from '../call.js';
import { KEYSTORE_ENTRY } from '../edm.js';
import { keystoreEntryValues } from '../entities.js';
import { notImplemented } from '../errors.js';
import { aliasFromKey } from '../hexalias-key.js';
import {
  booleanOption,
  type CollectionOptions,
  collectionOptions,
  keystoreNameOption,
  selectOption,
} from '../query-options.js';
import { entityAnswer, feedAnswer, noContent } from '../render.js';
import { type Selection, selection } from '../selection.js';
import { keystoreEntriesAnswer } from './write-result.js';

const SET = 'KeystoreEntries';

interface ListPrepared {
  keystore: KeystoreName;
  options: CollectionOptions;
  sel: Selection;
}

/** `GET /KeystoreEntries` (§3.2): sorted by Alias (D26), no server-side paging. */
export const listEntries: Operation<ListPrepared> = {
  prepare(call) {
    const options = collectionOptions(call.params);
    return { keystore: keystoreNameOption(call.params), options, sel: selection(KEYSTORE_ENTRY, options.select) };
  },
  async handle(call, { keystore, options, sel }) {
    const ks = await call.keystore(keystore);
    const { entries } = call.ctx.keystore;
    const list = await entries.list(ks, { limit: options.top, offset: options.skip });
    const count = options.inlineCount ? await entries.count(ks) : undefined;
    const values = list.map((e) => keystoreEntryValues(e));
    return feedAnswer(call, call.format, SET, sel, values, count);
  },
};

/** `GET /KeystoreEntries/$count`: a text/plain number, after `$skip` and `$top` as OData V2 counts. */
export const countEntries: Operation<{ keystore: KeystoreName; options: CollectionOptions }> = {
  prepare: (call) => ({ keystore: keystoreNameOption(call.params), options: collectionOptions(call.params) }),
  async handle(call, { keystore, options }) {
    const total = await call.ctx.keystore.entries.count(await call.keystore(keystore));
    const afterSkip = Math.max(0, total - (options.skip ?? 0));
    const n = options.top === undefined ? afterSkip : Math.min(afterSkip, options.top);
    return { status: 200, type: 'text/plain;charset=utf-8', body: String(n) };
  },
};

/** `GET /KeystoreEntries('{hex}')`. */
export const getEntry: Operation<{ alias: string; keystore: KeystoreName; sel: Selection }> = {
  prepare: (call) => ({
    alias: aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined),
    keystore: keystoreNameOption(call.params),
    sel: selection(KEYSTORE_ENTRY, selectOption(call.params)),
  }),
  async handle(call, { alias, keystore, sel }) {
    const entry = await call.ctx.keystore.entries.get(await call.keystore(keystore), alias);
    return entityAnswer(call, SET, sel, keystoreEntryValues(entry));
  },
};

/** `DELETE /KeystoreEntries('{hex}')` (§3.7): 204, or 200 with the entries and the deleted one as `removed` (D20). */
export const deleteEntry: Operation<{ alias: string; keystore: KeystoreName; returnEntries: boolean }> = {
  prepare(call) {
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    const keystore = keystoreNameOption(call.params);
    if (booleanOption(call.params, 'activate'))
      throw notImplemented('Activating a KeyRenewal entry is not supported yet.');
    return { alias, keystore, returnEntries: booleanOption(call.params, 'returnKeystoreEntries') };
  },
  async handle(call, { alias, keystore, returnEntries }) {
    const ks = await call.keystore(keystore);
    const removed = await call.ctx.keystore.entries.delete(ks, alias, { name: call.principal.name });
    if (!returnEntries) return noContent();
    return keystoreEntriesAnswer(call, ks, new Map([[alias, 'removed']]), [removed]);
  },
};
