// What the API Ops end-to-end tests share: the server, credentials, curl, and a look at the store's tables.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { basic, type RunningServer, repoRoot, startServer } from '../../helpers/server.js';

export const fixturesDir = join(repoRoot, 'test/fixtures/apiops');
export const fixture = (name: string): Buffer => readFileSync(join(fixturesDir, name));

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON of many shapes; tests assert on them
  json: any;
}

export interface Harness {
  server: RunningServer;
  /** An access token of the admin, from POST /apiops/auth/token. */
  token: string;
  call(method: string, path: string, init?: CallInit): Promise<Answer>;
  stop(): Promise<void>;
}

export interface CallInit {
  /** Bearer token; `null` sends no Authorization header; default: the admin's access token. */
  token?: string | null;
  authorization?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
}

export async function startApiOps(): Promise<Harness> {
  const server = await startServer();
  const token = await accessToken(server, server.adminUser, server.adminPassword);
  const harness: Harness = {
    server,
    token,
    call: (method, path, init = {}) => call(server, method, path, { token, ...init }),
    async stop() {
      // No request may have ended in the catch-all 500: bad input is always answered as such.
      assert.doesNotMatch(server.output(), /apiops: unexpected error/);
      await server.stop();
    },
  };
  return harness;
}

export async function call(server: RunningServer, method: string, path: string, init: CallInit = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.authorization) headers.authorization = init.authorization;
  else if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, body: init.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function accessToken(server: RunningServer, user: string, password: string): Promise<string> {
  const r = await call(server, 'POST', '/apiops/auth/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: user,
      client_secret: password,
    }).toString(),
  });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token as string;
}

const adminBasic = (server: RunningServer) => basic(server.adminUser, server.adminPassword);

/** Projects and environments are made through the native REST API, as an operator would. */
export async function createProject(server: RunningServer, name: string): Promise<void> {
  const r = await call(server, 'POST', '/v1/projects', {
    authorization: adminBasic(server),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, description: `${name} project` }),
  });
  assert.equal(r.status, 201, r.text);
}

export async function createEnvironment(
  server: RunningServer,
  project: string,
  name: string,
  type: 'PRODUCTION' | 'SANDBOX' | 'TEST' = 'TEST',
): Promise<void> {
  const r = await call(server, 'POST', `/v1/projects/${encodeURIComponent(project)}/environments`, {
    authorization: adminBasic(server),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type, description: `${name} stage` }),
  });
  assert.equal(r.status, 201, r.text);
}

export interface Ran {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

/** The CLI on the server's own store, for what only it does: users, roles, personal tokens. */
export async function cli(server: RunningServer, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENKEYSTORE_DATA_DIR: server.dataDir,
    OPENKEYSTORE_LOG_LEVEL: 'warn',
  };
  if (server.databaseUrl) env.OPENKEYSTORE_DATABASE_URL = server.databaseUrl;
  else delete env.OPENKEYSTORE_DATABASE_URL;
  const r = await run(process.execPath, [join(repoRoot, 'bin/openkeystore.js'), ...args], { env });
  assert.equal(r.code, 0, `openkeystore ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
}

export async function createUser(
  server: RunningServer,
  name: string,
  password: string,
  role: 'viewer' | 'editor' | 'admin',
  project: string,
): Promise<void> {
  await cli(server, ['users', 'create', name, '--password', password, '--role', role, '--project', project]);
}

export async function personalToken(server: RunningServer, user: string, ttlSeconds?: number): Promise<string> {
  const args = ['tokens', 'create', user, '--name', `t-${Date.now()}-${Math.random()}`];
  if (ttlSeconds !== undefined) args.push('--ttl', String(ttlSeconds));
  return cli(server, args);
}

/**
 * curl as the reference's examples call it; -sS, -D (headers to a file) and -w (the status) are added only to
 * see what came back.
 */
export async function curl(
  args: string[],
  cwd: string,
): Promise<{ status: number; rawHeaders: string; body: Buffer; stderr: string }> {
  const headerFile = join(cwd, `.headers-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const r = await run('curl', ['-sS', '-D', headerFile, '-w', '\n%{http_code}', ...args], { cwd });
  assert.equal(r.code, 0, `curl ${args.join(' ')}: ${r.stderr}`);
  const out = r.stdout;
  const nl = out.lastIndexOf(0x0a);
  const status = Number(out.subarray(nl + 1).toString());
  const rawHeaders = readFileSync(headerFile, 'latin1');
  // Often written into the fixtures folder (curl's -F @file reads from cwd): leave nothing behind there.
  rmSync(headerFile, { force: true });
  return { status, rawHeaders, body: out.subarray(0, nl), stderr: r.stderr };
}

/** One header of a raw header block, case-insensitively; undefined when absent. */
export function rawHeader(raw: string, name: string): string | undefined {
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === name.toLowerCase()) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** A multipart body as fetch sends it; files are (field, name, bytes). */
export function form(fields: Record<string, string | string[]>, files: [string, string, Buffer][] = []): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) f.append(k, one);
  for (const [field, name, bytes] of files) f.append(field, new Blob([new Uint8Array(bytes)]), name);
  return f;
}

/**
 * What an API Ops write can change, read straight from the store's tables: groups, entries, history, keystores,
 * JWKs and the audit events of those. Token issuance writes audit events too; those are left out.
 */
export async function storeSnapshot(server: RunningServer): Promise<string> {
  const queries = [
    'select id, project_id, name, description, created_at, modified_at from cert_groups order by id',
    'select id, keystore_id, alias, group_id, version, sha256, modified_at from entries order by id',
    'select count(*) as n from entry_history',
    "select id, action from audit_events where action like 'entry.%' or action like 'certificate.%' or action like 'apiops-%' or action like 'jwk.%' order by id",
    'select id, project_id, name, description, version, modified_at from apiops_keystores order by id',
    'select id, keystore_id, environment_id, keystore_type, alias, file_sha256, password_enc from apiops_keystores_files order by id',
    'select id, project_id, name, certificate_project_id, certificate_name, kid, public_jwk, version from apiops_jwks order by id',
  ];
  const results: unknown[] = [];
  if (server.databaseUrl) {
    const c = new pg.Client({ connectionString: server.databaseUrl });
    await c.connect();
    try {
      for (const q of queries) results.push((await c.query(q)).rows);
    } finally {
      await c.end();
    }
  } else {
    const db = new SqliteDatabase(join(server.dataDir, 'openkeystore.db'), { readonly: true, fileMustExist: true });
    try {
      for (const q of queries) results.push(db.prepare(q).all());
    } finally {
      db.close();
    }
  }
  // pg gives bigint columns and counts as strings; SQLite as numbers. Compare as text.
  return JSON.stringify(results, (_k, v) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : v));
}

/** Asserts Apinizer's error body exactly. */
export function assertError(r: Answer, status: number, error: string, description: string): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(r.json, { error, error_description: description });
}
