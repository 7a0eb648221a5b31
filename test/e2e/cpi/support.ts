// What the CPI end-to-end tests share: a server, SAP-style clients with CSRF, curl, the CLI, an XML parser.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basic, type RunningServer, repoRoot, startServer } from '../../helpers/server.js';

export const fixture = (name: string): Buffer => readFileSync(join(repoRoot, 'test/fixtures/cpi', name));
export const fixtureText = (name: string): string => fixture(name).toString('utf8');

/** Request bytes as fetch's types take them (a Buffer may sit on a shared ArrayBuffer; fetch's BodyInit can't). */
export type Body = BodyInit | Uint8Array;
export const toBody = (b: Body | undefined): BodyInit | null =>
  b === undefined ? null : b instanceof Uint8Array ? new Uint8Array(b) : b;

export const hex = (alias: string): string => Buffer.from(alias, 'utf8').toString('hex').toUpperCase();

/** The DER inside the first PEM certificate block of a text. */
export function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  assert.ok(m?.[1], `no certificate block in: ${pem.slice(0, 200)}`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: OData answers come in many shapes; the tests assert on them
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A client as SAP tools are: credentials on every call, a CSRF token fetched once and sent on writes. */
export class Client {
  private csrf: string | undefined;

  constructor(
    readonly server: RunningServer,
    readonly authorization: string,
    /** The service root below the host: `/api/v1` or `/t/{project}/{environment}/api/v1`. */
    readonly root = '/api/v1',
  ) {}

  async token(): Promise<string> {
    if (this.csrf) return this.csrf;
    const r = await fetch(`${this.server.url}${this.root}/`, {
      headers: { authorization: this.authorization, 'x-csrf-token': 'Fetch' },
    });
    await r.arrayBuffer();
    const token = r.headers.get('x-csrf-token');
    assert.ok(r.ok && token, `CSRF fetch answered ${r.status}`);
    this.csrf = token;
    return token;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return answer(
      await fetch(`${this.server.url}${this.root}${path}`, {
        headers: { authorization: this.authorization, ...headers },
      }),
    );
  }

  async write(method: string, path: string, body?: Body, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      body: toBody(body),
      headers: { authorization: this.authorization, 'x-csrf-token': await this.token(), ...headers },
    };
    // A streamed body (no Content-Length) needs half-duplex in Node's fetch.
    if (body instanceof ReadableStream) init.duplex = 'half';
    const res = await fetch(`${this.server.url}${this.root}${path}`, init);
    return answer(res);
  }

  /** Imports a certificate the way seed 001 does, with JSON errors. */
  putCertificate(alias: string, body: Body, options = ''): Promise<Answer> {
    return this.write('PUT', `/CertificateResources('${hex(alias)}')/$value${options ? `?${options}` : ''}`, body, {
      accept: 'application/json',
    });
  }

  /** The aliases in the keystore, in the order the server lists them. */
  async aliases(query = ''): Promise<string[]> {
    const r = await this.get(`/KeystoreEntries?$format=json&$select=Alias${query ? `&${query}` : ''}`);
    assert.equal(r.status, 200, r.text);
    return (r.json.d.results as { Alias: string }[]).map((e) => e.Alias);
  }
}

export interface Harness {
  server: RunningServer;
  admin: Client;
  stop(): Promise<void>;
}

export async function startCpi(): Promise<Harness> {
  const server = await startServer();
  return {
    server,
    admin: new Client(server, basic(server.adminUser, server.adminPassword)),
    async stop() {
      // Bad input must never end in the catch-all 500.
      const out = server.output();
      await server.stop();
      assert.doesNotMatch(out, /CPI request failed/);
    },
  };
}

/** Imports the test CA the way an administrator would: by verifying its fingerprint. */
export async function trustTestCa(client: Client, alias = 'test-root-ca'): Promise<void> {
  const r = await client.putCertificate(alias, fixture('ca.pem'), 'fingerprintVerified=true');
  assert.equal(r.status, 204, r.text);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
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

/** The openkeystore CLI on the server's store, as an operator runs it beside the server. */
export async function cli(server: RunningServer, ...args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENKEYSTORE_DATA_DIR: server.dataDir };
  if (server.databaseUrl) env.OPENKEYSTORE_DATABASE_URL = server.databaseUrl;
  else delete env.OPENKEYSTORE_DATABASE_URL;
  const r = await run(process.execPath, [join(repoRoot, 'bin/openkeystore.js'), ...args], env);
  assert.equal(r.code, 0, `openkeystore ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Creates a user with a role and returns a client for it. */
export async function userClient(
  h: Harness,
  name: string,
  role: 'viewer' | 'editor' | 'admin' | null,
  project = 'default',
): Promise<Client> {
  const password = `pw-${name}-0123456789`;
  await cli(
    h.server,
    'users',
    'create',
    name,
    '--password',
    password,
    ...(role ? ['--role', role, '--project', project] : []),
  );
  return new Client(h.server, basic(name, password));
}

export interface CurlAnswer {
  status: number;
  /** Header names in lower case; the last value wins. */
  headers: Map<string, string>;
  body: Buffer;
}

/** curl as a user types it: `-g` so that OData's `('…')` and `$` go out as written. */
export async function curl(args: string[], input?: Buffer): Promise<CurlAnswer> {
  const r = await new Promise<{ code: number | null; out: Buffer; err: string }>((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-g', '-i', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out), err }));
    child.stdin.end(input ?? null);
  });
  assert.equal(r.code, 0, `curl failed: ${r.err}`);
  // Skip interim answers (100 Continue) to the final head.
  let rest = r.out;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end >= 0, 'curl printed no complete head');
    const head = rest.subarray(0, end).toString('latin1');
    rest = rest.subarray(end + 4);
    const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]);
    if (status >= 200 || rest.length === 0) {
      const headers = new Map<string, string>();
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return { status, headers, body: rest };
    }
  }
}

export interface XmlElement {
  tag: string;
  attrib: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const PARSE_XML = `
import json, sys, xml.etree.ElementTree as ET
def conv(e):
    return {"tag": e.tag, "attrib": dict(e.attrib), "text": (e.text or ""), "children": [conv(c) for c in e]}
print(json.dumps(conv(ET.fromstring(sys.stdin.buffer.read()))))
`;

/** Parses XML with a real parser (Python's expat); tags come as `{namespace}local`. Fails on malformed XML. */
export async function parseXml(text: string): Promise<XmlElement> {
  const r = await run('python3', ['-c', PARSE_XML], process.env, Buffer.from(text, 'utf8'));
  assert.equal(r.code, 0, `not well-formed XML: ${r.stderr}\n${text.slice(0, 500)}`);
  return JSON.parse(r.stdout) as XmlElement;
}

/** Every element below `e` (itself included) with the given `{namespace}local` tag. */
export function findAll(e: XmlElement, tag: string): XmlElement[] {
  return [...(e.tag === tag ? [e] : []), ...e.children.flatMap((c) => findAll(c, tag))];
}

export const NS = {
  atom: '{http://www.w3.org/2005/Atom}',
  m: '{http://schemas.microsoft.com/ado/2007/08/dataservices/metadata}',
  d: '{http://schemas.microsoft.com/ado/2007/08/dataservices}',
  edm: '{http://schemas.microsoft.com/ado/2008/09/edm}',
  app: '{http://www.w3.org/2007/app}',
};
