import type { Db, EntryRow } from './entries-repo.js';
import { entryColumns } from './entries-repo.js';

export interface TruststoreRow extends EntryRow {
  project: string;
  group_name: string;
  group_description: string;
}

/**
 * The certificates of these projects that have an entry in the `system` keystore of an environment of this
 * name: what is deployed to that environment.
 */
export function listEnvironmentMembers(db: Db, environment: string, projectIds: number[]): Promise<TruststoreRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('entries')
    .innerJoin('keystores', 'keystores.id', 'entries.keystore_id')
    .innerJoin('environments', 'environments.id', 'keystores.environment_id')
    .innerJoin('cert_groups', 'cert_groups.id', 'entries.group_id')
    .innerJoin('projects', 'projects.id', 'cert_groups.project_id')
    .select(entryColumns.map((c) => `entries.${c}` as const))
    .select([
      'projects.name as project',
      'cert_groups.name as group_name',
      'cert_groups.description as group_description',
    ])
    .where('keystores.name', '=', 'system')
    .where('environments.name', '=', environment)
    .where('environments.project_id', 'in', projectIds)
    .execute();
}
