import type { EntryStatus } from '../../../keystore/keystore-files.js';
import type { KeystoreRef } from '../../../keystore/model.js';
import { encodeHexAlias } from '../../../pki/hexalias.js';
import type { Answer, CpiCall } from '../call.js';
import { KEYSTORE_ENTRY } from '../edm.js';
import { keystoreEntryValues, type Values } from '../entities.js';
import { feedAnswer } from '../render.js';
import { selection } from '../selection.js';

/** An alias the keystore doesn't hold (removed, or refused and never stored): only its names and its status. */
function statusOnly(alias: string, status: string): Values {
  const values: Values = {};
  for (const p of KEYSTORE_ENTRY.properties) values[p.name] = null;
  values.Hexalias = encodeHexAlias(alias);
  values.Alias = alias;
  values.Status = status;
  return values;
}

/**
 * The answer of a keystore-wide write (import, backup, restore) with `returnKeystoreEntries`: every entry of the
 * keystore in Alias order, each with its status: SPEC's exact texts (`new`, `changed`, `removed`,
 * `notImported: …`), `unchanged` for the rest. Aliases the keystore no longer or never held are listed with their
 * status only, so the client learns what happened to every alias it sent.
 */
export async function keystoreStatusesAnswer(call: CpiCall, ks: KeystoreRef, statuses: EntryStatus[]): Promise<Answer> {
  const byAlias = new Map(statuses.map((s) => [s.alias, s.status]));
  const stored = await call.ctx.keystore.entries.list(ks);
  const list: Values[] = stored.map((e) => keystoreEntryValues(e, byAlias.get(e.alias) ?? 'unchanged'));
  const held = new Set(stored.map((e) => e.alias));
  // The store's order stays as it is; the others go where their aliases sort among them.
  for (const s of statuses) {
    if (held.has(s.alias)) continue;
    const at = list.findIndex((v) => String(v.Alias) > s.alias);
    list.splice(at < 0 ? list.length : at, 0, statusOnly(s.alias, s.status));
  }
  return feedAnswer(call, call.writeFormat, 'KeystoreEntries', selection(KEYSTORE_ENTRY, undefined), list);
}
