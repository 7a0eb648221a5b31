import { badRequest } from './errors.js';
import type { JsonObject } from './json-body.js';

/**
 * Typed properties of a JSON request body. A property that is absent or `null` is "not given" (D27: SAP's
 * "required" flags are defaults in practice); one of the wrong type is a 400 that names it.
 */

const invalidValue = (name: string) => badRequest(`The value of the property '${name}' is not valid.`);

/** SAP's wording for a missing required property, used elsewhere in this API (§3.6). */
export const emptyProperty = (name: string) => badRequest(`Property '${name}' cannot be empty. Enter a valid value.`);

export function textField(body: JsonObject, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidValue(name);
  return v;
}

/** A text that must be there and not blank. */
export function requiredText(body: JsonObject, name: string): string {
  const v = textField(body, name);
  if (v === undefined || v.trim() === '') throw emptyProperty(name);
  return v;
}

/** Edm.Int32: a JSON number, or a string of digits as some V2 clients write every number. */
export function integerField(body: JsonObject, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\s*-?\d{1,10}\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidValue(name);
  return n;
}

// `/Date(1469685029780)/` or `/Date(1469685029780+0000)/`: milliseconds since the epoch in UTC; the offset only
// says where the writer was, so the instant is the number (OData V2 JSON, D2).
const JSON_DATE = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Edm.DateTime(Offset) in every form D2 accepts: `/Date(ms)/`, `/Date(ms±hhmm)/`, ISO 8601 (UTC without a zone). */
export function dateField(body: JsonObject, name: string): Date | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidValue(name);
  const text = v.trim();
  const json = JSON_DATE.exec(text);
  if (json) return new Date(Number(json[1]));
  const iso = ISO_DATE.exec(text);
  if (!iso) throw invalidValue(name);
  // A time without a zone is UTC, as Edm.DateTime is; JavaScript would read it as local time.
  const date = new Date(iso[1] || !text.includes('T') ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) throw invalidValue(name);
  return date;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const BASE64URL = /^[A-Za-z0-9_\-\s]*$/;

/** Edm.Binary: base64 in V2 JSON (URL-safe base64 tolerated); undefined when absent, null or empty. */
export function binaryField(body: JsonObject, name: string): Buffer | undefined {
  const v = textField(body, name);
  if (v === undefined || v.trim() === '') return undefined;
  if (BASE64.test(v)) return Buffer.from(v, 'base64');
  if (BASE64URL.test(v)) return Buffer.from(v, 'base64url');
  throw invalidValue(name);
}
