import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.js';
import { isDomainError } from './keystore/errors.js';

const ACTOR = { name: 'bootstrap' };

/**
 * Several servers may start at once on one PostgreSQL database. Each step is a plain insert guarded by a
 * unique constraint; the server that loses a race gets AlreadyExists and carries on with what the winner made.
 */
async function tolerateExisting(step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (e) {
    if (isDomainError(e) && e.kind === 'AlreadyExists') return false;
    throw e;
  }
}

/**
 * First start: project `default` with environment `production`, and an admin user bound as admin of every
 * project. The admin comes from the configuration, or is `admin` with a random password returned once.
 *
 * Later starts: when a password is configured and its user is missing (a new admin for an existing store),
 * that user is created. An existing user's password is never changed here. A store that has projects but
 * no user at all (projects made with the CLI before the first `serve`) still gets its admin, or no one could
 * ever sign in.
 */
export async function bootstrap(ctx: AppContext): Promise<{ adminUser: string; generatedPassword?: string }> {
  const { auth, config } = ctx;
  const { tenants } = ctx.keystore;
  const adminUser = config.adminUser;
  const hasUsers = await auth.hasUsers();
  const hasProjects = (await tenants.listProjects()).length > 0;

  if (!hasUsers && !hasProjects) {
    await tolerateExisting(() =>
      tenants.createProject({ name: 'default', description: 'Created on first start' }, ACTOR),
    );
    await tolerateExisting(() =>
      tenants.createEnvironment('default', { name: 'production', type: 'PRODUCTION', description: '' }, ACTOR),
    );
  }

  const wanted = !hasUsers || (config.adminPassword !== undefined && !(await auth.userExists(adminUser)));
  if (!wanted) return { adminUser };

  const generatedPassword = config.adminPassword === undefined ? randomBytes(18).toString('base64url') : undefined;
  const password = config.adminPassword ?? generatedPassword!;
  const created = await tolerateExisting(() =>
    auth.createUser(adminUser, password, { role: 'admin', project: null, actor: ACTOR.name }),
  );
  // A loser of the race did not create the user, so its password is not the one that counts.
  return created && generatedPassword ? { adminUser, generatedPassword } : { adminUser };
}
