import { readFileSync } from 'node:fs';
import { isDomainError } from '../keystore/errors.js';
import { parseCommand } from './context.js';
import { USAGE, UsageError } from './usage.js';

type Command = (args: string[]) => Promise<number>;

// Each command's module is loaded only when it runs, so `help` stays instant and needs no store driver.
const commands: Record<string, () => Promise<Command>> = {
  projects: async () => (await import('./projects.js')).projectsCommand,
  environments: async () => (await import('./environments.js')).environmentsCommand,
  users: async () => (await import('./users.js')).usersCommand,
  tokens: async () => (await import('./tokens.js')).tokensCommand,
  clients: async () => (await import('./clients.js')).clientsCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  backup: async () => (await import('./backup.js')).backupCommand,
  restore: async () => (await import('./restore.js')).restoreCommand,
  check: async () => (await import('./check.js')).checkCommand,
};

function version(): string {
  // src/cli and dist/cli are both two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** node:util parseArgs reports unknown options and missing values as errors with an ERR_PARSE_ARGS_* code. */
function isParseArgsError(e: unknown): e is Error {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * The command line. Returns the exit code, or undefined for `serve`, which keeps running. Mistakes in the
 * command line exit with 2, refusals of the store (unknown user, existing project, …) with 1; neither
 * prints a stack trace.
 */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const [command, ...args] = argv;
  try {
    if (command === undefined) {
      process.stderr.write(USAGE);
      return 2;
    }
    if (
      command === 'help' ||
      command === '--help' ||
      command === '-h' ||
      args.includes('--help') ||
      args.includes('-h')
    ) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      process.stdout.write(`openkeystore ${version()}\n`);
      return 0;
    }
    if (command === 'serve') {
      parseCommand(args, [], {});
      await (await import('./serve.js')).serve();
      return undefined;
    }
    const load = commands[command];
    if (!load) throw new UsageError(`unknown command '${command}'`);
    return await (await load())(args);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      process.stderr.write(`openkeystore: ${e.message}\nRun 'openkeystore help' for usage.\n`);
      return 2;
    }
    if (isDomainError(e)) {
      process.stderr.write(`openkeystore: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
