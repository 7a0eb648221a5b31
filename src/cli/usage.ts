/** A mistake in the command line: reported with a hint to the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: openkeystore <command> [options]

Server
  serve                                   start the HTTP server (HOST, PORT, OPENKEYSTORE_* variables)
  migrate                                 bring the store's schema up to date, then exit
  backup <file|->                         the whole store, online and consistent, as gzip'd JSON lines
  restore <file|-> [--force]              load a backup (from SQLite or PostgreSQL) in one transaction;
                                          --force replaces a store that is not empty
  check [--json]                          the store's integrity check; exit 1 when something is wrong

Projects and environments
  projects list [--json]
  projects create <name> [--description d]
  environments list <project> [--json]
  environments create <project> <name> [--type PRODUCTION|SANDBOX|TEST] [--description d]

Users and roles
  users create <name> [--password p] [--role viewer|editor|admin] [--project p]
                                          without --password, the password is read from standard input
                                          (asked twice, unechoed, on a terminal); --role without --project
                                          grants the role in every project
  users grant <name> <viewer|editor|admin> [--project p]
                                          sets the user's role in the project (default: every project)
  users passwd <name> [--password p]

Credentials (each secret is printed once and stored only as a hash)
  tokens create <user> [--name n] [--ttl seconds]
                                          a personal access token; without --ttl it never expires
  tokens list <user> [--json]
  tokens revoke <user> <name>
  clients create <user> [--description d] an OAuth client id and secret acting as <user>

Other
  help, --help, -h                        this text
  --version, -v                           the version

The store is the one 'serve' uses: OPENKEYSTORE_DATA_DIR (SQLite, default ./data) or
OPENKEYSTORE_DATABASE_URL=postgres://...
`;
