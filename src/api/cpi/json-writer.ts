import type { EdmType } from './edm.js';
import type { Value, Values } from './entities.js';
import { entityPath, type Inlines, type Selection } from './selection.js';

/** OData V2 verbose JSON (D6): `__metadata` and `__deferred` links, as the live service and SAP's SDK expect. */
export const JSON_TYPE = 'application/json;charset=utf-8';

/** D2: `/Date(<ms>+0000)/`, the form tenants emit. */
export const jsonDate = (ms: number): string => `/Date(${ms}+0000)/`;

function jsonValue(type: EdmType, v: Value): unknown {
  if (v === null) return null;
  if (type === 'Edm.DateTimeOffset') return jsonDate(Number(v));
  // V2 JSON writes 64-bit integers as strings, so JavaScript clients lose no digits.
  if (type === 'Edm.Int64') return String(v);
  return v;
}

export function jsonEntityObject(
  sel: Selection,
  setName: string,
  values: Values,
  base: string,
  inlines: Inlines = {},
): Record<string, unknown> {
  const uri = `${base}/${entityPath(setName, sel.type, values)}`;
  const out: Record<string, unknown> = { __metadata: { id: uri, uri, type: sel.type.qualifiedName } };
  for (const p of sel.properties) out[p.name] = jsonValue(p.type, values[p.name] ?? null);
  for (const n of sel.navigations) {
    const inline = inlines[n.name];
    out[n.name] = inline
      ? feedObject(
          inline.list.map((v) => jsonEntityObject(inline.sel, inline.setName, v, base)),
          undefined,
          inline.next,
        )
      : { __deferred: { uri: `${uri}/${n.name}` } };
  }
  return out;
}

export function jsonEntry(sel: Selection, setName: string, values: Values, base: string, inlines?: Inlines): string {
  return JSON.stringify({ d: jsonEntityObject(sel, setName, values, base, inlines) });
}

/** `__count` is a string in V2 JSON (D8); `__next` follows the results when the server paged. */
function feedObject(results: unknown[], count: number | undefined, next: string | undefined): Record<string, unknown> {
  return {
    ...(count === undefined ? {} : { __count: String(count) }),
    results,
    ...(next === undefined ? {} : { __next: next }),
  };
}

export function jsonFeed(
  sel: Selection,
  setName: string,
  list: Values[],
  base: string,
  count?: number,
  next?: string,
): string {
  return [...jsonFeedParts(sel, setName, list, base, count, next)].join('');
}

/**
 * A feed's text in parts: its head, each entity, its tail; the same text as JSON.stringify of feedObject. A
 * keystore-wide write answers with every entry of the keystore, and building all entities before writing any
 * held the whole answer several times over (bench row 6: a 19 MB answer for 10,000 entries).
 */
export function* jsonFeedParts(
  sel: Selection,
  setName: string,
  list: Values[],
  base: string,
  count?: number,
  next?: string,
): Generator<string> {
  yield `{"d":{${count === undefined ? '' : `"__count":${JSON.stringify(String(count))},`}"results":[`;
  for (let i = 0; i < list.length; i++)
    yield `${i === 0 ? '' : ','}${JSON.stringify(jsonEntityObject(sel, setName, list[i]!, base))}`;
  yield `]${next === undefined ? '' : `,"__next":${JSON.stringify(next)}`}}}`;
}
