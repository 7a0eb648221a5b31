import { PkiError } from '../../pki/errors.js';
import { decodeHexAlias } from '../../pki/hexalias.js';
import type { EdmType, EntityType } from './edm.js';
import { FilterError } from './filter-error.js';
import { compareValues, foldText, textMatches } from './filter-evaluate.js';
import type { Literal } from './filter-literals.js';
import type { Comparison, OrderItem, Syntax } from './filter-parser.js';

/**
 * `$filter` bound to an entity type: every name is a property of it, every comparison compares values of one kind,
 * a property is always on the left. Both back ends take this tree: the store (SQL over a whitelist of columns) and
 * the in-memory evaluator (sets computed from stored bytes, such as ChainCertificates).
 */
export type ValueKind = 'string' | 'number' | 'datetime' | 'boolean';

export interface PropertyOperand {
  kind: 'property';
  name: string;
  edmType: EdmType;
  valueKind: ValueKind;
  /** `tolower(Prop)` / `toupper(Prop)`: the property's text, case-folded. */
  fold?: 'lower' | 'upper' | undefined;
  pos: number;
}

export interface LiteralOperand {
  kind: 'literal';
  edmType: Literal['type'];
  valueKind: ValueKind | 'null';
  value: string | number | boolean | null;
  pos: number;
}

export type Operand = PropertyOperand | LiteralOperand;

export type TextFunction = 'contains' | 'startswith' | 'endswith';

export type BoundFilter =
  | { op: 'and' | 'or'; left: BoundFilter; right: BoundFilter }
  | { op: 'not'; arg: BoundFilter }
  | { op: 'const'; value: boolean }
  | { op: 'cmp'; cmp: Comparison; left: PropertyOperand; right: Operand; pos: number }
  | { op: 'text'; fn: TextFunction; target: PropertyOperand; value: string; pos: number };

const KIND_OF_EDM: Partial<Record<EdmType, ValueKind>> = {
  'Edm.String': 'string',
  'Edm.Int32': 'number',
  'Edm.Int64': 'number',
  'Edm.DateTimeOffset': 'datetime',
  'Edm.Boolean': 'boolean',
};

const KIND_OF_LITERAL: Record<Literal['type'], ValueKind | 'null'> = {
  'Edm.String': 'string',
  'Edm.Boolean': 'boolean',
  'Edm.Int32': 'number',
  'Edm.Int64': 'number',
  'Edm.Decimal': 'number',
  'Edm.Double': 'number',
  'Edm.Single': 'number',
  'Edm.DateTime': 'datetime',
  'Edm.DateTimeOffset': 'datetime',
  null: 'null',
};

const TEXT_FUNCTIONS: Record<string, TextFunction> = {
  substringof: 'contains',
  startswith: 'startswith',
  endswith: 'endswith',
};
const FOLDS: Record<string, 'lower' | 'upper'> = { tolower: 'lower', toupper: 'upper' };
/** The rest of V2's functions: valid syntax, not evaluated here. */
const UNSUPPORTED = new Set([
  'length',
  'indexof',
  'replace',
  'substring',
  'trim',
  'concat',
  'day',
  'hour',
  'minute',
  'month',
  'second',
  'year',
  'round',
  'floor',
  'ceiling',
  'isof',
  'cast',
]);

const FLIPPED: Record<Comparison, Comparison> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

/** Properties whose literal is canonicalised before comparing: a Hexalias is accepted in any case (D3). */
const HEXALIAS = 'Hexalias';

const isBooleanSyntax = (s: Syntax): boolean =>
  s.kind === 'logical' ||
  s.kind === 'compare' ||
  s.kind === 'not' ||
  (s.kind === 'literal' && s.literal.type === 'Edm.Boolean') ||
  (s.kind === 'call' && s.name in TEXT_FUNCTIONS);

class Binder {
  constructor(private readonly type: EntityType) {}

