import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { MemberImport } from '../../../keystore/group-import.js';
import { projectFor } from '../access.js';
import { planArchive } from '../archive-plan.js';
import { principalOf } from '../auth.js';
import { certificateName, MAX_CERTIFICATE_NAME } from '../certificate-form.js';
import { type ImportEnvelope, importEnvelope } from '../envelopes.js';
import { EnvironmentMapping } from '../environment-mapping.js';
import { badRequest } from '../errors.js';
import { FormFields } from '../form-fields.js';
import { type ApiOpsLimits, zipLimits } from '../limits.js';
import { text } from '../messages.js';
import { readForm } from '../multipart.js';
import { isZip, readZip } from '../zip-read.js';

type ProjectParams = { project: string };
type Query = Record<string, unknown>;

/**
 * §3.7 `POST …/certificates/import-file/`: one PEM or DER certificate for the listed environments, or the
 * export ZIP of §3.6 whose entries name their environments. Only those environments' entries are replaced.
 */
export async function certificateImportRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  limits: ApiOpsLimits,
): Promise<void> {
  app.post<{ Params: ProjectParams; Querystring: Query }>(
    '/projects/:project/certificates/import-file',
    async (req): Promise<ImportEnvelope> => {
      const principal = principalOf(req);
      // The file may be an archive, so the part may be as large as one; a lone certificate is held to less below.
      const fields = new FormFields(await readForm(req, limits, { fileBytes: limits.archiveBytes }), req.query);
      const name = certificateName(fields);
      const alias = fields.text('alias');
      if (alias === '') throw badRequest(text.emptyValue('alias'));
      const file = fields.file('certificateFile');
      if (!file) throw badRequest(text.emptyValue('certificateFile'));
      if ([...name].length > MAX_CERTIFICATE_NAME)
        throw badRequest(text.valueTooLong('certificateName', MAX_CERTIFICATE_NAME));
      const mapping = EnvironmentMapping.parse(fields.text('environmentMapping'));
      const description = fields.has('certificateDescription') ? fields.text('certificateDescription') : undefined;

      let members: MemberImport[];
      const unresolved: string[] = [];
      if (isZip(file)) {
        const files = readZip(file, zipLimits(limits));
        const project = await projectFor(ctx, principal, req.params.project, 'write');
        const environments = (await ctx.keystore.tenants.listEnvironments(project.name)).map((e) => e.name);
        const plan = planArchive(name, files, mapping, environments);
        if (plan.named === 0) throw badRequest(text.archiveNoMaterial(name));
        members = plan.members;
        unresolved.push(...plan.unresolved);
      } else {
        if (file.length > limits.certificateFileBytes) throw badRequest(text.fileTooLarge);
        const listed = fields.list('environmentList');
        if (listed.length === 0) throw badRequest(text.emptyValue('environmentList'));
        await projectFor(ctx, principal, req.params.project, 'write');
        const targets = new Set<string>();
        for (const env of listed) {
          const mapped = mapping.target(env);
          if (mapped?.to === '') unresolved.push(text.mappedOut(mapped.key));
          else targets.add(mapped?.to ?? env);
        }
        members = [...targets].map((environment) => ({ environment, material: file }));
      }
      // Everything deliberately left out: nothing to write, and nothing refused.
      if (members.length > 0)
        await ctx.keystore.importCertificate(
          req.params.project,
          name,
          { alias, description, members },
          { name: principal.name },
        );
      return importEnvelope(unresolved);
    },
  );
}
