import type { Principal } from '../../auth/service.js';
import type { AppContext } from '../../context.js';
import { GLOBAL_PROJECT } from '../../keystore/alias-scope.js';
import type { Project } from '../../keystore/model.js';
import type { TruststoreMember } from '../../keystore/truststore.js';
import { visibleProjects } from './access.js';
import { badRequest } from './errors.js';
import { text } from './messages.js';

/**
 * Whose certificates make up an environment's truststore, seen from a project. From `admin` (A17): every
 * project the caller may see. From any other project: its own, plus those of the global project `admin`,
 * whose certificates are defined for every project (§1.1), visible to the caller or not. The environment must
 * exist in the project, or, from `admin`, in one of the projects in scope.
 */
export async function truststoreScope(
  ctx: AppContext,
  principal: Principal,
  project: Project,
  environment: string,
): Promise<Project[]> {
  const truststores = ctx.keystore.truststores;
  if (project.name === GLOBAL_PROJECT) {
    const scope = await truststores.projectsWithEnvironment(environment, await visibleProjects(ctx, principal));
    if (scope.length === 0) throw badRequest(text.environmentNotFound(environment));
    return scope;
  }
  const [own] = await truststores.projectsWithEnvironment(environment, [project]);
  if (!own) throw badRequest(text.environmentNotFound(environment));
  const global = await truststores.globalProject();
  return global ? [own, global] : [own];
}

export const truststoreMembers = (
  ctx: AppContext,
  environment: string,
  scope: Project[],
): Promise<TruststoreMember[]> => ctx.keystore.truststores.members(environment, scope);

/** The `{env}` of a truststore path, which must not be blank. */
export function environmentParam(raw: string | undefined): string {
  const env = (raw ?? '').trim();
  if (env === '') throw badRequest(text.emptyValue('environmentName'));
  return env;
}
