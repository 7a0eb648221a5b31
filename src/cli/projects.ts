import { cliActor, iso, parseCommand, print, withContext } from './context.js';
import { UsageError } from './usage.js';

export async function projectsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseCommand(rest, [], { json: { type: 'boolean' } });
    const projects = await withContext((ctx) => ctx.keystore.tenants.listProjects());
    if (values.json) print(JSON.stringify(projects.map((p) => ({ ...p, createdAt: iso(p.createdAt) }))));
    else for (const p of projects) print(`${p.name}\t${p.description}`);
    return 0;
  }
  if (sub === 'create') {
    const { values, positionals } = parseCommand(rest, ['<name>'], { description: { type: 'string' } });
    const [name] = positionals as [string];
    const input = values.description === undefined ? { name } : { name, description: values.description };
    await withContext((ctx) => ctx.keystore.tenants.createProject(input, { name: cliActor() }));
    print(`Project '${name}' created`);
    return 0;
  }
  throw new UsageError(sub ? `unknown projects command '${sub}'` : 'projects needs list or create');
}
