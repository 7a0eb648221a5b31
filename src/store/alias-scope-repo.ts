import type { Db } from './entries-repo.js';

/** The `system` keystore is where Apinizer certificates live; aliases are unique within it (per environment). */
const GROUP_KEYSTORE = 'system';

export interface AliasHolder {
  project: string;
  groupId: number | null;
}

/**
 * Who holds the alias in the `system` keystore of an environment of this name, in the named project or, when
 * `project` is null, in any project but `exceptProject`. One query either way.
 */
export function findAliasHolder(
  db: Db,
  opts: { project: string | null; exceptProject?: string; environment: string; alias: string },
): Promise<AliasHolder | undefined> {
  let q = db
    .selectFrom('entries')
    .innerJoin('keystores', 'keystores.id', 'entries.keystore_id')
    .innerJoin('environments', 'environments.id', 'keystores.environment_id')
    .innerJoin('projects', 'projects.id', 'environments.project_id')
    .select(['projects.name as project', 'entries.group_id as groupId'])
    .where('keystores.name', '=', GROUP_KEYSTORE)
    .where('environments.name', '=', opts.environment)
    .where('entries.alias', '=', opts.alias);
  if (opts.project !== null) q = q.where('projects.name', '=', opts.project);
  if (opts.exceptProject !== undefined) q = q.where('projects.name', '<>', opts.exceptProject);
  return q.limit(1).executeTakeFirst();
}
