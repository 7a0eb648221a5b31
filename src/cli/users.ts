import { assertRole } from '../auth/rules.js';
import { cliActor, parseCommand, print, withContext } from './context.js';
import { readNewPassword } from './prompt.js';
import { UsageError } from './usage.js';

export async function usersCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values, positionals } = parseCommand(rest, ['<name>'], {
      password: { type: 'string' },
      role: { type: 'string' },
      project: { type: 'string' },
    });
    const [name] = positionals as [string];
    const { role, project } = values;
    if (project !== undefined && role === undefined) throw new UsageError('--project needs --role');
    if (role !== undefined) assertRole(role);
    const password = values.password ?? (await readNewPassword());
    await withContext((ctx) =>
      ctx.auth.createUser(name, password, {
        ...(role !== undefined ? { role, project: project ?? null } : {}),
        actor: cliActor(),
      }),
    );
    const scope = project === undefined ? 'every project' : `project '${project}'`;
    print(`User '${name}' created${role ? ` as ${role} of ${scope}` : ''}`);
    return 0;
  }
  if (sub === 'grant') {
    const { values, positionals } = parseCommand(rest, ['<name>', '<role>'], { project: { type: 'string' } });
    const [name, role] = positionals as [string, string];
    assertRole(role);
    await withContext((ctx) => ctx.auth.grantRole(name, values.project ?? null, role, cliActor()));
    print(
      `User '${name}' is now ${role} of ${values.project === undefined ? 'every project' : `project '${values.project}'`}`,
    );
    return 0;
  }
  if (sub === 'passwd') {
    const { values, positionals } = parseCommand(rest, ['<name>'], { password: { type: 'string' } });
    const [name] = positionals as [string];
    const password = values.password ?? (await readNewPassword());
    await withContext((ctx) => ctx.auth.setPassword(name, password, cliActor()));
    print(`Password of '${name}' changed`);
    return 0;
  }
  throw new UsageError(sub ? `unknown users command '${sub}'` : 'users needs create, grant or passwd');
}
