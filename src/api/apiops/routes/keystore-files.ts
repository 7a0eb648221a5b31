import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { KeystoreEnvironmentInput } from '../../../keystore/apiops-keystores.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { MAX_CERTIFICATE_NAME } from '../certificate-form.js';
import { sendDownload } from '../download.js';
import { type DeploymentEnvelope, deploymentEnvelope } from '../envelopes.js';
import { badRequest } from '../errors.js';
import { FormFields, queryText } from '../form-fields.js';
import { keystoreType } from '../keystore-body.js';
import { keystoreFileExtension } from '../keystore-package.js';
import type { ApiOpsLimits } from '../limits.js';
import { text } from '../messages.js';
import { readForm } from '../multipart.js';
import { isZip } from '../zip-read.js';
import { writeZip } from '../zip-write.js';

type ProjectParams = { project: string };
type KeystoreParams = { project: string; name: string };
type Query = Record<string, unknown>;

/**
 * §3.10 `keystores/import-file/` (one JKS or PKCS#12 file for the named environments of a keystore, created
 * when absent) and `keystores/{name}/export-file/` (the original file of one environment, byte for byte, or a
 * ZIP of every environment's). Exports hand out private keys, protected only by the files' own passwords, so
 * they are for the project's admins.
 */
export async function keystoreFileRoutes(app: FastifyInstance, ctx: AppContext, limits: ApiOpsLimits): Promise<void> {
  const keystores = ctx.keystore.apiopsKeystores;

  app.post<{ Params: ProjectParams; Querystring: Query }>(
    '/projects/:project/keystores/import-file',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const fields = new FormFields(await readForm(req, limits, { fileBytes: limits.keystoreFileBytes }), req.query);
      const name = fields.firstText('name', 'keyStoreName');
      if (name === '') throw badRequest(text.keystoreNameEmpty);
      if ([...name].length > MAX_CERTIFICATE_NAME) throw badRequest(text.valueTooLong('name', MAX_CERTIFICATE_NAME));
      const file = fields.file('file') ?? fields.file('keyStoreFile');
      if (!file) throw badRequest(text.emptyValue('file'));
      if (isZip(file)) throw badRequest(text.notOneKeystoreFile);
      const environments = [...new Set([...fields.list('environmentName'), ...fields.list('environmentList')])];
      if (environments.length === 0) throw badRequest(text.emptyValue('environmentName'));
      const type = keystoreType(fields.text('keyStoreType'));
      const alias = fields.has('alias') ? fields.text('alias') : undefined;
      const password = fields.raw('password') ?? '';
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const input = environments.map((environment) => {
        const e: KeystoreEnvironmentInput = { environment, file, password };
        if (type) e.type = type;
        if (alias !== undefined) e.alias = alias;
        return e;
      });
      const description = fields.has('description') ? fields.text('description') : undefined;
      await keystores.write(
        project.name,
        name,
        { description, environments: input },
        { name: principal.name },
        'merge',
      );
      return deploymentEnvelope('deploy', environments);
    },
  );

  const exportFile = async (
    req: FastifyRequest<{ Params: KeystoreParams; Querystring: Query }>,
    reply: FastifyReply,
  ) => {
    const project = await projectFor(ctx, principalOf(req), req.params.project, 'private');
    const only = queryText(req.query, 'environmentName');
    if (only !== '') await ctx.keystore.tenants.getEnvironment(project.name, only);
    const { keystore, files } = await keystores.materials(project.name, req.params.name);
    const fileName = (environment: string, type: Parameters<typeof keystoreFileExtension>[0]) =>
      `${keystore.name}-${environment}${keystoreFileExtension(type)}`;
    if (only !== '') {
      const file = files.find((f) => f.environment === only);
      if (!file) throw badRequest(text.keystoreNoFile(keystore.name, only));
      return sendDownload(reply, fileName(file.environment, file.type), file.bytes);
    }
    const zip = writeZip(
      files.map((f) => ({
        stem: `${keystore.name}-${f.environment}`,
        extension: keystoreFileExtension(f.type),
        bytes: f.bytes,
        modifiedAt: f.modifiedAt,
      })),
    );
    return sendDownload(reply, `${keystore.name}-keystores.zip`, zip);
  };
  app.get('/projects/:project/keystores/:name/export-file', exportFile);
}
