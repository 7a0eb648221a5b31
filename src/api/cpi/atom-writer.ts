import type { EdmType } from './edm.js';
import type { Value, Values } from './entities.js';
import { entityPath, type InlineFeed, type Inlines, type Selection } from './selection.js';
import { xmlText } from './xml.js';

/** OData V2 Atom (§1.3), the default format (D1). */
export const ATOM_FEED_TYPE = 'application/atom+xml;type=feed;charset=utf-8';
export const ATOM_ENTRY_TYPE = 'application/atom+xml;type=entry;charset=utf-8';

const NS_ATOM = 'http://www.w3.org/2005/Atom';
const NS_M = 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata';
const NS_D = 'http://schemas.microsoft.com/ado/2007/08/dataservices';
const SCHEME = 'http://schemas.microsoft.com/ado/2007/08/dataservices/scheme';
const RELATED = 'http://schemas.microsoft.com/ado/2007/08/dataservices/related/';
const NAMESPACES = `xmlns="${NS_ATOM}" xmlns:m="${NS_M}" xmlns:d="${NS_D}"`;

/** D2: ISO 8601 in UTC; milliseconds only when there are any, as SAP's examples show whole seconds. */
export function atomDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function property(name: string, type: EdmType, v: Value): string {
  const typeAttr = type === 'Edm.String' ? '' : ` m:type="${type}"`;
  if (v === null) return `<d:${name}${typeAttr} m:null="true"/>`;
  const text = type === 'Edm.DateTimeOffset' ? atomDate(Number(v)) : String(v);
  return `<d:${name}${typeAttr}>${xmlText(text)}</d:${name}>`;
}

function entryBody(
  sel: Selection,
  setName: string,
  values: Values,
  base: string,
  updated: string,
  inlines: Inlines = {},
): string {
  const path = entityPath(setName, sel.type, values);
  const links = sel.navigations
    .map((n) => {
      const head =
        `<link href="${xmlText(`${path}/${n.name}`)}" rel="${RELATED}${n.name}" title="${n.name}" ` +
        `type="application/atom+xml;type=${n.many ? 'feed' : 'entry'}"`;
      const inline = inlines[n.name];
      if (!inline) return `${head}/>`;
      return `${head}><m:inline>${inlineFeed(inline, `${path}/${n.name}`, base, updated)}</m:inline></link>`;
    })
    .join('');
  const props = sel.properties.map((p) => property(p.name, p.type, values[p.name] ?? null)).join('');
  return (
    `<id>${xmlText(`${base}/${path}`)}</id><title type="text"/><updated>${updated}</updated><author><name/></author>` +
    `<category term="${sel.type.qualifiedName}" scheme="${SCHEME}"/>` +
    `<link href="${xmlText(path)}" rel="edit" title="${sel.type.name}"/>${links}` +
    `<content type="application/xml"><m:properties>${props}</m:properties></content>`
  );
}

/** An entry's `updated` is its last change when the type has one, else the time of the answer. */
function updatedOf(values: Values, now: string): string {
  const t = values['LastModifiedTime'];
  return typeof t === 'number' ? atomDate(t) : now;
}

export function atomEntry(sel: Selection, setName: string, values: Values, base: string, inlines?: Inlines): string {
  const now = atomDate(Date.now());
  return (
    `<?xml version="1.0" encoding="utf-8"?><entry ${NAMESPACES} xml:base="${xmlText(`${base}/`)}">` +
    `${entryBody(sel, setName, values, base, updatedOf(values, now), inlines)}</entry>`
  );
}

/** A feed's content: `href` is its path below the service root; the next link ends it when the server paged. */
function feedBody(
  sel: Selection,
  setName: string,
  href: string,
  list: Values[],
  base: string,
  now: string,
  count?: number,
  next?: string,
): string {
  const entries = list.map((v) => `<entry>${entryBody(sel, setName, v, base, updatedOf(v, now))}</entry>`).join('');
  return (
    `<id>${xmlText(`${base}/${href}`)}</id><title type="text">${xmlText(href)}</title><updated>${now}</updated>` +
    `<author><name/></author><link href="${xmlText(href)}" rel="self" title="${xmlText(href)}"/>` +
    `${count === undefined ? '' : `<m:count>${count}</m:count>`}${entries}` +
    `${next === undefined ? '' : `<link href="${xmlText(next)}" rel="next"/>`}`
  );
}

function inlineFeed(inline: InlineFeed, href: string, base: string, now: string): string {
  return `<feed>${feedBody(inline.sel, inline.setName, href, inline.list, base, now, undefined, inline.next)}</feed>`;
}

export function atomFeed(
  sel: Selection,
  setName: string,
  list: Values[],
  base: string,
  count?: number,
  next?: string,
): string {
  const now = atomDate(Date.now());
  return (
    `<?xml version="1.0" encoding="utf-8"?><feed ${NAMESPACES} xml:base="${xmlText(`${base}/`)}">` +
    `${feedBody(sel, setName, setName, list, base, now, count, next)}</feed>`
  );
}