  bool(s: Syntax): BoundFilter {
    switch (s.kind) {
      case 'logical':
        return { op: s.op, left: this.bool(s.left), right: this.bool(s.right) };
      case 'not':
        return { op: 'not', arg: this.bool(s.arg) };
      case 'literal':
        if (s.literal.type === 'Edm.Boolean') return { op: 'const', value: s.literal.value };
        throw new FilterError('expected a condition, found a literal', s.pos);
      case 'property': {
        const p = this.property(s.name, s.pos);
        if (p.valueKind === 'boolean')
          return {
            op: 'cmp',
            cmp: 'eq',
            left: p,
            right: { kind: 'literal', edmType: 'Edm.Boolean', valueKind: 'boolean', value: true, pos: s.pos },
            pos: s.pos,
          };
        throw new FilterError(`'${s.name}' is not a condition; compare it, as in ${s.name} eq …`, s.pos);
      }
      case 'call':
        return this.textCall(s);
      case 'compare':
        if (isBooleanSyntax(s.left) || isBooleanSyntax(s.right)) return this.compareConditions(s);
        return this.compare(s);
    }
  }

  /** `substringof('x',Alias) eq true`, `(A) ne (B)`: conditions compared as booleans, eq and ne only. */
  private compareConditions(s: Extract<Syntax, { kind: 'compare' }>): BoundFilter {
    if (s.op !== 'eq' && s.op !== 'ne')
      throw new FilterError(`conditions can be compared with eq and ne only, not '${s.op}'`, s.pos);
    const a = this.bool(s.left);
    const b = this.bool(s.right);
    let same: BoundFilter;
    if (a.op === 'const') same = a.value ? b : { op: 'not', arg: b };
    else if (b.op === 'const') same = b.value ? a : { op: 'not', arg: a };
    else
      same = {
        op: 'or',
        left: { op: 'and', left: a, right: b },
        right: { op: 'and', left: { op: 'not', arg: a }, right: { op: 'not', arg: b } },
      };
    return s.op === 'eq' ? same : { op: 'not', arg: same };
  }

  private compare(s: Extract<Syntax, { kind: 'compare' }>): BoundFilter {
    let left = this.value(s.left);
    let right = this.value(s.right);
    let cmp = s.op;
    this.assertComparable(left, right, cmp, s.pos);
    if (left.kind === 'literal' && right.kind === 'literal')
      return { op: 'const', value: compareValues(cmp, left.value, right.value) };
    if (left.kind === 'literal') {
      [left, right] = [right, left];
      cmp = FLIPPED[cmp];
    }
    const prop = left as PropertyOperand;
    if (prop.name === HEXALIAS && !prop.fold && right.kind === 'literal' && typeof right.value === 'string')
      right = { ...right, value: canonicalHexalias(right.value, right.pos) };
    return { op: 'cmp', cmp, left: prop, right, pos: s.pos };
  }

  private assertComparable(a: Operand, b: Operand, cmp: Comparison, pos: number): void {
    if (a.valueKind === 'null' || b.valueKind === 'null') return;
    if (a.valueKind !== b.valueKind)
      throw new FilterError(`${this.describe(a)} and ${this.describe(b)} can't be compared`, pos);
    if (a.valueKind === 'boolean' && cmp !== 'eq' && cmp !== 'ne')
      throw new FilterError(`boolean values can be compared with eq and ne only, not '${cmp}'`, pos);
  }

  private describe(o: Operand): string {
    if (o.kind === 'property') return `the ${o.edmType} property '${o.name}'`;
    return o.edmType === 'null' ? 'null' : `an ${o.edmType} literal`;
  }

