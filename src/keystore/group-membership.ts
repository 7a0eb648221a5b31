import type { Db } from '../store/entries-repo.js';
import * as groups from '../store/groups-repo.js';
import type { KeystoreRef } from './model.js';

/**
 * An entry made through the SAP API joins the group that holds its alias in another environment of the
 * project, or starts a group named after its alias, so Apinizer's view sees it as a certificate.
 */
export async function joinOrStartGroup(db: Db, ks: KeystoreRef, alias: string, now: number): Promise<number | null> {
  if (ks.keystore !== 'system') return null;
  const started = await groups.startGroupUnlessHeld(db, ks.projectId, alias, now);
  if (started !== undefined) return started;
  const holder = await groups.findGroupHoldingAlias(db, ks.projectId, alias);
  if (holder) return holder.id;
  let name = alias;
  for (let n = 2; await groups.findGroup(db, ks.projectId, name); n++) name = `${alias}-${n}`;
  return groups.insertGroup(db, { project_id: ks.projectId, name, description: '', created_at: now, modified_at: now });
}

export async function removeGroupIfEmpty(db: Db, groupId: number): Promise<void> {
  if (await groups.groupIsEmpty(db, groupId)) await groups.deleteGroup(db, groupId);
}
