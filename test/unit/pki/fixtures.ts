import { readFileSync } from 'node:fs';

/** Bytes of a committed fixture from test/fixtures/pki (made by make-fixtures.sh). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/pki/${name}`, import.meta.url)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/pki/${name}`, import.meta.url), 'utf8');
}

export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
