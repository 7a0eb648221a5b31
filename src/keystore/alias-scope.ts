import { findAliasHolder } from '../store/alias-scope-repo.js';
import type { Db } from '../store/entries-repo.js';
import * as repo from '../store/entries-repo.js';
import { DomainError } from './errors.js';

/** Apinizer's global project: its certificates are defined for every project (reference §1.1, A19). */
export const GLOBAL_PROJECT = 'admin';

export const aliasInUse = (alias: string) =>
  new DomainError('Conflict', `Alias '${alias}' is already used for another certificate`, {
    type: 'alias',
    name: alias,
  });

export interface AliasTarget {
  project: string;
  environment: string;
  keystoreId: number;
  alias: string;
  /** The certificate being written: its own entries don't conflict with it. */
  groupId: number | undefined;
}

/**
 * A19: an alias is unique per (project, environment), and the certificates of project `admin` count against
 * every project: an alias held in `admin`'s environment of the same name conflicts, and a write in `admin`
 * conflicts with the alias in any project's environment of that name.
 */
export async function assertAliasFree(db: Db, t: AliasTarget): Promise<void> {
  const holder = await repo.findEntry(db, t.keystoreId, t.alias);
  if (holder && (t.groupId === undefined || holder.group_id !== t.groupId)) throw aliasInUse(t.alias);
  const elsewhere =
    t.project === GLOBAL_PROJECT
      ? await findAliasHolder(db, {
          project: null,
          exceptProject: GLOBAL_PROJECT,
          environment: t.environment,
          alias: t.alias,
        })
      : await findAliasHolder(db, { project: GLOBAL_PROJECT, environment: t.environment, alias: t.alias });
  if (elsewhere) throw aliasInUse(t.alias);
}
