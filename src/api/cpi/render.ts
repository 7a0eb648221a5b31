import { Readable } from 'node:stream';
import { ATOM_ENTRY_TYPE, ATOM_FEED_TYPE, atomEntry, atomFeed } from './atom-writer.js';
import type { Answer, CpiCall } from './call.js';
import type { Values } from './entities.js';
import { JSON_TYPE, jsonEntry, jsonFeed, jsonFeedParts } from './json-writer.js';
import type { Format } from './query-options.js';
import type { Inlines, Selection } from './selection.js';

/** One entity in the negotiated format, with the navigations `$expand` asked for written inline. */
export function entityAnswer(
  call: CpiCall,
  setName: string,
  sel: Selection,
  values: Values,
  inlines?: Inlines,
): Answer {
  if (call.format === 'json')
    return { status: 200, type: JSON_TYPE, body: jsonEntry(sel, setName, values, call.base, inlines) };
  return { status: 200, type: ATOM_ENTRY_TYPE, body: atomEntry(sel, setName, values, call.base, inlines) };
}

/**
 * Feeds longer than a server page (only the answers of keystore-wide writes, which list the whole keystore) are
 * written as they are made, one entity at a time, rather than as one string.
 */
const STREAMED_FEED = 1000;

/** A collection in the given format; `count` is `$inlinecount=allpages`, `next` the link to the next server page. */
export function feedAnswer(
  call: CpiCall,
  format: Format,
  setName: string,
  sel: Selection,
  list: Values[],
  count?: number,
  next?: string,
): Answer {
  if (format === 'json' && list.length > STREAMED_FEED) {
    const parts = jsonFeedParts(sel, setName, list, call.base, count, next);
    return { status: 200, type: JSON_TYPE, body: Readable.from(parts, { objectMode: false }) };
  }
  if (format === 'json')
    return { status: 200, type: JSON_TYPE, body: jsonFeed(sel, setName, list, call.base, count, next) };
  return { status: 200, type: ATOM_FEED_TYPE, body: atomFeed(sel, setName, list, call.base, count, next) };
}

/** D5: a write without `returnKeystoreEntries` answers 204 with no body. */
export const noContent = (): Answer => ({ status: 204 });
