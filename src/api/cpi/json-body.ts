import { badRequest } from './errors.js';

/** SPEC's answer to a body that is not JSON (other sets of this API use it; SAP's server parses with Gson). */
export const MALFORMED_JSON = "An exception of type 'MalformedJsonException' occurred.";

export type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The properties of an OData V2 JSON request body: `{"Alias":…}` as SAP's clients send it, or the verbose form
 * `{"d":{"Alias":…}}` that some OData libraries write. Anything that is not one JSON object gets SPEC's 400.
 */
export function readJsonObject(body: Buffer): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8').replace(/^\ufeff/, ''));
  } catch {
    throw badRequest(MALFORMED_JSON);
  }
  if (!isObject(value)) throw badRequest(MALFORMED_JSON);
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'd' && isObject(value.d)) return value.d;
  return value;
}
