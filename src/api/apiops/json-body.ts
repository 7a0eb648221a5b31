import { badRequest } from './errors.js';
import { text } from './messages.js';

/**
 * A JSON object of a keystore or JWK request, read field by field: a field of the wrong type is the caller's
 * mistake and named in the answer; null counts as absent, as Jackson binds it.
 */
export class JsonObject {
  private readonly value: Record<string, unknown>;

  constructor(body: unknown) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(text.jsonBodyRequired);
    this.value = body as Record<string, unknown>;
  }

  /** The string as sent (not trimmed: a password may have spaces), or undefined when absent or null. */
  raw(name: string): string | undefined {
    const v = this.value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw badRequest(text.notString(name));
    if (v.includes('\u0000')) throw badRequest(text.nulCharacter);
    return v;
  }

  /** Trimmed; '' when absent. */
  text(name: string): string {
    return (this.raw(name) ?? '').trim();
  }

  has(name: string): boolean {
    return this.value[name] !== undefined && this.value[name] !== null;
  }

  /** Each item of a list field as an object; undefined when absent. */
  objects(name: string): JsonObject[] | undefined {
    const v = this.value[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw badRequest(text.notList(name));
    return v.map((item) => new JsonObject(item));
  }

  boolean(name: string): boolean | undefined {
    const v = this.value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw badRequest(text.badOption(name, ['true', 'false']));
  }
}

/** One of a closed set of words, any case; the first when absent. */
export function oneOf<T extends string>(raw: string, name: string, allowed: readonly T[]): T | undefined {
  if (raw === '') return undefined;
  const found = allowed.find((a) => a === raw.toUpperCase());
  if (!found) throw badRequest(text.badOption(name, allowed));
  return found;
}
