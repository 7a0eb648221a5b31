import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PkiError, type PkiErrorCode } from '../../../src/pki/errors.js';

/** Bytes of a committed fixture from test/fixtures/pki-jks (made by make-fixtures.sh). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/pki-jks/${name}`, import.meta.url)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/pki-jks/${name}`, import.meta.url), 'utf8');
}

export const STORE_PASSWORD = 'store-pass-1';
export const KEY_PASSWORD = 'key-pass-2';

/** One entry as `keytool -list -v` printed it. */
export interface ListedEntry {
  alias: string;
  /** 'Nov 24, 2026', in UTC. */
  creationDate: string;
  entryType: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry';
  /** SHA-256 fingerprints ('AB:CD:…'), chain order; one for a trusted certificate, none for a secret key. */
  sha256: string[];
}

export function parseKeytoolList(text: string): { type: string; count: number; entries: ListedEntry[] } {
  const type = /^Keystore type: (\S+)$/m.exec(text)?.[1];
  const count = /^Your keystore contains (\d+) entr/m.exec(text)?.[1];
  assert.ok(type && count, `not keytool -list output:\n${text}`);
  const entries = text
    .split(/^Alias name: /m)
    .slice(1)
    .map((block): ListedEntry => {
      const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1];
      return {
        alias: block.slice(0, block.indexOf('\n')),
        creationDate: field('Creation date') ?? '',
        entryType: field('Entry type') as ListedEntry['entryType'],
        sha256: [...block.matchAll(/^\s+SHA256: (\S+)$/gm)].map((m) => m[1]!),
      };
    });
  return { type, count: Number(count), entries };
}

export function sha256Fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** How keytool prints an entry's creation date when run in UTC and English. */
export function keytoolDay(date: Date): string {
  return date.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
}

export function throwsPki(fn: () => unknown, code: PkiErrorCode, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PkiError, `not a PkiError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

// --- keytool at test time -----------------------------------------------------------------------------------------

let found: string | null | undefined;

/**
 * keytool's path, or null when no JDK is installed (those assertions are then skipped with a reason). Looked up
 * on first use only: starting a JVM takes a while, and most tests never need one.
 */
export function keytool(): string | null {
  const candidates = ['/usr/bin/keytool', ...(process.env.JAVA_HOME ? [`${process.env.JAVA_HOME}/bin/keytool`] : [])];
  found ??= candidates.find((path) => spawnSync(path, ['-help']).status === 0) ?? null;
  return found;
}

export const NO_KEYTOOL = 'keytool is not installed: the assertion against Java is skipped';

export function runKeytool(args: string[], input?: string): { status: number | null; out: string } {
  const path = keytool();
  assert.ok(path);
  const r = spawnSync(path, ['-J-Duser.language=en', '-J-Duser.country=US', '-J-Duser.timezone=UTC', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// --- hand-built stores, for inputs keytool never writes -----------------------------------------------------------

export function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

export function int64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return b;
}

/** writeUTF for ASCII text. */
export function utf(text: string): Buffer {
  return Buffer.concat([Buffer.from([text.length >> 8, text.length & 0xff]), Buffer.from(text, 'latin1')]);
}

/** A store from raw parts with a correct digest, computed here independently of the code under test. */
export function buildStore(magic: number, version: number, count: number, body: Buffer[], password: string): Buffer {
  const head = Buffer.concat([int32(magic | 0), int32(version), int32(count), ...body]);
  const pw = Buffer.from(password, 'utf16le').swap16();
  const digest = createHash('sha1').update(pw).update('Mighty Aphrodite').update(head).digest();
  return Buffer.concat([head, digest]);
}

export const JKS = 0xfeedfeed;
export const JCEKS = 0xcececece;
