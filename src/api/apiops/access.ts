import type { Principal } from '../../auth/service.js';
import type { AppContext } from '../../context.js';
import { isDomainError } from '../../keystore/errors.js';
import type { Project } from '../../keystore/model.js';
import { badRequest } from './errors.js';
import { text } from './messages.js';

/** read: any role; write: editor (Apinizer's SECRETS + MANAGE); private: admin, who may take key material away. */
export type Need = 'read' | 'write' | 'private';

/**
 * A5: a project that does not exist and one the caller may not see answer alike, so the answer does not tell
 * which projects exist. Seeing it but lacking the right to write gets the permission text.
 */
export async function projectFor(ctx: AppContext, principal: Principal, name: string, need: Need): Promise<Project> {
  let project: Project;
  try {
    project = await ctx.keystore.tenants.getProject(name);
  } catch (e) {
    if (isDomainError(e) && e.kind === 'NotFound') throw badRequest(text.projectNotFound(name));
    throw e;
  }
  if (!(await ctx.auth.can(principal, project.id, 'viewer'))) throw badRequest(text.projectNotFound(name));
  if (need === 'write' && !(await ctx.auth.can(principal, project.id, 'editor'))) throw badRequest(text.noPermission);
  if (need === 'private' && !(await ctx.auth.can(principal, project.id, 'admin'))) throw badRequest(text.noPermission);
  return project;
}

/**
 * The projects the caller may see, for the lists that span projects: every role is at least a viewer, so a
 * binding for the project, or one for every project, is enough. One query, not one per project.
 */
export async function visibleProjects(ctx: AppContext, principal: Principal): Promise<Project[]> {
  const bindings = await ctx.auth.bindings(principal);
  const all = await ctx.keystore.tenants.listProjects();
  if (bindings.some((b) => b.projectId === null)) return all;
  const ids = new Set(bindings.map((b) => b.projectId));
  return all.filter((p) => ids.has(p.id));
}
