import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { type DeploymentEnvelope, deploymentEnvelope, type ListEnvelope, listEnvelope } from '../envelopes.js';
import { keystoreRequest } from '../keystore-body.js';
import { type KeystoreItem, keystoreItem } from '../keystore-mappers.js';
import type { ApiOpsLimits } from '../limits.js';

type ProjectParams = { project: string };
type KeystoreParams = { project: string; name: string };

/**
 * §3.10 keystores: list, get, create, replace and delete, JSON in and out. Files and passwords go in, and
 * come out only through the exports; lists show the entries' public facts.
 */
export async function keystoreRoutes(app: FastifyInstance, ctx: AppContext, limits: ApiOpsLimits): Promise<void> {
  const keystores = ctx.keystore.apiopsKeystores;

  app.get<{ Params: ProjectParams }>(
    '/projects/:project/keystores',
    async (req): Promise<ListEnvelope<KeystoreItem>> => {
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
      return listEnvelope((await keystores.list(project.name)).map(keystoreItem));
    },
  );

  app.get<{ Params: KeystoreParams }>(
    '/projects/:project/keystores/:name',
    async (req): Promise<ListEnvelope<KeystoreItem>> => {
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
      return listEnvelope([keystoreItem(await keystores.get(project.name, req.params.name))]);
    },
  );

  app.post<{ Params: ProjectParams }>('/projects/:project/keystores', async (req): Promise<DeploymentEnvelope> => {
    const principal = principalOf(req);
    const body = keystoreRequest(req.body, 'create', undefined, limits.keystoreFileBytes);
    const project = await projectFor(ctx, principal, req.params.project, 'write');
    const created = await keystores.write(project.name, body.name, body, { name: principal.name }, 'create');
    return deploymentEnvelope(
      'deploy',
      created.environments.map((e) => e.environment),
    );
  });

  // Like a certificate's update: the keystore ends with exactly the listed environments.
  app.put<{ Params: KeystoreParams }>(
    '/projects/:project/keystores/:name',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const body = keystoreRequest(req.body, 'update', req.params.name, limits.keystoreFileBytes);
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const replaced = await keystores.write(project.name, req.params.name, body, { name: principal.name }, 'replace');
      return deploymentEnvelope(
        'deploy',
        replaced.environments.map((e) => e.environment),
      );
    },
  );

  app.delete<{ Params: KeystoreParams }>(
    '/projects/:project/keystores/:name',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const removed = await keystores.delete(project.name, req.params.name, { name: principal.name });
      return deploymentEnvelope(
        'undeploy',
        removed.environments.map((e) => e.environment),
      );
    },
  );
}
