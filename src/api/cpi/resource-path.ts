import { badRequest, notFound } from './errors.js';

/**
 * The resource path of an OData V2 request, below the service root. Fastify's router can't match key predicates
 * such as `KeystoreEntries('41')` or segments such as `$value`, so the routes are catch-alls and this parser does it.
 */
export type KeyValue = string | number;

/** `('41')` is one unnamed value; `(Hexalias='41',Index=0)` names each key property. */
export type KeyPredicate = { kind: 'single'; value: KeyValue } | { kind: 'named'; values: Map<string, KeyValue> };

export type ResourcePath =
  | { kind: 'service' }
  | { kind: 'metadata' }
  | { kind: 'batch' }
  | {
      kind: 'resource';
      /** The entity set as named in the URL (not yet checked against the model). */
      set: string;
      key: KeyPredicate | undefined;
      /** A navigation or property segment after the entity, e.g. `Certificate`. */
      navigation: string | undefined;
      /** `$value` (raw content) or `$count` (number of a collection). */
      modifier: '$value' | '$count' | undefined;
    };

/**
 * Splits the part after the service root into segments and decodes each on its own, so an encoded `/` (`%2F`) stays
 * inside its segment; clients send `%27` for quotes and `%24` for `$`.
 */
export function splitSegments(rawPath: string): string[] {
  const parts = rawPath.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
  return parts.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw badRequest(`The URI segment '${s}' is not correctly percent-encoded.`);
    }
  });
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One key value: a string literal (`'it''s'`), a whole number, or a literal with a type prefix we don't serve. */
function keyValue(text: string, segment: string): KeyValue {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    // Inside a literal a quote is written twice; a lone one means the literal ended early.
    if (inner.replace(/''/g, '').includes("'")) throw badRequest(`The key predicate of '${segment}' is not valid.`);
    return inner.replace(/''/g, "'");
  }
  if (/^-?\d{1,15}$/.test(text)) return Number(text);
  throw badRequest(`The key predicate of '${segment}' is not valid.`);
}

/** Splits `a='x,y',b=1` at the commas outside string literals. */
function splitKeyParts(inner: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'") quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

function parseKey(inner: string, segment: string): KeyPredicate {
  const parts = splitKeyParts(inner);
  if (parts.length === 1 && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(parts[0] ?? ''))
    return { kind: 'single', value: keyValue((parts[0] ?? '').trim(), segment) };
  const values = new Map<string, KeyValue>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq < 0 || !IDENTIFIER.test(name) || values.has(name))
      throw badRequest(`The key predicate of '${segment}' is not valid.`);
    values.set(name, keyValue(part.slice(eq + 1).trim(), segment));
  }
  return { kind: 'named', values };
}

/** Parses the decoded segments below the service root. */
export function parseResourcePath(segments: string[]): ResourcePath {
  const [first, ...rest] = segments;
  if (first === undefined) return { kind: 'service' };
  if (first === '$metadata' && rest.length === 0) return { kind: 'metadata' };
  if (first === '$batch' && rest.length === 0) return { kind: 'batch' };

  const open = first.indexOf('(');
  let set = first;
  let key: KeyPredicate | undefined;
  if (open >= 0) {
    if (!first.endsWith(')')) throw badRequest(`The key predicate of '${first}' is not valid.`);
    set = first.slice(0, open);
    key = parseKey(first.slice(open + 1, -1), first);
  }
  if (!IDENTIFIER.test(set)) throw notFound(`Could not find an entity set or function import for '${set}'.`);

  let navigation: string | undefined;
  let modifier: '$value' | '$count' | undefined;
  for (const seg of rest) {
    if (modifier) throw notFound(`Could not find the resource '${seg}' after '${modifier}'.`);
    if (seg === '$value' || seg === '$count') modifier = seg;
    else if (navigation === undefined && key !== undefined && IDENTIFIER.test(seg)) navigation = seg;
    else throw notFound(`Could not find the resource segment '${seg}'.`);
  }
  if (modifier === '$count' && key !== undefined && navigation === undefined)
    throw badRequest('$count can only be applied to a collection.');
  return { kind: 'resource', set, key, navigation, modifier };
}
