import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PkiError, type PkiErrorCode } from '../../../src/pki/errors.js';
import { readCertificates } from '../../../src/pki/sniff.js';

/** Bytes of a committed fixture from test/fixtures/pki-keys (made by make-fixtures.sh). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/pki-keys/${name}`, import.meta.url)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/pki-keys/${name}`, import.meta.url), 'utf8');
}

/** The DER of the only certificate in a PEM fixture. */
export function certificate(name: string): Uint8Array {
  const [der] = readCertificates(fixture(name));
  assert.ok(der, name);
  return der;
}

/** Runs `fn`, which must throw a PkiError with `code` (and `message`, when given). */
export function refused(fn: () => unknown, code: PkiErrorCode, message?: string | RegExp): PkiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PkiError, `expected a PkiError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

const found = new Map<string, boolean>();

/**
 * For node:test's `skip` option: false when `tool` runs here, else the reason, which the runner prints beside the
 * skipped test. The suite has to pass where openssl, keytool or ssh-keygen are missing.
 */
export function missing(tool: string): false | string {
  if (!found.has(tool)) {
    const probe = spawnSync(tool, tool === 'keytool' ? ['-help'] : ['-version'], { stdio: 'ignore' });
    found.set(tool, probe.error === undefined);
  }
  return found.get(tool) ? false : `${tool} is not installed; the round trip with it is not checked`;
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool in a fresh temporary folder holding `files`; `{dir}` in an argument stands for that folder. */
export function run(tool: string, args: string[], files: Record<string, Uint8Array | string> = {}): ToolResult {
  const dir = mkdtempSync(join(tmpdir(), 'oks-pki-keys-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
    const r = spawnSync(
      tool,
      args.map((a) => a.replaceAll('{dir}', dir)),
      { cwd: dir, encoding: 'utf8' },
    );
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** run, asserting exit status 0. */
export function runOk(tool: string, args: string[], files: Record<string, Uint8Array | string> = {}): string {
  const r = run(tool, args, files);
  assert.equal(r.status, 0, `${tool} ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout + r.stderr;
}
