import { cliActor, note, parseCommand, print, withContext } from './context.js';
import { UsageError } from './usage.js';

export async function clientsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values, positionals } = parseCommand(rest, ['<user>'], { description: { type: 'string' } });
    const [user] = positionals as [string];
    const c = await withContext((ctx) => ctx.auth.createApiClient(user, values.description ?? '', cliActor()));
    // key=value lines, which a shell can read; the secret is shown only now.
    print(`client_id=${c.clientId}`);
    print(`client_secret=${c.clientSecret}`);
    note(`API client for '${user}' created. The secret is shown only this once.`);
    return 0;
  }
  throw new UsageError(sub ? `unknown clients command '${sub}'` : 'clients needs create');
}
