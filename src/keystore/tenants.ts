import { insertAudit } from '../store/entries-repo.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Store } from '../store/open.js';
import { ReadCache } from '../store/read-cache.js';
import * as repo from '../store/tenants-repo.js';
import { alreadyExists, DomainError, invalid, notFound } from './errors.js';
import { KeystorePaths } from './keystore-paths.js';
import {
  type Actor,
  ENVIRONMENT_TYPES,
  type Environment,
  type EnvironmentType,
  KEYSTORE_NAMES,
  type KeystoreRef,
  type Project,
} from './model.js';

const NAME = /^[^\u0000-\u001f\u007f/\\]{1,200}$/;

function assertName(kind: 'project' | 'environment', name: string): void {
  if (!NAME.test(name) || name.trim() !== name)
    throw invalid(
      `The ${kind} name must be 1 to 200 characters, without slashes, control characters or surrounding spaces`,
      { type: kind, name },
    );
}

const toProject = (r: repo.ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
});

const toEnvironment = (r: repo.EnvironmentRow): Environment => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  type: r.type as EnvironmentType,
  description: r.description,
  createdAt: r.created_at,
});

export class Tenants {
  private readonly paths = new KeystorePaths();

  /** Projects by name, asked by every Apinizer and REST request, kept while the store is unchanged. */
  private readonly projects: ReadCache<string, repo.ProjectRow | undefined>;

  constructor(private readonly store: Store) {
    this.projects = new ReadCache(store, 1000);
  }

  async listProjects(): Promise<Project[]> {
    return (await repo.listProjects(this.store.db)).map(toProject);
  }

  async getProject(name: string): Promise<Project> {
    // PostgreSQL can't hold NUL in text, so such a name can't exist; asking would fail in the driver.
    const p = name.includes('\u0000')
      ? undefined
      : await this.projects.get(name, () => repo.findProject(this.store.db, name));
    if (!p) throw notFound('project', name, `Project '${name}' not found`);
    return toProject(p);
  }

  async createProject(input: { name: string; description?: string }, actor: Actor): Promise<Project> {
    assertName('project', input.name);
    const now = Date.now();
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const row = { name: input.name, description: input.description ?? '', created_at: now };
        const id = await repo.insertProject(trx, row);
        await insertAudit(trx, { at: now, actor: actor.name, action: 'project.create', project: input.name });
        return toProject({ id, ...row });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyExists('project', input.name, `Project '${input.name}' already exists`);
      throw e;
    }
  }

  async listEnvironments(project?: string): Promise<(Environment & { project: string })[]> {
    const projects = await repo.listProjects(this.store.db);
    const names = new Map(projects.map((p) => [p.id, p.name]));
    let projectId: number | undefined;
    if (project !== undefined) {
      projectId = projects.find((p) => p.name === project)?.id;
      if (projectId === undefined) throw notFound('project', project, `Project '${project}' not found`);
    }
    const rows = await repo.listEnvironments(this.store.db, projectId);
    return rows.map((r) => ({ ...toEnvironment(r), project: names.get(r.project_id) ?? '' }));
  }

  async getEnvironment(project: string, name: string): Promise<Environment> {
    const p = await this.getProject(project);
    const e = name.includes('\u0000') ? undefined : await repo.findEnvironment(this.store.db, p.id, name);
    if (!e) throw notFound('environment', name, `Environment '${name}' not found in project '${project}'`);
    return toEnvironment(e);
  }

  /** An environment comes with SAP's four keystores, so every face finds them. */
  async createEnvironment(
    project: string,
    input: { name: string; type?: string; description?: string },
    actor: Actor,
  ): Promise<Environment> {
    assertName('environment', input.name);
    const type = (input.type ?? 'TEST').toUpperCase();
    if (!(ENVIRONMENT_TYPES as readonly string[]).includes(type))
      throw invalid(`The environment type must be one of ${ENVIRONMENT_TYPES.join(', ')}`, {
        type: 'environment',
        name: input.name,
      });
    const p = await this.getProject(project);
    const now = Date.now();
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const row = {
          project_id: p.id,
          name: input.name,
          type,
          description: input.description ?? '',
          created_at: now,
        };
        const id = await repo.insertEnvironment(trx, row);
        for (const name of KEYSTORE_NAMES)
          await repo.insertKeystore(trx, { environment_id: id, name, modified_at: now, modified_by: actor.name });
        await insertAudit(trx, {
          at: now,
          actor: actor.name,
          action: 'environment.create',
          project,
          environment: input.name,
        });
        return toEnvironment({ id, ...row });
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw alreadyExists(
          'environment',
          input.name,
          `Environment '${input.name}' already exists in project '${project}'`,
        );
      throw e;
    }
  }

  /**
   * Resolves names to a keystore; the error says which of the three names is unknown. Every SAP request asks, and
   * the join behind it was the largest part of an export's cost, so found paths are remembered (KeystorePaths).
   */
  async keystore(project: string, environment: string, keystore = 'system'): Promise<KeystoreRef> {
    const known = this.paths.get(project, environment, keystore);
    if (known) return known;
    const nul = [project, environment, keystore].some((s) => s.includes('\u0000'));
    const path = nul ? undefined : await repo.findKeystorePath(this.store.db, project, environment, keystore);
    if (path) {
      const ref: KeystoreRef = {
        projectId: path.project_id,
        project: path.project,
        environmentId: path.environment_id,
        environment: path.environment,
        keystoreId: path.keystore_id,
        keystore: path.keystore,
      };
      this.paths.remember(ref);
      return ref;
    }
    const env = await this.getEnvironment(project, environment);
    throw new DomainError('NotFound', `Keystore '${keystore}' not found in environment '${env.name}'`, {
      type: 'keystore',
      name: keystore,
    });
  }
}
