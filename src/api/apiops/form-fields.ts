import { badRequest } from './errors.js';
import { text } from './messages.js';
import type { FormParts } from './multipart.js';

type Query = Record<string, unknown>;

/**
 * A8: the OpenAPI declares the multipart text fields as query parameters and Spring binds both, so each text
 * field is read from the form first and from the query string second.
 */
export class FormFields {
  constructor(
    private readonly form: FormParts,
    private readonly query: Query,
  ) {}

  /** The first non-blank value, trimmed (a stray space around a name is never meant); '' when absent. */
  text(name: string): string {
    for (const v of this.all(name)) {
      const t = v.trim();
      if (t !== '') return t;
    }
    return '';
  }

  /** The first value as sent, not trimmed (a password may begin or end with a space); undefined when absent. */
  raw(name: string): string | undefined {
    const values = this.form.fields.has(name) ? this.form.fields.get(name)! : queryValues(this.query, name);
    const v = values[0];
    if (v?.includes('\u0000')) throw badRequest(text.nulCharacter);
    return v;
  }

  /** The first of several names the field goes by that was sent. */
  firstText(...names: string[]): string {
    for (const n of names) {
      const v = this.text(n);
      if (v !== '') return v;
    }
    return '';
  }

  /** Whether the field was sent at all, blank or not: an absent description keeps the stored one. */
  has(name: string): boolean {
    return this.form.fields.has(name) || this.query[name] !== undefined;
  }

  /** A8: a comma list, repeated fields, or both; items trimmed, blanks and repeats dropped, order kept. */
  list(name: string): string[] {
    const items = this.all(name).flatMap((v) => v.split(','));
    return [...new Set(items.map((s) => s.trim()).filter((s) => s !== ''))];
  }

  /**
   * The bytes of a file part; a text field of the same name counts too (`-F "pemEncodedFile=<cert.pem"`
   * sends the PEM as a field). Empty content is as good as none.
   */
  file(name: string): Buffer | undefined {
    for (const f of this.form.files.get(name) ?? []) if (f.data.length > 0) return f.data;
    for (const v of this.form.fields.get(name) ?? []) if (v.trim() !== '') return Buffer.from(v, 'utf8');
    return undefined;
  }

  /** Like file(), with the name the client gave the file ('' for a text field). */
  upload(name: string): { fileName: string; data: Buffer } | undefined {
    for (const f of this.form.files.get(name) ?? []) if (f.data.length > 0) return f;
    for (const v of this.form.fields.get(name) ?? [])
      if (v.trim() !== '') return { fileName: '', data: Buffer.from(v, 'utf8') };
    return undefined;
  }

  /** Form values if the form has any non-blank one, else the query string's. */
  private all(name: string): string[] {
    const fromForm = this.form.fields.get(name) ?? [];
    const values = fromForm.some((v) => v.trim() !== '') ? fromForm : queryValues(this.query, name);
    for (const v of values) if (v.includes('\u0000')) throw badRequest(text.nulCharacter);
    return values;
  }
}

/** Fastify's query parser gives a string, or an array for a repeated key. */
export function queryValues(query: Query, name: string): string[] {
  const v = query[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function queryText(query: Query, name: string): string {
  for (const v of queryValues(query, name)) if (v.trim() !== '') return v.trim();
  return '';
}
