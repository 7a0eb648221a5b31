import { cliActor, iso, parseCommand, print, withContext } from './context.js';
import { UsageError } from './usage.js';

export async function environmentsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values, positionals } = parseCommand(rest, ['<project>'], { json: { type: 'boolean' } });
    const envs = await withContext((ctx) => ctx.keystore.tenants.listEnvironments(positionals[0]));
    if (values.json)
      print(
        JSON.stringify(
          envs.map((e) => ({
            project: e.project,
            name: e.name,
            type: e.type,
            description: e.description,
            createdAt: iso(e.createdAt),
          })),
        ),
      );
    else for (const e of envs) print(`${e.name}\t${e.type}\t${e.description}`);
    return 0;
  }
  if (sub === 'create') {
    const { values, positionals } = parseCommand(rest, ['<project>', '<name>'], {
      type: { type: 'string' },
      description: { type: 'string' },
    });
    const [project, name] = positionals as [string, string];
    const env = await withContext((ctx) =>
      ctx.keystore.tenants.createEnvironment(
        project,
        {
          name,
          ...(values.type ? { type: values.type } : {}),
          ...(values.description ? { description: values.description } : {}),
        },
        { name: cliActor() },
      ),
    );
    print(`Environment '${env.name}' (${env.type}) created in project '${project}'`);
    return 0;
  }
  throw new UsageError(sub ? `unknown environments command '${sub}'` : 'environments needs list or create');
}
