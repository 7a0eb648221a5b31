import { parseCommand, print, withContext } from './context.js';

/** Opening the store runs its pending migrations; this command does only that. */
export async function migrateCommand(args: string[]): Promise<number> {
  parseCommand(args, [], {});
  const location = await withContext(async (ctx) => ctx.store.location);
  print(`Store at ${location} is up to date`);
  return 0;
}
