// The store of a running test server, opened beside it, for states no CPI request can make (yet): thousands of
// entries at once, or entries of the KeyHistory keystore with their activation data.
import { benchKeystore, seedEntries } from '../../../bench/seed/seed-entries.js';
import type { KeystoreName } from '../../../src/keystore/model.js';
import { putEntry, retrying } from '../../../src/keystore/write-entry.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { openStore, type Store } from '../../../src/store/open.js';
import type { RunningServer } from '../../helpers/server.js';

async function withStore<T>(server: RunningServer, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Writes one entry per certificate (aliases `bench-0000000`, …) into a keystore of default/production. */
export function seedKeystore(server: RunningServer, keystore: KeystoreName, certificates: Buffer[]): Promise<number> {
  return withStore(server, async (store) =>
    seedEntries(store, await benchKeystore(store, 'default', 'production', keystore), certificates),
  );
}

/** Puts an entry with meta (as an activation does for KeyHistory) through the keystore's own write path. */
export function putMetaEntry(
  server: RunningServer,
  keystore: KeystoreName,
  alias: string,
  der: Buffer,
  meta: Record<string, unknown>,
): Promise<void> {
  return withStore(server, async (store) => {
    const ks = await benchKeystore(store, 'default', 'production', keystore);
    const material = {
      kind: 'certificate' as const,
      der,
      facts: parseCertificate(der),
      chainDer: null,
      keyEnc: null,
      meta,
    };
    await retrying(store, (trx) => putEntry(trx, ks, alias, material, { mode: 'create' }, { name: 'activator' }));
  });
}
