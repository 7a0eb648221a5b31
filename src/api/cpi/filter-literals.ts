import { FilterError } from './filter-error.js';
import type { Token } from './filter-lexer.js';

/** A constant in `$filter`, typed as OData V2 types it; DateTime values are milliseconds since the epoch (UTC). */
export type Literal =
  | { type: 'Edm.String'; value: string }
  | { type: 'Edm.Boolean'; value: boolean }
  | { type: 'Edm.Int32' | 'Edm.Int64' | 'Edm.Decimal' | 'Edm.Double' | 'Edm.Single'; value: number }
  | { type: 'Edm.DateTime' | 'Edm.DateTimeOffset'; value: number }
  | { type: 'null'; value: null };

const INT32 = 2 ** 31;

function numberLiteral(t: Extract<Token, { kind: 'number' }>): Literal {
  const integral = /^-?\d+$/.test(t.text);
  if (t.suffix === 'L') {
    if (!integral) throw new FilterError(`'${t.text}L' is not an Edm.Int64 literal`, t.pos);
    const big = BigInt(t.text);
    // Beyond 2^53 a JavaScript number would silently change the value compared with.
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
      throw new FilterError(`the Edm.Int64 literal '${t.text}L' is out of the supported range`, t.pos);
    return { type: 'Edm.Int64', value: Number(big) };
  }
  const value = Number(t.text);
  if (!Number.isFinite(value)) throw new FilterError(`'${t.text}' is out of range`, t.pos);
  if (t.suffix === 'M') return { type: 'Edm.Decimal', value };
  if (t.suffix === 'D') return { type: 'Edm.Double', value };
  if (t.suffix === 'F') return { type: 'Edm.Single', value };
  if (!integral) return { type: 'Edm.Double', value };
  if (value >= INT32 || value < -INT32)
    throw new FilterError(`'${t.text}' is out of the Edm.Int32 range; write it as ${t.text}L`, t.pos);
  return { type: 'Edm.Int32', value };
}

/** `2024-01-01T00:00`, seconds and up to 7 fraction digits optional (V2's Edm.DateTime literal form). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

function dateTime(text: string, withOffset: boolean, pos: number, prefix: string): number {
  let body = text;
  let offsetMinutes = 0;
  const offset = OFFSET.exec(text);
  if (offset) {
    body = text.slice(0, offset.index);
    const o = offset[1] as string;
    if (o !== 'Z') offsetMinutes = (o.startsWith('-') ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(4, 6)));
  } else if (withOffset) {
    throw new FilterError(`the ${prefix} literal '${text}' has no offset (Z or ±hh:mm)`, pos);
  }
  const m = DATE_TIME.exec(body);
  const bad = () => new FilterError(`'${text}' is not a valid ${prefix} literal`, pos);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s = '0', frac = ''] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC rolls 2024-02-30 over into March; a literal that does so is not a date.
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    throw bad();
  return utc - offsetMinutes * 60_000;
}

/** The literal a token stands for, or undefined when it is not one (an identifier that is not true/false/null). */
export function literalOf(t: Token): Literal | undefined {
  switch (t.kind) {
    case 'string':
      return { type: 'Edm.String', value: t.value };
    case 'number':
      return numberLiteral(t);
    case 'ident':
      if (t.text === 'true' || t.text === 'false') return { type: 'Edm.Boolean', value: t.text === 'true' };
      if (t.text === 'null') return { type: 'null', value: null };
      return undefined;
    case 'typed': {
      const prefix = t.prefix.toLowerCase();
      // Edm.DateTime has no offset: its times are UTC, as the store's are. A `Z` or offset given anyway is honoured.
      if (prefix === 'datetime') return { type: 'Edm.DateTime', value: dateTime(t.value, false, t.pos, 'datetime') };
      if (prefix === 'datetimeoffset')
        return { type: 'Edm.DateTimeOffset', value: dateTime(t.value, true, t.pos, 'datetimeoffset') };
      if (['guid', 'time', 'binary', 'x'].includes(prefix))
        throw new FilterError(`literals of type '${t.prefix}' are not supported here`, t.pos);
      throw new FilterError(`'${t.prefix}' is not a literal type`, t.pos);
    }
    default:
      return undefined;
  }
}
