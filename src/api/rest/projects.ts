import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Environment, Project } from '../../keystore/model.js';
import { principalOf, requireGlobal, requireProject } from './auth.js';
import {
  CreateEnvironmentBody,
  CreateProjectBody,
  EnvironmentList,
  Environment as EnvironmentSchema,
  ErrorResponse,
  ProjectList,
  ProjectParams,
  Project as ProjectSchema,
} from './schemas.js';

const renderProject = (p: Project) => ({
  name: p.name,
  description: p.description,
  createdAt: new Date(p.createdAt).toISOString(),
});

const renderEnvironment = (project: string, e: Environment) => ({
  project,
  name: e.name,
  type: e.type,
  description: e.description,
  createdAt: new Date(e.createdAt).toISOString(),
});

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/**
 * Body validation is attached rather than answered at once, so that a caller without the right learns
 * that (403) before learning what is wrong with its body (400).
 */
function rejectInvalidBody(req: FastifyRequest): void {
  if (req.validationError) throw req.validationError;
}

export function projectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const actor = (req: FastifyRequest) => ({ name: principalOf(req).name });

  app.get('/projects', { schema: { response: { 200: ProjectList, ...errors } } }, async (req) => {
    const bindings = await ctx.auth.bindings(principalOf(req));
    const all = await ctx.keystore.tenants.listProjects();
    const everywhere = bindings.some((b) => b.projectId === null);
    const visible = everywhere ? all : all.filter((p) => bindings.some((b) => b.projectId === p.id));
    return { items: visible.map(renderProject) };
  });

  app.post(
    '/projects',
    { attachValidation: true, schema: { body: CreateProjectBody, response: { 201: ProjectSchema, ...errors } } },
    async (req, reply) => {
      await requireGlobal(ctx, req, 'admin', 'create projects');
      rejectInvalidBody(req);
      const body = req.body as CreateProjectBody;
      const p = await ctx.keystore.tenants.createProject(body, actor(req));
      return reply.code(201).send(renderProject(p));
    },
  );

  app.get(
    '/projects/:project',
    { schema: { params: ProjectParams, response: { 200: ProjectSchema, ...errors } } },
    async (req) => {
      const { project } = req.params as ProjectParams;
      return renderProject(await requireProject(ctx, req, project, 'viewer', 'read it'));
    },
  );

  app.get(
    '/projects/:project/environments',
    { schema: { params: ProjectParams, response: { 200: EnvironmentList, ...errors } } },
    async (req) => {
      const { project } = req.params as ProjectParams;
      const p = await requireProject(ctx, req, project, 'viewer', 'list its environments');
      const envs = await ctx.keystore.tenants.listEnvironments(p.name);
      return { items: envs.map((e) => renderEnvironment(p.name, e)) };
    },
  );

  app.post(
    '/projects/:project/environments',
    {
      attachValidation: true,
      schema: { params: ProjectParams, body: CreateEnvironmentBody, response: { 201: EnvironmentSchema, ...errors } },
    },
    async (req, reply) => {
      const { project } = req.params as ProjectParams;
      const p = await requireProject(ctx, req, project, 'admin', 'create environments in it');
      rejectInvalidBody(req);
      const body = req.body as CreateEnvironmentBody;
      const env = await ctx.keystore.tenants.createEnvironment(p.name, body, actor(req));
      return reply.code(201).send(renderEnvironment(p.name, env));
    },
  );
}
