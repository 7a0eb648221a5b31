import { cliActor, iso, note, parseCommand, print, withContext } from './context.js';
import { UsageError } from './usage.js';

function parseTtl(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--ttl takes a number of seconds, not '${raw}'`);
  return Number(raw);
}

export async function tokensCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values, positionals } = parseCommand(rest, ['<user>'], {
      name: { type: 'string' },
      ttl: { type: 'string' },
    });
    const [user] = positionals as [string];
    const ttl = parseTtl(values.ttl);
    // The default name is unique to the millisecond, since a user's token names must differ.
    const name = values.name ?? `cli-${new Date().toISOString()}`;
    const t = await withContext((ctx) => ctx.auth.createPersonalToken(user, name, ttl, cliActor()));
    // The token alone on stdout, so TOKEN=$(openkeystore tokens create bob) works; the rest on stderr.
    print(t.token);
    note(`Token '${name}' for '${user}', expires ${iso(t.expiresAt)}. It is shown only this once.`);
    return 0;
  }
  if (sub === 'list') {
    const { values, positionals } = parseCommand(rest, ['<user>'], { json: { type: 'boolean' } });
    const tokens = await withContext((ctx) => ctx.auth.listPersonalTokens(positionals[0]!));
    const rows = tokens.map((t) => ({ name: t.name, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt) }));
    if (values.json) print(JSON.stringify(rows));
    else for (const r of rows) print(`${r.name}\t${r.createdAt}\t${r.expiresAt}`);
    return 0;
  }
  if (sub === 'revoke') {
    const { positionals } = parseCommand(rest, ['<user>', '<name>'], {});
    const [user, name] = positionals as [string, string];
    await withContext((ctx) => ctx.auth.revokePersonalToken(user, name, cliActor()));
    print(`Token '${name}' of '${user}' revoked`);
    return 0;
  }
  throw new UsageError(sub ? `unknown tokens command '${sub}'` : 'tokens needs create, list or revoke');
}
