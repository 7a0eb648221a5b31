/**
 * Inlines every EntityType's BaseType chain (key and properties) into the type itself. SAP Cloud SDK 4.5.1's
 * generator reads BaseType only for OData V4: from a V2 EDMX with inheritance, as SAP's own tenants serve it, it
 * generates KeystoreEntries without Hexalias, Alias or the validity dates, and without a key. The flattened EDMX
 * describes exactly the same payloads, so the client generated from it tests the wire format the server writes.
 */
const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

interface TypeParts {
  head: string;
  base: string | undefined;
  keys: string[];
  properties: string[];
  rest: string[];
}

export function flattenBaseTypes(edmx: string): string {
  const namespace = /<Schema\b[^>]*\bNamespace="([^"]+)"/.exec(edmx)?.[1] ?? '';
  const types = new Map<string, TypeParts>();
  const pattern = /<EntityType\b([^>]*)>([\s\S]*?)<\/EntityType>/g;
  for (const m of edmx.matchAll(pattern)) {
    const [, head = '', body = ''] = m;
    types.set(attr(head, 'Name') ?? '', {
      head,
      base: attr(head, 'BaseType')?.replace(`${namespace}.`, ''),
      keys: [...body.matchAll(/<PropertyRef\b[^>]*\/>/g)].map((k) => k[0]),
      properties: [...body.matchAll(/<Property\b[^>]*\/>/g)].map((p) => p[0]),
      rest: [...body.matchAll(/<NavigationProperty\b[^>]*\/>/g)].map((n) => n[0]),
    });
  }
  const resolved = (name: string): { keys: string[]; properties: string[] } => {
    const t = types.get(name);
    if (!t) throw new Error(`EDMX: no entity type ${name}`);
    if (!t.base) return { keys: t.keys, properties: t.properties };
    const base = resolved(t.base);
    return { keys: t.keys.length ? t.keys : base.keys, properties: [...base.properties, ...t.properties] };
  };
  return edmx.replace(pattern, (_whole, head: string) => {
    const name = attr(head, 'Name') ?? '';
    const t = types.get(name) as TypeParts;
    const { keys, properties } = resolved(name);
    const key = keys.length ? `<Key>${keys.join('')}</Key>` : '';
    return `<EntityType${head.replace(/\s+BaseType="[^"]*"/, '')}>${key}${properties.join('')}${t.rest.join('')}</EntityType>`;
  });
}
