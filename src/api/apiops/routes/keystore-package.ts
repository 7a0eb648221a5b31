import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { KeystoreEnvironmentInput } from '../../../keystore/apiops-keystores.js';
import { PkiError } from '../../../pki/errors.js';
import { isPassphraseSealed, openWithPassphrase, sealWithPassphrase } from '../../../pki/passphrase-seal.js';
import { projectFor } from '../access.js';
import { principalOf } from '../auth.js';
import { sendDownload } from '../download.js';
import { type DeploymentEnvelope, deploymentEnvelope } from '../envelopes.js';
import { EnvironmentMapping } from '../environment-mapping.js';
import { badRequest } from '../errors.js';
import { FormFields, queryText } from '../form-fields.js';
import { type KeystorePackage, readPackage, writePackage } from '../keystore-package.js';
import { type ApiOpsLimits, zipLimits } from '../limits.js';
import { text } from '../messages.js';
import { readForm } from '../multipart.js';

type ProjectParams = { project: string };
type KeystoreParams = { project: string; name: string };
type Query = Record<string, unknown>;

const PASSPHRASE_HEADER = 'x-apinizer-package-passphrase';
/** A sealed package carries private keys and their passwords: its passphrase must not be trivial. */
const MIN_PASSPHRASE = 8;

/**
 * §3.10 the keystore package: `keystores/{name}/export/?encrypt=` and `keystores/import/`. Plain, it holds the
 * files and what they are, not their passwords; encrypted (`encrypt=true` and the passphrase header), it holds
 * the passwords too, and the whole package is sealed (docs/apiops-keystore-package.md).
 */
export async function keystorePackageRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  limits: ApiOpsLimits,
): Promise<void> {
  const keystores = ctx.keystore.apiopsKeystores;

  app.get<{ Params: KeystoreParams; Querystring: Query }>(
    '/projects/:project/keystores/:name/export',
    async (req, reply) => {
      const encrypt = encryptOption(queryText(req.query, 'encrypt'));
      const passphrase = encrypt ? exportPassphrase(req) : undefined;
      const project = await projectFor(ctx, principalOf(req), req.params.project, 'private');
      const { keystore, files } = await keystores.materials(project.name, req.params.name);
      const pkg: KeystorePackage = {
        name: keystore.name,
        description: keystore.description,
        environments: files.map((f) => ({
          environment: f.environment,
          type: f.type,
          alias: f.alias,
          bytes: f.bytes,
          password: f.password,
        })),
      };
      const zip = writePackage(pkg, passphrase !== undefined, keystore.modifiedAt);
      if (passphrase === undefined) return sendDownload(reply, `${keystore.name}-keystore-package.zip`, zip);
      return sendDownload(reply, `${keystore.name}-keystore-package.zip.enc`, sealWithPassphrase(zip, passphrase));
    },
  );

  app.post<{ Params: ProjectParams; Querystring: Query }>(
    '/projects/:project/keystores/import',
    async (req): Promise<DeploymentEnvelope> => {
      const principal = principalOf(req);
      const fields = new FormFields(await readForm(req, limits, { fileBytes: limits.archiveBytes }), req.query);
      const upload = fields.file('file') ?? fields.file('packageFile');
      if (!upload) throw badRequest(text.emptyValue('file'));
      const mapping = EnvironmentMapping.parse(fields.text('environmentMapping'));
      const passwords = packagePasswords(fields);
      const project = await projectFor(ctx, principal, req.params.project, 'write');
      const pkg = readPackage(unsealed(upload, req), zipLimits(limits));
      const name = fields.text('name') || pkg.name;
      if (name === '') throw badRequest(text.keystoreNameEmpty);
      const environments: KeystoreEnvironmentInput[] = [];
      for (const e of pkg.environments) {
        const target = mapping.target(e.environment);
        if (target?.to === '') continue;
        const password = e.password ?? passwords.byEnvironment.get(e.environment) ?? passwords.all;
        if (password === undefined) throw badRequest(text.packagePassword(e.environment));
        environments.push({
          environment: target?.to ?? e.environment,
          file: e.bytes,
          password,
          alias: e.alias,
          type: e.type,
        });
      }
      const description = fields.has('description') ? fields.text('description') : pkg.description;
      if (environments.length > 0)
        await keystores.write(project.name, name, { description, environments }, { name: principal.name }, 'merge');
      return deploymentEnvelope(
        'deploy',
        environments.map((e) => e.environment),
      );
    },
  );
}

function encryptOption(raw: string): boolean {
  if (raw === '') return false;
  const v = raw.toLowerCase();
  if (v !== 'true' && v !== 'false') throw badRequest(text.badOption('encrypt', ['true', 'false']));
  return v === 'true';
}

function passphraseOf(req: FastifyRequest): string {
  const v = req.headers[PASSPHRASE_HEADER];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function exportPassphrase(req: FastifyRequest): string {
  const passphrase = passphraseOf(req);
  if (passphrase.trim() === '') throw badRequest(text.passphraseMissing);
  if ([...passphrase].length < MIN_PASSPHRASE) throw badRequest(text.passphraseShort(MIN_PASSPHRASE));
  return passphrase;
}

/** A sealed package opened with the header's passphrase; a plain one as it is. */
function unsealed(upload: Buffer, req: FastifyRequest): Buffer {
  if (!isPassphraseSealed(upload)) return upload;
  const passphrase = passphraseOf(req);
  if (passphrase === '') throw badRequest(text.packageEncrypted);
  try {
    return openWithPassphrase(upload, passphrase);
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    if (e.code === 'password') throw badRequest(text.packageWrongPassphrase);
    if (e.code === 'unsupported') throw badRequest(text.packageUnsupported);
    throw badRequest(text.notPackage);
  }
}

/**
 * A plain package's files still need their passwords: `password` for every environment, or `keyStorePasswords`
 * as JSON by the package's environment names (which wins for its environments).
 */
function packagePasswords(fields: FormFields): { all?: string; byEnvironment: Map<string, string> } {
  const byEnvironment = new Map<string, string>();
  const all = fields.raw('password');
  const raw = fields.text('keyStorePasswords');
  if (raw !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest(text.badPasswords);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest(text.badPasswords);
    for (const [env, pw] of Object.entries(parsed)) {
      if (typeof pw !== 'string') throw badRequest(text.badPasswords);
      byEnvironment.set(env, pw);
    }
  }
  return all === undefined ? { byEnvironment } : { all, byEnvironment };
}
