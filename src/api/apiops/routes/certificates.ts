import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { certificateForm, newCertificateForm } from '../certificate-form.js';
import { type DeploymentEnvelope, deploymentEnvelope, type ListEnvelope, listEnvelope } from '../envelopes.js';
import { FormFields } from '../form-fields.js';
import { deleteOptions, updateOptions } from '../jwk-options.js';
import type { ApiOpsLimits } from '../limits.js';
import { type CertificateItem, certificateItem } from '../mappers.js';
import { readForm } from '../multipart.js';

type ProjectParams = { project: string };
type CertificateParams = { project: string; name: string };
type Query = Record<string, unknown>;

/** §3.2–§3.5: list, get, create, replace and delete Apinizer certificates (the keystore's groups). */
export async function certificateRoutes(app: FastifyInstance, ctx: AppContext, limits: ApiOpsLimits): Promise<void> {
  const groups = ctx.keystore.groups;
  const fileLimit = { fileBytes: limits.certificateFileBytes };

  app.get<{ Params: ProjectParams }>(
    '/projects/:project/certificates',
    async (req): Promise<ListEnvelope<CertificateItem>> => {
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
      return listEnvelope((await groups.list(project.name)).map(certificateItem));
    },
  );

  // §3.2: a get answers a list of one.
  app.get<{ Params: CertificateParams }>(
    '/projects/:project/certificates/:name',
    async (req): Promise<ListEnvelope<CertificateItem>> => {
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
      return listEnvelope([certificateItem(await groups.get(project.name, req.params.name))]);
    },
  );

  app.post<{ Params: ProjectParams; Querystring: Query }>(
    '/projects/:project/certificates',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const form = newCertificateForm(new FormFields(await readForm(req, limits, fileLimit), req.query));
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const created = await groups.create(project.name, form.name, form, { name: principal.name });
      return deploymentEnvelope(
        'deploy',
        created.members.map((m) => m.environment),
      );
    },
  );

  // §3.4 / A11: the certificate is replaced whole and ends with exactly the listed environments.
  app.put<{ Params: CertificateParams; Querystring: Query }>(
    '/projects/:project/certificates/:name',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const form = certificateForm(new FormFields(await readForm(req, limits, fileLimit), req.query));
      const options = updateOptions(req.query);
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const actor = { name: principal.name };
      const replaced = await groups.replace(project.name, req.params.name, form, actor, (trx, group, now) =>
        ctx.keystore.jwks.followCertificate(
          trx,
          project.name,
          group.name,
          { kind: 'update', action: options.jwkUpdateAction, scope: options.updateScope, group },
          actor,
          now,
        ),
      );
      return deploymentEnvelope(
        'deploy',
        replaced.members.map((m) => m.environment),
      );
    },
  );

  // §3.5: the answer lists the environments the certificate was removed from.
  app.delete<{ Params: CertificateParams; Querystring: Query }>(
    '/projects/:project/certificates/:name',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const options = deleteOptions(req.query);
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const actor = { name: principal.name };
      const removed = await groups.delete(project.name, req.params.name, actor, (trx, group, now) =>
        ctx.keystore.jwks.followCertificate(
          trx,
          project.name,
          group.name,
          { kind: 'delete', action: options.jwkDeleteAction },
          actor,
          now,
        ),
      );
      return deploymentEnvelope(
        'undeploy',
        removed.members.map((m) => m.environment),
      );
    },
  );
}
