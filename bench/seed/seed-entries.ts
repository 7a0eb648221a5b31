// Fills a keystore with certificate entries straight through the store, for benchmarks and query-plan tests:
//
//   npx tsx bench/seed/seed-entries.ts --count 100000 [--data-dir ./data | --database-url postgres://…]
//                                      [--project default] [--environment production] [--keystore system]
//
// The rows are what an import writes (DER, parsed facts, owner, times, version 1) without its history, audit
// events and group membership, which no read of the keystore looks at. Aliases are `bench-0000000`, … .
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isDomainError } from '../../src/keystore/errors.js';
import { type KeystoreRef, OWNER_TENANT } from '../../src/keystore/model.js';
import { Tenants } from '../../src/keystore/tenants.js';
import { factsToState } from '../../src/keystore/write-entry.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { openStore, type Store } from '../../src/store/open.js';
import type { EntryTable } from '../../src/store/schema.js';
import { cachedCertificates } from './certificates.js';

const ACTOR = 'bench-seed';
/** Rows per INSERT: under PostgreSQL's 65 535 parameters and SQLite's 32 766 variables at 27 columns a row. */
const BATCH = 500;

export const benchAlias = (i: number) => `bench-${String(i).padStart(7, '0')}`;

/** Inserts one entry per certificate into `ks`, in batches inside one transaction. Returns how many it wrote. */
export async function seedEntries(store: Store, ks: KeystoreRef, certificates: Buffer[]): Promise<number> {
  const now = Date.now();
  await store.db.transaction().execute(async (trx) => {
    for (let start = 0; start < certificates.length; start += BATCH) {
      const rows: Omit<EntryTable, 'id'>[] = certificates.slice(start, start + BATCH).map((der, k) => ({
        ...factsToState(der, parseCertificate(der)),
        keystore_id: ks.keystoreId,
        alias: benchAlias(start + k),
        kind: 'certificate',
        owner: OWNER_TENANT,
        group_id: null,
        chain_der: null,
        key_enc: null,
        created_at: now,
        created_by: ACTOR,
        modified_at: now,
        modified_by: ACTOR,
        version: 1,
        meta: null,
      }));
      await trx.insertInto('entries').values(rows).execute();
    }
  });
  return certificates.length;
}

/** The keystore to fill; project and environment are made if the store has none yet (as a first start would). */
export async function benchKeystore(store: Store, project: string, environment: string, keystore: string) {
  const tenants = new Tenants(store);
  const actor = { name: ACTOR };
  const tolerate = async (step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (e) {
      if (!(isDomainError(e) && e.kind === 'AlreadyExists')) throw e;
    }
  };
  await tolerate(() => tenants.createProject({ name: project }, actor));
  await tolerate(() => tenants.createEnvironment(project, { name: environment, type: 'PRODUCTION' }, actor));
  return tenants.keystore(project, environment, keystore);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      'data-dir': { type: 'string', default: process.env.OPENKEYSTORE_DATA_DIR ?? './data' },
      'database-url': { type: 'string', default: process.env.OPENKEYSTORE_DATABASE_URL },
      project: { type: 'string', default: 'default' },
      environment: { type: 'string', default: 'production' },
      keystore: { type: 'string', default: 'system' },
    },
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive whole number`);
  const store = await openStore({ dataDir: values['data-dir'] as string, databaseUrl: values['database-url'] });
  try {
    const ks = await benchKeystore(
      store,
      values.project as string,
      values.environment as string,
      values.keystore as string,
    );
    let t = Date.now();
    const certificates = await cachedCertificates(count);
    process.stdout.write(`${count} certificates ready in ${Date.now() - t} ms\n`);
    t = Date.now();
    await seedEntries(store, ks, certificates);
    process.stdout.write(
      `${count} entries written to ${ks.project}/${ks.environment}/${ks.keystore} of ${store.location} in ${Date.now() - t} ms\n`,
    );
  } finally {
    await store.close();
  }
}

// Run as a script, not when imported by a test or a benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
