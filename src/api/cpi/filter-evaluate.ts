import type { Value, Values } from './entities.js';
import type { BoundFilter, Operand, TextFunction } from './filter-bind.js';
import type { Comparison } from './filter-parser.js';

/**
 * `$filter` over values in memory, for sets computed from stored bytes (a key pair's ChainCertificates) and for the
 * parts of a filter the store leaves to the API (computed properties). Its rules are the store's: a comparison with
 * a NULL is false except `eq null`/`ne`, a function of NULL is false, and `not` turns false into true.
 */
export type Scalar = string | number | boolean | null;

/** Strings compare by UTF-16 code units, which agrees with the store's byte order except beyond the BMP. */
function order(a: string | number | boolean, b: string | number | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareValues(cmp: Comparison, a: Scalar, b: Scalar): boolean {
  if (a === null || b === null) {
    if (cmp === 'eq') return a === b;
    if (cmp === 'ne') return a !== b;
    return false;
  }
  const o = order(a, b);
  switch (cmp) {
    case 'eq':
      return o === 0;
    case 'ne':
      return o !== 0;
    case 'gt':
      return o > 0;
    case 'ge':
      return o >= 0;
    case 'lt':
      return o < 0;
    case 'le':
      return o <= 0;
  }
}

export const foldText = (s: string, fold: 'lower' | 'upper'): string =>
  fold === 'lower' ? s.toLowerCase() : s.toUpperCase();

export function textMatches(fn: TextFunction, text: string, sought: string): boolean {
  if (fn === 'contains') return text.includes(sought);
  return fn === 'startswith' ? text.startsWith(sought) : text.endsWith(sought);
}

function operandValue(o: Operand, values: Values): Scalar {
  if (o.kind === 'literal') return o.value;
  const v: Value | undefined = values[o.name];
  if (v === undefined || v === null) return null;
  return o.fold && typeof v === 'string' ? foldText(v, o.fold) : v;
}

export function matches(f: BoundFilter, values: Values): boolean {
  switch (f.op) {
    case 'and':
      return matches(f.left, values) && matches(f.right, values);
    case 'or':
      return matches(f.left, values) || matches(f.right, values);
    case 'not':
      return !matches(f.arg, values);
    case 'const':
      return f.value;
    case 'cmp':
      return compareValues(f.cmp, operandValue(f.left, values), operandValue(f.right, values));
    case 'text': {
      const text = operandValue(f.target, values);
      return typeof text === 'string' && textMatches(f.fn, text, f.value);
    }
  }
}
