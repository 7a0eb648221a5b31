import { userInfo } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { UsageError } from './usage.js';

/** Opens the store the server would use (migrating it), runs one command on it, and closes it again. */
export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  // Loaded here, not at the top, so that `help` and `--version` don't load the server and the store drivers.
  const { openContext } = await import('./serve.js');
  const ctx = await openContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Who the audit trail names for a change made from the command line. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with exactly `names.length` positionals, named in the error when one is missing. */
export function parseCommand<O extends Options>(args: string[], names: string[], options: O) {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  const { positionals } = parsed;
  if (positionals.length < names.length) throw new UsageError(`missing ${names[positionals.length]}`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument '${positionals[names.length]}'`);
  return { values: parsed.values, positionals: positionals as string[] };
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

export const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
