// Seeded stores for the benchmarks, made once and copied for every run: a keystore of a million entries takes a
// minute or two to fill, a copy of it seconds. SQLite's template is a database file, PostgreSQL's a template
// database (CREATE DATABASE … TEMPLATE copies its files).
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MIGRATIONS, openStore, type Store } from '../../src/store/open.js';
import type { StoreLocation } from '../lib/openkeystore.js';
import { createDatabase, databaseExists, dropDatabase, renameDatabase } from '../lib/postgres.js';
import { benchKeystore, seedEntries } from './seed-entries.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Raised when templates are made differently: 2, SQLite's are closed with planner statistics, as a served store is. */
const TEMPLATE_FORMAT = '2';

/**
 * Names a template by what it holds: the schema it was made with, the number of entries and which certificates
 * (the first one stands for its set, which one key signed). A build with another migration list gets templates of
 * its own, so an old template is never served under a new schema.
 */
function templateKey(certificates: Buffer[]): string {
  const hash = createHash('sha256').update(MIGRATIONS.join(',')).update(TEMPLATE_FORMAT);
  if (certificates[0]) hash.update(certificates[0]);
  return `${certificates.length}_${hash.digest('hex').slice(0, 10)}`;
}

/** Fills a new store as `seed/seed-entries.ts` does (default/production/system), with planner statistics. */
async function fill(store: Store, certificates: Buffer[]): Promise<void> {
  const ks = await benchKeystore(store, 'default', 'production', 'system');
  await seedEntries(store, ks, certificates);
  // A store in use has statistics (PostgreSQL's autovacuum gathers them soon after a bulk load; SQLite's store
  // gathers them when it closes); a fresh copy measured at once would not, and would be planned as no real store is.
  if (store.dialect === 'postgres') await sql`VACUUM ANALYZE entries`.execute(store.db);
}

async function sqliteTemplate(dir: string, certificates: Buffer[], log: (m: string) => void): Promise<string> {
  const file = join(dir, `sqlite_${templateKey(certificates)}.db`);
  if (existsSync(file)) return file;
  const work = `${file}.making`;
  rmSync(work, { recursive: true, force: true });
  const started = performance.now();
  const store = await openStore({ dataDir: work });
  try {
    await fill(store, certificates);
  } finally {
    // Closing the last connection checkpoints the WAL into the file, so that the one file is the whole store.
    await store.close();
  }
  renameSync(join(work, 'openkeystore.db'), file);
  rmSync(work, { recursive: true, force: true });
  log(`seeded a SQLite store of ${certificates.length} entries in ${Math.round(performance.now() - started)} ms`);
  return file;
}

async function postgresTemplate(certificates: Buffer[], log: (m: string) => void): Promise<string> {
  const name = `oks_bench_tpl_${templateKey(certificates)}`;
  if (await databaseExists(name)) return name;
  const started = performance.now();
  const work = await createDatabase();
  try {
    const store = await openStore({ dataDir: tmpdir(), databaseUrl: work.url });
    try {
      await fill(store, certificates);
    } finally {
      await store.close();
    }
    // Renamed only once complete: a run that was interrupted leaves no half-filled template behind.
    await renameDatabase(work.name, name);
  } catch (e) {
    await dropDatabase(work.name);
    throw e;
  }
  log(`seeded a PostgreSQL store of ${certificates.length} entries in ${Math.round(performance.now() - started)} ms`);
  return name;
}

/**
 * A fresh store whose default/production/system keystore holds one entry per certificate (aliases bench-0000000,
 * …): a copy of a template made once. `dataDir` is the server's data folder (the SQLite file goes there).
 */
export async function seededStore(
  kind: StoreKind,
  certificates: Buffer[],
  cacheDir: string,
  dataDir: string,
  log: (message: string) => void,
): Promise<StoreLocation & { dispose(): Promise<void> }> {
  mkdirSync(dataDir, { recursive: true });
  if (kind === 'sqlite') {
    const dir = join(cacheDir, 'stores');
    mkdirSync(dir, { recursive: true });
    const template = await sqliteTemplate(dir, certificates, log);
    copyFileSync(template, join(dataDir, 'openkeystore.db'), constants.COPYFILE_FICLONE);
    return { dataDir, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const template = await postgresTemplate(certificates, log);
  const copy = await createDatabase(template);
  return { dataDir, databaseUrl: copy.url, dispose: () => dropDatabase(copy.name) };
}
