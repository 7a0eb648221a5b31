import { TAG_GENERALIZED_TIME, TAG_UTC_TIME } from './der.js';

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/;

/**
 * UTCTime or GeneralizedTime contents as a Date; null when unreadable. Accepts the BER variants Java accepts
 * (no seconds, a fraction, a ±hhmm offset) because such certificates exist and import into SAP. A time without a
 * zone is read as UTC, not as the server's local time, so that facts never depend on where the server runs.
 */
export function decodeTime(tag: number, contents: Uint8Array): Date | null {
  const text = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength).toString('latin1');
  let year: number;
  let rest: (string | undefined)[];
  if (tag === TAG_UTC_TIME) {
    const m = UTC_TIME.exec(text);
    if (m === null) return null;
    const yy = Number(m[1]);
    // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY.
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = [m[2], m[3], m[4], m[5], m[6], undefined, m[7]];
  } else if (tag === TAG_GENERALIZED_TIME) {
    const m = GENERALIZED_TIME.exec(text);
    if (m === null) return null;
    year = Number(m[1]);
    rest = [m[2], m[3], m[4], m[5], m[6], m[7], m[8]];
  } else {
    return null;
  }
  const [month, day, hour, minute = '0', second = '0', fraction, zone] = rest as [
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string | undefined,
    string | undefined,
  ];
  const fields = [Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  const [mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  let ms = Date.UTC(year, mo - 1, d, h, mi, s);
  // Date.UTC maps years 0..99 to 1900..1999; GeneralizedTime means them literally.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (fraction !== undefined) ms += Math.floor(Number(`0.${fraction}`) * 1000);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    ms -= sign * offset * 60_000;
  }
  return new Date(ms);
}