  private textCall(s: Extract<Syntax, { kind: 'call' }>): BoundFilter {
    const fn = TEXT_FUNCTIONS[s.name];
    if (!fn) {
      this.unknownFunction(s);
      throw new FilterError(`'${s.name}(…)' is not a condition; compare it, as in ${s.name}(…) eq …`, s.pos);
    }
    if (s.args.length !== 2) throw new FilterError(`${s.name} takes 2 arguments, not ${s.args.length}`, s.pos);
    const [a, b] = s.args.map((arg) => this.value(arg)) as [Operand, Operand];
    for (const o of [a, b])
      if (o.valueKind !== 'string') throw new FilterError(`${s.name} takes text, not ${this.describe(o)}`, o.pos);
    // substringof(needle, haystack); startswith/endswith(haystack, affix).
    const [needle, haystack] = fn === 'contains' ? [a, b] : [b, a];
    if (needle.kind === 'literal' && haystack.kind === 'literal')
      return { op: 'const', value: textMatches(fn, String(haystack.value), String(needle.value)) };
    if (needle.kind !== 'literal' || haystack.kind !== 'property')
      throw new FilterError(
        `${s.name} is evaluated with a property as the text searched and a literal as the text sought`,
        s.pos,
        501,
      );
    let value = String(needle.value);
    if (haystack.name === HEXALIAS && !haystack.fold) value = value.toUpperCase();
    return { op: 'text', fn, target: haystack, value, pos: s.pos };
  }

  private unknownFunction(s: Extract<Syntax, { kind: 'call' }>): void {
    if (UNSUPPORTED.has(s.name)) throw new FilterError(`the function '${s.name}' is not supported`, s.pos, 501);
    if (!(s.name in FOLDS)) throw new FilterError(`'${s.name}' is not a function of OData V2`, s.pos);
  }

  value(s: Syntax): Operand {
    switch (s.kind) {
      case 'property':
        return this.property(s.name, s.pos);
      case 'literal':
        return {
          kind: 'literal',
          edmType: s.literal.type,
          valueKind: KIND_OF_LITERAL[s.literal.type],
          value: s.literal.value,
          pos: s.pos,
        };
      case 'call': {
        const fold = FOLDS[s.name];
        if (!fold) {
          this.unknownFunction(s);
          throw new FilterError(`'${s.name}(…)' is a condition, not a value`, s.pos);
        }
        if (s.args.length !== 1) throw new FilterError(`${s.name} takes 1 argument, not ${s.args.length}`, s.pos);
        const arg = this.value(s.args[0] as Syntax);
        if (arg.valueKind !== 'string')
          throw new FilterError(`${s.name} takes text, not ${this.describe(arg)}`, arg.pos);
        if (arg.kind === 'literal') return { ...arg, value: foldText(String(arg.value), fold) };
        // The outer function decides: toupper(tolower(Alias)) is the upper-cased alias.
        return { ...arg, fold, pos: s.pos };
      }
      default:
        throw new FilterError('expected a value, found a condition', s.pos);
    }
  }

  private property(name: string, pos: number): PropertyOperand {
    const p = this.type.properties.find((x) => x.name === name);
    if (!p) throw new FilterError(`'${name}' is not a property of ${this.type.qualifiedName}`, pos);
    const valueKind = KIND_OF_EDM[p.type];
    if (!valueKind) throw new FilterError(`the ${p.type} property '${name}' can't be filtered or sorted on`, pos);
    return { kind: 'property', name, edmType: p.type, valueKind, pos };
  }
}

function canonicalHexalias(hex: string, pos: number): string {
  try {
    decodeHexAlias(hex);
  } catch (e) {
    if (e instanceof PkiError) throw new FilterError(e.message, pos);
    throw e;
  }
  return hex.toUpperCase();
}

/** Binds a parsed `$filter` to an entity type; errors name the position of what is wrong. */
export function bindFilter(s: Syntax, type: EntityType): BoundFilter {
  return new Binder(type).bool(s);
}

export interface BoundOrder {
  name: string;
  valueKind: ValueKind;
  desc: boolean;
  pos: number;
}

/** Checks `$orderby` against an entity type: properties only, none of them binary. */
export function bindOrderBy(items: OrderItem[], type: EntityType): BoundOrder[] {
  const binder = new Binder(type);
  return items.map((item) => {
    const p = binder.value({ kind: 'property', name: item.property, pos: item.pos }) as PropertyOperand;
    return { name: p.name, valueKind: p.valueKind, desc: item.desc, pos: item.pos };
  });
}
