import { FilterError } from './filter-error.js';
import { type Token, tokenize } from './filter-lexer.js';
import { type Literal, literalOf } from './filter-literals.js';

/** Comparison operators of OData V2. */
export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** The `$filter` expression as written, before any property or type is looked at; `pos` points into the text. */
export type Syntax =
  | { kind: 'logical'; op: 'and' | 'or'; left: Syntax; right: Syntax; pos: number }
  | { kind: 'compare'; op: Comparison; left: Syntax; right: Syntax; pos: number }
  | { kind: 'not'; arg: Syntax; pos: number }
  | { kind: 'call'; name: string; args: Syntax[]; pos: number }
  | { kind: 'property'; name: string; pos: number }
  | { kind: 'literal'; literal: Literal; pos: number };

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
/** V2 arithmetic: valid syntax, not evaluated here (D8 gives 501 for what is not served). */
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'mod']);

/** Bounds that keep a hostile filter from exhausting the stack, here or in the SQL engine (SQLite allows depth 1000). */
const MAX_DEPTH = 50;
const MAX_NODES = 400;

class Parser {
  private i = 0;
  private depth = 0;
  private nodes = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === word;
  }

  private expect(kind: '(' | ')' | ',', what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new FilterError(`expected ${what}, found ${describe(t)}`, t.pos);
    return this.next();
  }

  private node<T extends Syntax>(n: T): T {
    if (++this.nodes > MAX_NODES) throw new FilterError(`the expression has more than ${MAX_NODES} parts`, n.pos);
    return n;
  }

  parseAll(): Syntax {
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw new FilterError(`expected an operator or the end, found ${describe(t)}`, t.pos);
    return e;
  }

  private or(): Syntax {
    let left = this.and();
    while (this.isWord('or')) {
      const pos = this.next().pos;
      left = this.node({ kind: 'logical', op: 'or', left, right: this.and(), pos });
    }
    return left;
  }

  private and(): Syntax {
    let left = this.comparison();
    while (this.isWord('and')) {
      const pos = this.next().pos;
      left = this.node({ kind: 'logical', op: 'and', left, right: this.comparison(), pos });
    }
    return left;
  }

  /** V2 puts eq/ne and the ordering operators at one level, left to right. */
  private comparison(): Syntax {
    let left = this.arithmetic();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident' || !COMPARISONS.has(t.text)) return left;
      this.next();
      left = this.node({ kind: 'compare', op: t.text as Comparison, left, right: this.arithmetic(), pos: t.pos });
    }
  }

  private arithmetic(): Syntax {
    const left = this.unary();
    const t = this.peek();
    if (t.kind === 'ident' && ARITHMETIC.has(t.text))
      throw new FilterError(`the arithmetic operator '${t.text}' is not supported`, t.pos, 501);
    return left;
  }

  /** `not` binds tighter than the comparisons, as V2 defines: `not (Alias eq 'a')`, `not startswith(…)`. */
  private unary(): Syntax {
    if (this.isWord('not')) {
      const pos = this.next().pos;
      return this.node({ kind: 'not', arg: this.nested(() => this.unary(), pos), pos });
    }
    return this.primary();
  }

  private nested<T>(f: () => T, pos: number): T {
    if (++this.depth > MAX_DEPTH) throw new FilterError(`the expression is nested more than ${MAX_DEPTH} deep`, pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private primary(): Syntax {
    const t = this.next();
    if (t.kind === '(') {
      const inner = this.nested(() => this.or(), t.pos);
      this.expect(')', "')'");
      return inner;
    }
    const literal = literalOf(t);
    if (literal) return this.node({ kind: 'literal', literal, pos: t.pos });
    if (t.kind === 'ident') {
      if (this.peek().kind === '(') return this.call(t.text, t.pos);
      if (COMPARISONS.has(t.text) || ARITHMETIC.has(t.text) || t.text === 'and' || t.text === 'or')
        throw new FilterError(`expected an operand before '${t.text}'`, t.pos);
      return this.node({ kind: 'property', name: t.text, pos: t.pos });
    }
    throw new FilterError(`expected an operand, found ${describe(t)}`, t.pos);
  }

  private call(name: string, pos: number): Syntax {
    this.next();
    const args: Syntax[] = [];
    if (this.peek().kind !== ')')
      for (;;) {
        args.push(this.nested(() => this.or(), pos));
        if (this.peek().kind !== ',') break;
        this.next();
      }
    this.expect(')', "',' or ')'");
    return this.node({ kind: 'call', name, args, pos });
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end';
    case 'ident':
      return `'${t.text}'`;
    case 'string':
      return 'a string literal';
    case 'typed':
      return `a ${t.prefix} literal`;
    case 'number':
      return `'${t.text}${t.suffix}'`;
    default:
      return `'${t.kind}'`;
  }
}

/** Parses `$filter` text into its syntax tree, or throws a FilterError that says where it went wrong. */
export function parseFilter(text: string): Syntax {
  if (text.trim() === '') throw new FilterError('the expression is empty', 0);
  return new Parser(tokenize(text)).parseAll();
}

export interface OrderItem {
  property: string;
  desc: boolean;
  pos: number;
}

/** `$orderby=Prop [asc|desc], …`. */
export function parseOrderBy(text: string): OrderItem[] {
  const tokens = tokenize(text);
  const items: OrderItem[] = [];
  let i = 0;
  const at = () => tokens[i] as Token;
  for (;;) {
    const t = at();
    if (t.kind !== 'ident') throw new FilterError(`expected a property name, found ${describe(t)}`, t.pos);
    i++;
    if (at().kind === '(')
      throw new FilterError(`only properties can be ordered by, not '${t.text}(…)'`, at().pos, 501);
    let desc = false;
    const dir = at();
    if (dir.kind === 'ident' && (dir.text === 'asc' || dir.text === 'desc')) {
      desc = dir.text === 'desc';
      i++;
    }
    items.push({ property: t.text, desc, pos: t.pos });
    const sep = at();
    if (sep.kind === 'end') return items;
    if (sep.kind !== ',')
      throw new FilterError(`expected ',', 'asc', 'desc' or the end, found ${describe(sep)}`, sep.pos);
    i++;
  }
}
