import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { GLOBAL_PROJECT } from '../../../keystore/alias-scope.js';
import { isDomainError } from '../../../keystore/errors.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { readBundle } from '../bundle-read.js';
import { MAX_CERTIFICATE_NAME } from '../certificate-form.js';
import { fromDomainError } from '../domain-errors.js';
import { sendDownload } from '../download.js';
import { type ListEnvelope, listEnvelope } from '../envelopes.js';
import { badRequest } from '../errors.js';
import { FormFields } from '../form-fields.js';
import { type ApiOpsLimits, zipLimits } from '../limits.js';
import { type CertificateItem, certificateEnvironmentItem } from '../mappers.js';
import { text } from '../messages.js';
import { readForm } from '../multipart.js';
import { environmentParam, truststoreMembers, truststoreScope } from '../truststore-scope.js';
import { buildTruststoreArchive, truststoreFileName } from '../truststore-zip.js';

type EnvParams = { project: string; env?: string };
type Query = Record<string, unknown>;

/** §3.8 import answer: the names imported, and why the others were not. */
interface BundleEnvelope extends ListEnvelope<string> {
  unresolvedReferences?: string[];
}

/** §3.8: an environment's truststore (what the certificates deploy to it), listed, exported and imported. */
export async function truststoreRoutes(app: FastifyInstance, ctx: AppContext, limits: ApiOpsLimits): Promise<void> {
  // A17: the list is the admin project's; it holds every certificate in scope with an entry for {env}.
  const list = async (req: FastifyRequest<{ Params: EnvParams }>): Promise<ListEnvelope<CertificateItem>> => {
    const env = environmentParam(req.params.env);
    const principal = principalOf(req);
    const project = await projectFor(ctx, principal, req.params.project, 'read');
    if (project.name !== GLOBAL_PROJECT) throw badRequest(text.truststoreAdminOnly);
    const members = await truststoreMembers(ctx, env, await truststoreScope(ctx, principal, project, env));
    return listEnvelope(
      members.map((m) => ({
        name: m.name,
        description: m.description,
        certificateEnvironmentList: [certificateEnvironmentItem(m)],
      })),
    );
  };
  app.get<{ Params: EnvParams }>('/projects/:project/certificates/truststore/:env', list);
  app.get<{ Params: EnvParams }>('/projects/:project/certificates/truststore', list);

  // Trusted certificates only: a key pair's entry is someone's identity, not an anchor to trust.
  const exportFile = async (req: FastifyRequest<{ Params: EnvParams }>, reply: FastifyReply) => {
    const env = environmentParam(req.params.env);
    const principal = principalOf(req);
    const project = await projectFor(ctx, principal, req.params.project, 'read');
    const members = await truststoreMembers(ctx, env, await truststoreScope(ctx, principal, project, env));
    if (members.length === 0) throw badRequest(text.truststoreEmpty(env));
    const trusted = members.filter((m) => m.entry.kind === 'certificate');
    if (trusted.length === 0) throw badRequest(text.truststoreNothingExportable(env, members.length));
    return sendDownload(reply, truststoreFileName(env), buildTruststoreArchive(trusted));
  };
  app.get<{ Params: EnvParams }>('/projects/:project/certificates/truststore/:env/export-file', exportFile);
  app.get<{ Params: EnvParams }>('/projects/:project/certificates/truststore/export-file', exportFile);

  /**
   * Each file becomes a certificate named and aliased `{namePrefix}{file name without extension}` in this
   * project; an existing one has only this environment's entry replaced. Files succeed or fail one by one;
   * the call fails only when none could be imported, and then nothing was written.
   */
  const importFile = async (
    req: FastifyRequest<{ Params: EnvParams; Querystring: Query }>,
  ): Promise<BundleEnvelope> => {
    const env = environmentParam(req.params.env);
    const principal = principalOf(req);
    const fields = new FormFields(await readForm(req, limits, { fileBytes: limits.archiveBytes }), req.query);
    const project = await projectFor(ctx, principal, req.params.project, 'write');
    const upload = fields.upload('truststoreFile');
    if (!upload) throw badRequest(text.bundleEmpty);
    const files = readBundle(upload, zipLimits(limits));
    await ctx.keystore.tenants.getEnvironment(project.name, env);
    const prefix = fields.text('namePrefix');
    const imported: string[] = [];
    const reasons: string[] = [];
    for (const f of files) {
      const name = `${prefix}${f.stem}`;
      const reason = await importOne(ctx, project.name, env, name, f.data, principal.name);
      if (reason === undefined) imported.push(name);
      else reasons.push(text.bundleFileFailed(name, reason));
    }
    if (imported.length === 0) throw badRequest(text.bundleNothingImported(reasons));
    const answer: BundleEnvelope = listEnvelope(imported);
    if (reasons.length > 0) answer.unresolvedReferences = reasons;
    return answer;
  };
  app.post<{ Params: EnvParams; Querystring: Query }>(
    '/projects/:project/certificates/truststore/:env/import-file',
    importFile,
  );
  app.post<{ Params: EnvParams; Querystring: Query }>(
    '/projects/:project/certificates/truststore/import-file',
    importFile,
  );
}

/** One file of a bundle, in its own transaction; the reason it was refused, or undefined when imported. */
async function importOne(
  ctx: AppContext,
  project: string,
  environment: string,
  name: string,
  data: Buffer,
  actor: string,
): Promise<string | undefined> {
  if (data.length === 0) return 'Could not parse certificate: empty input';
  if (name.trim() === '') return text.emptyValue('certificateName');
  if ([...name].length > MAX_CERTIFICATE_NAME) return text.valueTooLong('certificateName', MAX_CERTIFICATE_NAME);
  try {
    await ctx.keystore.importCertificate(
      project,
      name,
      { alias: name, description: undefined, members: [{ environment, material: data }] },
      { name: actor },
    );
    return undefined;
  } catch (e) {
    const known = fromDomainError(e);
    if (!known) throw e;
    if (isDomainError(e) && e.kind === 'Unsupported') return `Could not parse certificate: ${e.message}`;
    return known.description;
  }
}
