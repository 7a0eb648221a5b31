import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/open.js';
import { emptyPostgresDatabase } from './postgres.js';
import { repoRoot } from './server.js';

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
  const db = await emptyPostgresDatabase('oks_unit');
  const store = await openStore({ databaseUrl: db.url, dataDir: tmpdir() });
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
}

/** Both dialects, so that store-level tests prove the same behaviour on each. */
export const dialects = [
  { name: 'sqlite', open: sqliteStore },
  { name: 'postgres', open: postgresStore },
] as const;

export const fixture = (path: string): Buffer => readFileSync(join(repoRoot, 'test/fixtures', path));
