import type { Store } from '../store/open.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { listEnvironmentMembers } from '../store/truststore-repo.js';
import { GLOBAL_PROJECT } from './alias-scope.js';
import { type Entry, type Project, toEntry } from './model.js';

/** One certificate deployed to an environment, with the certificate (group) it belongs to. */
export interface TruststoreMember {
  project: string;
  name: string;
  description: string;
  environment: string;
  entry: Entry;
}

/**
 * A truststore is not a stored object (§3.8): it is what the certificates of a set of projects have deployed
 * to an environment of a given name. Which projects count is the caller's business (A17 and the global
 * project); this only reads.
 */
export class Truststores {
  constructor(private readonly store: Store) {}

  async members(environment: string, projects: readonly Project[]): Promise<TruststoreMember[]> {
    const rows = await listEnvironmentMembers(
      this.store.db,
      environment,
      projects.map((p) => p.id),
    );
    // Sorted here, not in SQL: PostgreSQL's collation would order names differently from SQLite's.
    const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort((a, b) => byCodePoint(a.project, b.project) || byCodePoint(a.group_name, b.group_name) || a.id - b.id);
    return rows.map((r) => ({
      project: r.project,
      name: r.group_name,
      description: r.group_description,
      environment,
      entry: toEntry(r),
    }));
  }

  /** Which of these projects have an environment of this name. */
  async projectsWithEnvironment(environment: string, projects: readonly Project[]): Promise<Project[]> {
    const out: Project[] = [];
    for (const p of projects) if (await tenantsRepo.findEnvironment(this.store.db, p.id, environment)) out.push(p);
    return out;
  }

  /** The global project when it exists: its certificates are part of every project's truststore. */
  async globalProject(): Promise<Project | undefined> {
    const p = await tenantsRepo.findProject(this.store.db, GLOBAL_PROJECT);
    return p ? { id: p.id, name: p.name, description: p.description, createdAt: p.created_at } : undefined;
  }
}
