import { decodeHexAlias } from '../../pki/hexalias.js';
import type { EntryField, EntryFilter, EntryOrder } from '../../store/entry-query.js';
import type { Values } from './entities.js';
import type { BoundFilter, BoundOrder, PropertyOperand } from './filter-bind.js';
import { FilterError } from './filter-error.js';
import { matches } from './filter-evaluate.js';

/**
 * Where a property of an entity read from the entries table comes from. Only properties listed in a whitelist reach
 * the store, and only as a field name of the store's own query type: no caller text ever becomes SQL.
 */
export type PropertySource =
  /** A stored column, compared as it is. */
  | { kind: 'column'; field: EntryField }
  /** The hex of the alias's UTF-8 bytes: compared as the alias; hex order is the alias's byte order. */
  | { kind: 'hexalias' }
  /** A column holding one of a few values, shown under other names (Type `Key Pair` is kind `keypair`). */
  | { kind: 'enum'; field: EntryField; names: Readonly<Record<string, string>> }
  /** The same for every entry read (Status `unchanged`, Validity null). */
  | { kind: 'constant'; value: string | null };

export type Whitelist = Readonly<Record<string, PropertySource>>;

/** The properties of KeystoreEntry (and HistoryKeystoreEntry's inherited ones) and the columns behind them. */
export const KEYSTORE_ENTRY_SOURCES: Whitelist = {
  Hexalias: { kind: 'hexalias' },
  Alias: { kind: 'column', field: 'alias' },
  KeyType: { kind: 'column', field: 'keyType' },
  KeySize: { kind: 'column', field: 'keySize' },
  ValidNotBefore: { kind: 'column', field: 'notBefore' },
  ValidNotAfter: { kind: 'column', field: 'notAfter' },
  SerialNumber: { kind: 'column', field: 'serial' },
  SignatureAlgorithm: { kind: 'column', field: 'signatureAlgorithm' },
  EllipticCurve: { kind: 'column', field: 'curve' },
  // A stored entry has no trust verdict: SAP shows null, and `notTrusted` only inside a 409.
  Validity: { kind: 'constant', value: null },
  SubjectDN: { kind: 'column', field: 'subjectDn' },
  IssuerDN: { kind: 'column', field: 'issuerDn' },
  Version: { kind: 'column', field: 'certVersion' },
  FingerprintSha1: { kind: 'column', field: 'sha1' },
  FingerprintSha256: { kind: 'column', field: 'sha256' },
  FingerprintSha512: { kind: 'column', field: 'sha512' },
  // Both spellings sort alike ('Certificate' < 'Key Pair', 'certificate' < 'keypair'), so $orderby can use the column.
  Type: { kind: 'enum', field: 'kind', names: { Certificate: 'certificate', 'Key Pair': 'keypair' } },
  Owner: { kind: 'column', field: 'owner' },
  LastModifiedBy: { kind: 'column', field: 'modifiedBy' },
  LastModifiedTime: { kind: 'column', field: 'modifiedAt' },
  CreatedBy: { kind: 'column', field: 'createdBy' },
  CreatedTime: { kind: 'column', field: 'createdAt' },
  // A read shows every entry `unchanged` (only a write's answer marks new/changed/removed): true for all or none.
  Status: { kind: 'constant', value: 'unchanged' },
};

const FALSE: EntryFilter = { op: 'const', value: false };

class Compiler {
  constructor(private readonly sources: Whitelist) {}

  source(p: { name: string; pos: number }): PropertySource {
    const s = this.sources[p.name];
    if (!s) throw new FilterError(`the property '${p.name}' can't be filtered or sorted on here`, p.pos);
    return s;
  }

  compile(f: BoundFilter): EntryFilter {
    switch (f.op) {
      case 'and':
      case 'or':
        return { op: f.op, left: this.compile(f.left), right: this.compile(f.right) };
      case 'not':
        return { op: 'not', arg: this.compile(f.arg) };
      case 'const':
        return f;
      case 'cmp':
      case 'text':
        return this.leaf(f);
    }
  }

