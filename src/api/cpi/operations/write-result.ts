import type { Entry, KeystoreRef } from '../../../keystore/model.js';
import type { Answer, CpiCall } from '../call.js';
import { KEYSTORE_ENTRY } from '../edm.js';
import { type EntryStatus, keystoreEntryValues } from '../entities.js';
import { feedAnswer } from '../render.js';
import { selection } from '../selection.js';

/**
 * §2 "All writes": with `returnKeystoreEntries=true`, every entry of the changed keystore, the affected ones
 * marked `new`, `changed` or `removed` (D20: a deleted entry is listed as removed), in Alias order. SAP answers
 * these in JSON; Atom only when the client asks for it by name.
 */
export async function keystoreEntriesAnswer(
  call: CpiCall,
  ks: KeystoreRef,
  affected: Map<string, EntryStatus>,
  removed: Entry[] = [],
): Promise<Answer> {
  // The store's order stays as it is; a removed entry goes where its alias sorts among them.
  const entries = await call.ctx.keystore.entries.list(ks);
  for (const r of removed) {
    const at = entries.findIndex((e) => e.alias > r.alias);
    entries.splice(at < 0 ? entries.length : at, 0, r);
  }
  const values = entries.map((e) => keystoreEntryValues(e, affected.get(e.alias) ?? 'unchanged'));
  return feedAnswer(call, call.writeFormat, 'KeystoreEntries', selection(KEYSTORE_ENTRY, undefined), values);
}
