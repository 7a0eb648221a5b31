import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyPostgresDatabase } from './postgres.js';

export { postgresAdminUrl } from './postgres.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Which store the suite runs on: OPENKEYSTORE_TEST_STORE=postgres uses a fresh database per server. */
export const testStore = process.env.OPENKEYSTORE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface RunningServer {
  url: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** What the process printed, for tests that check its output. */
  output: () => string;
  /** Stops the server with SIGTERM and removes its store. */
  stop(): Promise<void>;
  /** Kills the process (SIGKILL) and keeps the store, to restart on it. */
  kill(): Promise<void>;
  process: ChildProcess;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a store (a data folder or a database URL) left by an earlier server. */
  dataDir?: string;
  databaseUrl?: string;
  adminPassword?: string;
}

/** Starts `openkeystore serve` from the build, as a user would, on a free port and a store of its own. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'oks-test-'));
  let databaseUrl = opts.databaseUrl;
  let drop: (() => Promise<void>) | undefined;
  if (!databaseUrl && !opts.dataDir && testStore === 'postgres') {
    const db = await emptyPostgresDatabase();
    databaseUrl = db.url;
    drop = db.drop;
  }
  const adminUser = 'admin';
  const adminPassword = opts.adminPassword ?? `pw-${randomBytes(8).toString('hex')}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port),
    OPENKEYSTORE_DATA_DIR: dataDir,
    OPENKEYSTORE_ADMIN_USER: adminUser,
    OPENKEYSTORE_ADMIN_PASSWORD: adminPassword,
    OPENKEYSTORE_LOG_LEVEL: 'warn',
    ...(databaseUrl ? { OPENKEYSTORE_DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  };
  if (!databaseUrl) delete env.OPENKEYSTORE_DATABASE_URL;
  const child = spawn(process.execPath, [join(repoRoot, 'bin/openkeystore.js'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/ready`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    adminUser,
    adminPassword,
    dataDir,
    databaseUrl,
    output: () => out,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (drop) await drop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
