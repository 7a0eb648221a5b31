import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { JwkSource } from '../../../keystore/jwks.js';
import type { Jwk } from '../../../pki/jwk.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { sendDownload } from '../download.js';
import { type DeploymentEnvelope, deploymentEnvelope, type ListEnvelope, listEnvelope } from '../envelopes.js';
import { badRequest } from '../errors.js';
import { queryText } from '../form-fields.js';
import { jwkParseRequest, jwkRequest } from '../jwk-body.js';
import { type JwkItem, jwkItem } from '../jwk-mappers.js';
import { text } from '../messages.js';

type ProjectParams = { project: string };
type JwkParams = { project: string; name: string };
type Query = Record<string, unknown>;

/**
 * §3.10 JWKs: list, get, create, replace, delete, export-file/ and the parse-from-certificate and
 * parse-from-keystore previews. Every answer carries public parameters only; private ones leave only through
 * export-file/?publicOnly=false, to an admin of the project, for a JWK made from a key entry (the rule in
 * docs/apiops-keystores-jwks.md).
 */
export async function jwkRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const jwks = ctx.keystore.jwks;
  const environments = (item: { environmentName: string | null }) =>
    item.environmentName ? [item.environmentName] : [];

  app.get<{ Params: ProjectParams }>('/projects/:project/jwks', async (req): Promise<ListEnvelope<JwkItem>> => {
    const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
    return listEnvelope((await jwks.list(project.name)).map(jwkItem));
  });

  app.get<{ Params: JwkParams }>('/projects/:project/jwks/:name', async (req): Promise<ListEnvelope<JwkItem>> => {
    const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
    return listEnvelope([jwkItem(await jwks.get(project.name, req.params.name))]);
  });

  app.post<{ Params: ProjectParams }>('/projects/:project/jwks', async (req): Promise<DeploymentEnvelope> => {
    const principal = principalOf(req);
    const body = jwkRequest(req.body, 'create');
    const project = await projectFor(ctx, principal, req.params.project, 'write');
    const created = await jwks.create(project.name, body.name, body, { name: principal.name });
    return deploymentEnvelope('deploy', environments(created));
  });

  app.put<{ Params: JwkParams }>('/projects/:project/jwks/:name', async (req): Promise<DeploymentEnvelope> => {
    const principal = principalOf(req);
    const body = jwkRequest(req.body, 'update', req.params.name);
    const project = await projectFor(ctx, principal, req.params.project, 'write');
    const updated = await jwks.update(project.name, req.params.name, body, { name: principal.name });
    return deploymentEnvelope('deploy', environments(updated));
  });

  app.delete<{ Params: JwkParams }>('/projects/:project/jwks/:name', async (req): Promise<DeploymentEnvelope> => {
    const principal = principalOf(req);
    const project = await projectFor(ctx, principal, req.params.project, 'write');
    const removed = await jwks.delete(project.name, req.params.name, { name: principal.name });
    return deploymentEnvelope('undeploy', environments(removed));
  });

  // A JWK Set (RFC 7517 §5) of one key, as a download.
  app.get<{ Params: JwkParams; Querystring: Query }>(
    '/projects/:project/jwks/:name/export-file',
    async (req, reply: FastifyReply) => {
      const publicOnly = publicOnlyOption(queryText(req.query, 'publicOnly'));
      const project = await projectFor(ctx, principalOf(req), req.params.project, publicOnly ? 'read' : 'private');
      const jwk = await jwks.export(project.name, req.params.name, !publicOnly);
      return sendDownload(reply, `${req.params.name}-jwk.json`, Buffer.from(JSON.stringify({ keys: [jwk] }, null, 2)));
    },
  );

  const parse =
    (sourceType: JwkSource) =>
    async (req: FastifyRequest<{ Params: ProjectParams }>): Promise<ListEnvelope<Jwk>> => {
      const input = jwkParseRequest(req.body, sourceType);
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'write');
      return listEnvelope([await jwks.preview(project.name, input)]);
    };
  app.post('/projects/:project/jwks/parse-from-certificate', parse('CERTIFICATE'));
  app.post('/projects/:project/jwks/parse-from-keystore', parse('KEYSTORE'));
}

function publicOnlyOption(raw: string): boolean {
  if (raw === '') return true;
  const v = raw.toLowerCase();
  if (v !== 'true' && v !== 'false') throw badRequest(text.badOption('publicOnly', ['true', 'false']));
  return v === 'true';
}
