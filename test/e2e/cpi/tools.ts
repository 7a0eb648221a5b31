// The real tools the key pair tests check the server's output with: openssl, keytool, ssh-keygen.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/server.js';
import { type Answer, type Client, hex } from './support.js';

export const pkiKey = (name: string): Buffer => readFileSync(join(repoRoot, 'test/fixtures/pki-keys', name));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool with arguments and optional stdin; the caller asserts on the exit code. */
export function tool(cmd: string, args: string[], input?: Buffer | string): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(input ?? null);
  });
}

/** Runs a tool and fails the test unless it exits 0. */
export async function ok(cmd: string, args: string[], input?: Buffer | string): Promise<string> {
  const r = await tool(cmd, args, input);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A scratch folder for files the tools read and write, removed by `done`. */
export function scratch(): {
  path: (name: string) => string;
  write: (name: string, data: Buffer | string) => string;
  done: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'oks-cpi-tools-'));
  return {
    path: (name) => join(dir, name),
    write: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A JSON write as SAP's clients send it: JSON body, JSON errors. */
export function postJson(
  client: Client,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return client.write('POST', path, JSON.stringify(body), {
    'content-type': 'application/json',
    accept: 'application/json',
    ...headers,
  });
}

/** `POST /KeyPairResources` with a PKCS#12 file (§3.6); `options` is the query string. */
export function importPkcs12(
  client: Client,
  alias: string,
  p12: Buffer,
  password: string,
  options = '',
): Promise<Answer> {
  const body = { Hexalias: 'AB', Alias: alias, Password: password, Resource: p12.toString('base64') };
  return postJson(client, `/KeyPairResources${options ? `?${options}` : ''}`, body);
}

/** GET of a key pair's `$value` navigation as text. */
export async function entryValue(client: Client, alias: string, nav: string, query = ''): Promise<Answer> {
  return client.get(`/KeystoreEntries('${hex(alias)}')/${nav}/$value${query ? `?${query}` : ''}`);
}

/** The SubjectPublicKeyInfo of a certificate or a CSR, as openssl prints it (PEM). */
export async function publicKeyOf(kind: 'x509' | 'req', pem: string): Promise<string> {
  return ok('openssl', [kind, '-noout', '-pubkey'], pem);
}

/** Runs a refused request and checks that no keystore a write could touch changed. */
export async function unchanged<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  const snapshot = async () => {
    const out: unknown[] = [];
    for (const ks of ['system', 'KeyRenewal', 'backup_admin_system', 'KeyHistory'])
      out.push((await client.get(`/KeystoreEntries?$format=json&keystoreName=${ks}`)).json);
    return out;
  };
  const before = await snapshot();
  const result = await fn();
  assert.deepEqual(await snapshot(), before, 'a refused write changed a keystore');
  return result;
}

/** The entry as JSON (`d`), failing the test unless it exists. */
// biome-ignore lint/suspicious/noExplicitAny: OData entities are asserted on property by property
export async function entry(client: Client, alias: string, keystore = 'system'): Promise<any> {
  const r = await client.get(`/KeystoreEntries('${hex(alias)}')?$format=json&keystoreName=${keystore}`);
  assert.equal(r.status, 200, `${alias}: ${r.text}`);
  return r.json.d;
}

/** The certificates of a PEM text (a chain printed by openssl, a PKCS#7 converted to PEM), each as PEM. */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}
