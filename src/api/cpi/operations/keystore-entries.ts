import type { KeystoreName } from '../../../keystore/model.js';
import type { Operation } from '../call.js';
import { type CollectionRequest, collectionRequest } from '../collection-request.js';
import { KEYSTORE_ENTRY } from '../edm.js';
import { keystoreEntryValues } from '../entities.js';
import { notImplemented } from '../errors.js';
import { aliasFromKey } from '../hexalias-key.js';
import { booleanOption, COLLECTION_QUERY_OPTIONS, keystoreNameOption, selectOption } from '../query-options.js';
import { entityAnswer, feedAnswer, noContent } from '../render.js';
import { type Selection, selection } from '../selection.js';
import { countEntryPage, queryEntryPage } from '../store-collection.js';
import { keystoreEntriesAnswer } from './write-result.js';

const SET = 'KeystoreEntries';

interface ListPrepared {
  keystore: KeystoreName;
  req: CollectionRequest;
  sel: Selection;
}

/**
 * `GET /KeystoreEntries` (§3.2, D8): `$filter` and `$orderby` run in the store, sorted by Alias after any
 * `$orderby` (D26), cut into server pages of 1000 with a `__next` link.
 */
export const listEntries: Operation<ListPrepared> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare(call) {
    const req = collectionRequest(call.params, KEYSTORE_ENTRY);
    return { keystore: keystoreNameOption(call.params), req, sel: selection(KEYSTORE_ENTRY, req.select) };
  },
  async handle(call, { keystore, req, sel }) {
    const page = await queryEntryPage(call, await call.keystore(keystore), req, SET);
    const values = page.entries.map((e) => keystoreEntryValues(e));
    return feedAnswer(call, call.format, SET, sel, values, page.count, page.next);
  },
};

/** `GET /KeystoreEntries/$count`: a text/plain number of what `$filter` selects, after `$skip` and `$top`. */
export const countEntries: Operation<{ keystore: KeystoreName; req: CollectionRequest }> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare: (call) => ({
    keystore: keystoreNameOption(call.params),
    req: collectionRequest(call.params, KEYSTORE_ENTRY),
  }),
  async handle(call, { keystore, req }) {
    const n = await countEntryPage(call, await call.keystore(keystore), req);
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