  private leaf(f: Extract<BoundFilter, { op: 'cmp' | 'text' }>): EntryFilter {
    const target = f.op === 'cmp' ? f.left : f.target;
    const source = this.source(target);
    if (f.op === 'cmp' && f.right.kind === 'property') return this.compareProperties(f, f.right);
    switch (source.kind) {
      case 'column':
        return this.onColumn(f, { field: source.field, fold: target.fold });
      case 'hexalias':
        return this.onHexalias(f, target);
      case 'enum': {
        // Decided per stored value: the leaf holds for these spellings, whatever functions it applies to them.
        const hits = Object.entries(source.names).filter(([shown]) => matches(f, { [target.name]: shown }));
        const eq = (stored: string): EntryFilter => ({
          op: 'cmp',
          cmp: 'eq',
          field: { field: source.field },
          value: stored,
        });
        return hits.reduce<EntryFilter>(
          (acc, [, stored]) => (acc === FALSE ? eq(stored) : { op: 'or', left: acc, right: eq(stored) }),
          FALSE,
        );
      }
      case 'constant':
        return { op: 'const', value: matches(f, { [target.name]: source.value } as Values) };
    }
  }

  private onColumn(
    f: Extract<BoundFilter, { op: 'cmp' | 'text' }>,
    field: { field: EntryField; fold?: 'lower' | 'upper' | undefined },
  ): EntryFilter {
    const ref = field.fold ? { field: field.field, fold: field.fold } : { field: field.field };
    if (f.op === 'text') return { op: 'text', fn: f.fn, field: ref, value: f.value };
    const value = f.right.kind === 'literal' ? f.right.value : null;
    return { op: 'cmp', cmp: f.cmp, field: ref, value };
  }

  private onHexalias(f: Extract<BoundFilter, { op: 'cmp' | 'text' }>, target: PropertyOperand): EntryFilter {
    if (f.op === 'text' || target.fold)
      throw new FilterError('Hexalias can only be compared as it is; use Alias for text functions', f.pos, 501);
    const value = f.right.kind === 'literal' ? f.right.value : null;
    // The binder has checked the hex; every entry has an alias, so a Hexalias is never null.
    return {
      op: 'cmp',
      cmp: f.cmp,
      field: { field: 'alias' },
      value: typeof value === 'string' ? decodeHexAlias(value) : null,
    };
  }

  private compareProperties(f: Extract<BoundFilter, { op: 'cmp' }>, right: PropertyOperand): EntryFilter {
    const left = f.left;
    const [a, b] = [this.source(left), this.source(right)];
    if (a.kind !== 'column' || b.kind !== 'column')
      throw new FilterError(`'${left.name}' and '${right.name}' can't be compared with each other`, f.pos, 501);
    const ref = (field: EntryField, fold: PropertyOperand['fold']) => (fold ? { field, fold } : { field });
    return { op: 'cmpFields', cmp: f.cmp, left: ref(a.field, left.fold), right: ref(b.field, right.fold) };
  }
}

/** The store's filter for a bound `$filter`, over the whitelisted properties only. */
export function toEntryFilter(f: BoundFilter, sources: Whitelist = KEYSTORE_ENTRY_SOURCES): EntryFilter {
  return new Compiler(sources).compile(f);
}

/** The store's order for a bound `$orderby`; constant properties order nothing and are left out. */
export function toEntryOrder(items: BoundOrder[], sources: Whitelist = KEYSTORE_ENTRY_SOURCES): EntryOrder[] {
  const c = new Compiler(sources);
  const out: EntryOrder[] = [];
  for (const item of items) {
    const s = c.source(item);
    if (s.kind === 'constant') continue;
    out.push({ field: s.kind === 'hexalias' ? 'alias' : s.field, desc: item.desc });
  }
  return out;
}

/** Whether the store can answer a filter and order alone, i.e. every property named is in the whitelist. */
export function storeCanAnswer(
  filter: BoundFilter | undefined,
  order: BoundOrder[],
  sources: Whitelist = KEYSTORE_ENTRY_SOURCES,
): boolean {
  const named = (f: BoundFilter): string[] => {
    switch (f.op) {
      case 'and':
      case 'or':
        return [...named(f.left), ...named(f.right)];
      case 'not':
        return named(f.arg);
      case 'const':
        return [];
      case 'cmp':
        return f.right.kind === 'property' ? [f.left.name, f.right.name] : [f.left.name];
      case 'text':
        return [f.target.name];
    }
  };
  return [...(filter ? named(filter) : []), ...order.map((o) => o.name)].every((n) => n in sources);
}
