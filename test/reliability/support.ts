// What the reliability tests share: SAP-style writers that count what was acknowledged, the store read directly
// to check it, the server's memory, and figures printed where CI shows them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../src/store/open.js';
import type { MadeCertificate } from '../helpers/certificates.js';
import { CpiClient, hex } from '../helpers/cpi.js';
import type { RunningServer } from '../helpers/server.js';

/** Every server of one database must share the master key; a test's servers get this one. */
export const masterKeyEnv = () => ({ OPENKEYSTORE_MASTER_KEY: randomBytes(32).toString('base64') });

/** Prints figures both as test diagnostics and on standard output, so they show in any CI log. */
export function report(t: TestContext, title: string, figures: Record<string, string | number>): void {
  const line = `${title}: ${Object.entries(figures)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;
  t.diagnostic(line);
  console.log(`# ${line}`);
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m?.[1]) throw new Error(`no VmRSS for ${pid}`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function cpiClient(s: RunningServer, password = s.adminPassword): CpiClient {
  return new CpiClient(`${s.url}/api/v1`, s.adminUser, password);
}

export type WriteOutcome = 'acked' | 'refused' | 'server-error' | 'no-answer';

/**
 * PUT CertificateResources('{hex}')/$value as SAP clients send it. `acked` only for a 2xx: that is the promise the
 * server made. No answer at all (the server was killed) is not a promise either way.
 */
export async function putCertificate(
  client: CpiClient,
  alias: string,
  cert: MadeCertificate,
  update: boolean,
): Promise<{ outcome: WriteOutcome; status: number }> {
  try {
    const r = await client.write(
      'PUT',
      `/CertificateResources('${hex(alias)}')/$value?fingerprintVerified=true&update=${update}`,
      cert.pem,
    );
    await r.arrayBuffer();
    if (r.status >= 200 && r.status < 300) return { outcome: 'acked', status: r.status };
    return { outcome: r.status >= 500 ? 'server-error' : 'refused', status: r.status };
  } catch {
    return { outcome: 'no-answer', status: 0 };
  }
}

/** The SHA-256 fingerprint the server shows for an alias, or undefined when it has no such entry. */
export async function fingerprintOf(client: CpiClient, alias: string): Promise<string | undefined> {
  const r = await client.get(`/KeystoreEntries('${hex(alias)}')`, { accept: 'application/json' });
  if (r.status === 404) {
    await r.arrayBuffer();
    return undefined;
  }
  if (r.status !== 200) throw new Error(`GET ${alias}: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { d: { FingerprintSha256: string } };
  return body.d.FingerprintSha256;
}

/** Opens the server's store from the test, to read what is really there. */
export function storeOf(s: RunningServer): Promise<Store> {
  return openStore({ dataDir: s.dataDir, databaseUrl: s.databaseUrl });
}

export interface Versions {
  version: number;
  current: string | undefined;
  /** History versions in the order they were written, with their fingerprints. */
  history: { version: number; sha256: string }[];
}

/** An alias in the default tenant's system keystore: its live version and every archived one. */
export async function versionsOf(store: Store, alias: string): Promise<Versions> {
  const ks = await store.db
    .selectFrom('keystores')
    .innerJoin('environments', 'environments.id', 'keystores.environment_id')
    .innerJoin('projects', 'projects.id', 'environments.project_id')
    .select('keystores.id')
    .where('projects.name', '=', 'default')
    .where('environments.name', '=', 'production')
    .where('keystores.name', '=', 'system')
    .executeTakeFirstOrThrow();
  const entry = await store.db
    .selectFrom('entries')
    .select(['id', 'version', 'sha256'])
    .where('keystore_id', '=', ks.id)
    .where('alias', '=', alias)
    .executeTakeFirst();
  const history = await store.db
    .selectFrom('entry_history')
    .select(['version', 'sha256'])
    .where('keystore_id', '=', ks.id)
    .where('alias', '=', alias)
    .orderBy('id')
    .execute();
  return { version: entry?.version ?? 0, current: entry?.sha256, history };
}

/** A multiset of fingerprints, to compare what was acknowledged with what the store holds. */
export function tally(shas: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of shas) m.set(s, (m.get(s) ?? 0) + 1);
  return m;
}
