import { countEntries } from '../store/entries-repo.js';
import type { Store } from '../store/open.js';
import { findKeystore } from '../store/tenants-repo.js';
import { notFound } from './errors.js';
import type { KeystoreRef } from './model.js';

/** What a keystore shows of itself: its last change (every entry write stamps it) and how many entries it holds. */
export interface KeystoreInfo {
  name: string;
  modifiedAt: number;
  modifiedBy: string;
  size: number;
}

/** Reads a keystore's own row and counts its entries with one COUNT query; no entry is loaded. */
export async function keystoreInfo(store: Store, ks: KeystoreRef): Promise<KeystoreInfo> {
  const [row, size] = await Promise.all([
    findKeystore(store.db, ks.environmentId, ks.keystore),
    countEntries(store.db, ks.keystoreId),
  ]);
  if (!row) throw notFound('keystore', ks.keystore, `Keystore '${ks.keystore}' not found`);
  return { name: row.name, modifiedAt: row.modified_at, modifiedBy: row.modified_by, size };
}
