import { FilterError } from './filter-error.js';

/**
 * Tokens of OData V2 `$filter` and `$orderby` text. Each carries its position (a 0-based character offset into the
 * option's decoded value), so every error can say where it is.
 */
export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  /** A literal with a type prefix: `datetime'…'`, `datetimeoffset'…'`, `guid'…'`, `X'…'`, … */
  | { kind: 'typed'; prefix: string; value: string; pos: number }
  /** A number as written, with its type suffix (`L`, `M`, `D`, `F`) upper-cased or empty. */
  | { kind: 'number'; text: string; suffix: '' | 'L' | 'M' | 'D' | 'F'; pos: number }
  | { kind: '(' | ')' | ',' | 'end'; pos: number };

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?([LlMmDdFf])?/;

/** The quoted part starting at `open` (the quote): `''` stands for one quote inside. */
function readQuoted(text: string, open: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q < 0) throw new FilterError('the string literal is not closed', open);
    value += text.slice(i, q);
    if (text[q + 1] !== "'") return { value, end: q + 1 };
    value += "'";
    i = q + 2;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'string', value, pos: i });
      i = end;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number) {
      // A number runs into a letter only when the text is not a number at all (`12ab`).
      const end = i + number[0].length;
      if (IDENT_PART.test(text[end] ?? '')) throw new FilterError(`'${text.slice(i, end + 1)}' is not a number`, i);
      const suffix = (number[3] ?? '').toUpperCase() as '' | 'L' | 'M' | 'D' | 'F';
      tokens.push({ kind: 'number', text: number[0].slice(0, number[0].length - suffix.length), suffix, pos: i });
      i = end;
      continue;
    }
    if (IDENT_START.test(c)) {
      let end = i + 1;
      while (end < text.length && IDENT_PART.test(text[end] as string)) end++;
      const word = text.slice(i, end);
      if (text[end] === "'") {
        const { value, end: after } = readQuoted(text, end);
        tokens.push({ kind: 'typed', prefix: word, value, pos: i });
        i = after;
      } else {
        tokens.push({ kind: 'ident', text: word, pos: i });
        i = end;
      }
      continue;
    }
    throw new FilterError(`unexpected character '${c}'`, i);
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}
