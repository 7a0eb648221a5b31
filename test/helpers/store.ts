import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/open.js';
import { postgresAdminUrl, repoRoot } from './server.js';

export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

/** A new SQLite store in a temp folder. */
export async function sqliteStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'oks-unit-'));
  const store = await openStore({ dataDir: dir });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new PostgreSQL database on the test server, dropped on dispose. */
export async function postgresStore(): Promise<TestStore> {
  const name = `oks_unit_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir: tmpdir() });
  return {
    store,
    async dispose() {
      await store.close();
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Both dialects, so that store-level tests prove the same behaviour on each. */
export const dialects = [
  { name: 'sqlite', open: sqliteStore },
  { name: 'postgres', open: postgresStore },
] as const;

export const fixture = (path: string): Buffer => readFileSync(join(repoRoot, 'test/fixtures', path));
