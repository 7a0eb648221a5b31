import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, freePort, memoryOf, startChild, waitReady } from './children.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const ADMIN_USER = 'admin';
/** Fixed, so that a cached seeded store (seed/store-template.ts) can be served by any run. */
export const ADMIN_PASSWORD = 'bench-admin-password';
/** Fixed for the same reason: a store's data key is wrapped by the master key of its first server. */
export const MASTER_KEY = 'b'.repeat(64);

export const basicAuth = `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`;

export interface StoreLocation {
  /** The data folder (SQLite's file, the master key file if there were one, and the server's log). */
  dataDir: string;
  /** Set for PostgreSQL. */
  databaseUrl?: string | undefined;
}

export interface OksServer {
  url: string;
  pid: number;
  /** From spawning `node bin/openkeystore.js serve` to the first 200 of GET /ready. */
  readyMs: number;
  child: Child;
  rssMb(): number;
  peakMb(): number;
  stop(): Promise<void>;
}

let nodeFlags: string[] = [];
/** Set once by the runner: flags every openkeystore server of this run gets. */
export function setServerNodeFlags(flags: string[]): void {
  nodeFlags = flags;
}

/**
 * `openkeystore serve` from the build, as a user starts it: default settings (log level info included), the
 * admin from the environment, the store in `store`. Nothing of the bench's own environment that configures
 * openkeystore is passed on.
 */
export async function startOpenkeystore(store: StoreLocation, extraEnv: NodeJS.ProcessEnv = {}): Promise<OksServer> {
  mkdirSync(store.dataDir, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OPENKEYSTORE_') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    OPENKEYSTORE_DATA_DIR: store.dataDir,
    OPENKEYSTORE_ADMIN_USER: ADMIN_USER,
    OPENKEYSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    OPENKEYSTORE_MASTER_KEY: MASTER_KEY,
  });
  if (store.databaseUrl) env.OPENKEYSTORE_DATABASE_URL = store.databaseUrl;
  Object.assign(env, extraEnv);
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  const child = startChild(
    process.execPath,
    [...nodeFlags, join(repoRoot, 'bin/openkeystore.js'), 'serve'],
    env,
    join(store.dataDir, 'server.log'),
  );
  const readyMs = await waitReady(`${url}/ready`, child, since);
  return {
    url,
    pid: child.pid,
    readyMs,
    child,
    rssMb: () => memoryOf(child.pid)?.rssMb ?? Number.NaN,
    peakMb: () => memoryOf(child.pid)?.peakMb ?? Number.NaN,
    stop: () => child.stop(),
  };
}
