import type { Entry } from '../../../keystore/model.js';
import type { Answer, CpiCall, Operation } from '../call.js';
import { type CollectionRequest, collectionRequest } from '../collection-request.js';
import { entityType } from '../edm.js';
import { historyEntryValues } from '../entities.js';
import { storeCanAnswer } from '../filter-compile.js';
import { aliasFromKey } from '../hexalias-key.js';
import { countValuePage, queryValuePage } from '../memory-collection.js';
import { COLLECTION_QUERY_OPTIONS, selectOption } from '../query-options.js';
import { entityAnswer, feedAnswer } from '../render.js';
import { type Selection, selection } from '../selection.js';
import { countEntryPage, queryEntryPage } from '../store-collection.js';

const SET = 'HistoryKeystoreEntries';
const HISTORY_ENTRY = entityType('HistoryKeystoreEntry');

const history = (call: CpiCall) => call.keystore('KeyHistory');

/**
 * The activation data lives in each entry's meta, not in columns. A filter or order on it is evaluated in memory
 * over the KeyHistory keystore, which grows by one entry per activation; everything else runs in the store.
 */
async function allHistory(call: CpiCall): Promise<ReturnType<typeof historyEntryValues>[]> {
  const entries: Entry[] = await call.ctx.keystore.entries.list(await history(call));
  return entries.map(historyEntryValues);
}

interface ListPrepared {
  req: CollectionRequest;
  sel: Selection;
}

/** `GET /HistoryKeystoreEntries[/$count]` (§3.9): the entries that activations moved into `KeyHistory`. */
export const listHistoryEntries: Operation<ListPrepared> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare(call) {
    const req = collectionRequest(call.params, HISTORY_ENTRY);
    return { req, sel: selection(HISTORY_ENTRY, req.select) };
  },
  async handle(call, { req, sel }): Promise<Answer> {
    if (storeCanAnswer(req.filter, req.orderBy)) {
      const page = await queryEntryPage(call, await history(call), req, SET);
      const values = page.entries.map(historyEntryValues);
      return feedAnswer(call, call.format, SET, sel, values, page.count, page.next);
    }
    const page = queryValuePage(call, await allHistory(call), req, SET);
    return feedAnswer(call, call.format, SET, sel, page.page, page.count, page.next);
  },
};

export const countHistoryEntries: Operation<{ req: CollectionRequest }> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare: (call) => ({ req: collectionRequest(call.params, HISTORY_ENTRY) }),
  async handle(call, { req }) {
    const n = storeCanAnswer(req.filter, [])
      ? await countEntryPage(call, await history(call), req)
      : countValuePage(await allHistory(call), req);
    return { status: 200, type: 'text/plain;charset=utf-8', body: String(n) };
  },
};

/** `GET /HistoryKeystoreEntries('{hex}')`: 404 with SAP's text for an alias the history doesn't hold. */
export const getHistoryEntry: Operation<{ alias: string; sel: Selection }> = {
  prepare: (call) => ({
    alias: aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined),
    sel: selection(HISTORY_ENTRY, selectOption(call.params)),
  }),
  async handle(call, { alias, sel }) {
    const entry = await call.ctx.keystore.entries.get(await history(call), alias);
    return entityAnswer(call, SET, sel, historyEntryValues(entry));
  },
};
