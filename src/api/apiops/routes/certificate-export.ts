import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { badRequest } from '../errors.js';
import { buildExportArchive } from '../export-zip.js';
import { queryText } from '../form-fields.js';
import { text } from '../messages.js';
import { contentDisposition } from '../safe-name.js';

type CertificateParams = { project: string; name: string };
type ExportRequest = FastifyRequest<{ Params: CertificateParams; Querystring: Record<string, unknown> }>;

/**
 * §3.6, seed 002: the certificate's DER files, one per environment, in a ZIP, as a download. A13: an
 * `environmentName` query limits it to that environment, which must exist in the project.
 */
export async function certificateExportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const exportCertificate = async (req: ExportRequest, reply: FastifyReply) => {
    const project = await projectFor(ctx, principalOf(req), req.params.project, 'read');
    const group = await ctx.keystore.groups.get(project.name, req.params.name);
    let members = group.members;
    const only = queryText(req.query, 'environmentName');
    if (only !== '') {
      const environments = await ctx.keystore.tenants.listEnvironments(project.name);
      if (!environments.some((e) => e.name === only)) throw badRequest(text.environmentNotFound(only));
      members = members.filter((m) => m.environment === only);
    }
    const archive = buildExportArchive(group.name, members);
    const body = Buffer.from(archive.bytes.buffer, archive.bytes.byteOffset, archive.bytes.byteLength);
    return reply
      .code(200)
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', contentDisposition(archive.fileName))
      .header('content-length', body.length)
      .send(body);
  };
  app.get('/projects/:project/certificates/:name/export', exportCertificate);
  // NEW's name for the same download.
  app.get('/projects/:project/certificates/:name/export-file', exportCertificate);
}
