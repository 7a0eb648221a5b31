import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './openkeystore.js';

export interface BenchOptions {
  quick: boolean;
  /** Rows to run ('1' … '7'); all when not given. */
  only: Set<string> | undefined;
  /** A, B, A, B …: how many times each contender runs. */
  rounds: number;
  /** Seconds of each measured run, after warmupS of warm-up. */
  durationS: number;
  warmupS: number;
  connections: number;
  /** Row 5's keystore sizes. */
  sizes: number[];
  /** Row 6's keystore file. */
  jksEntries: number;
  /** Row 4 on PostgreSQL too (skipped, with a note, where none answers). */
  postgres: boolean;
  /** Row 5 on PostgreSQL too: its first run seeds 1.1 million entries there. */
  expiryOnPostgres: boolean;
  /** Certificates and seeded stores kept between runs (git ignores it). */
  cacheDir: string;
  /** This run's stores and logs, removed at the end unless --keep. */
  workDir: string;
  keep: boolean;
  /** Write a CPU profile of every openkeystore server here (node --cpu-prof). */
  profileDir: string | undefined;
}

const USAGE = `npm run bench -- [--quick] [--only 1,4,5] [--no-postgres] [--row5-postgres] [--rounds N] [--duration S] [--keep] [--profile DIR]`;

export function benchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-postgres': { type: 'boolean', default: false },
      'row5-postgres': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const positive = (raw: string | undefined, fallback: number, name: string) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return n;
  };
  return {
    quick,
    only: values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined,
    rounds: Math.round(positive(values.rounds, quick ? 2 : 3, 'rounds')),
    durationS: positive(values.duration, quick ? 3 : 5, 'duration'),
    warmupS: quick ? 1 : 2,
    connections: 50,
    sizes: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000],
    jksEntries: 10_000,
    postgres: values['no-postgres'] !== true,
    expiryOnPostgres: values['row5-postgres'] === true && values['no-postgres'] !== true,
    cacheDir: join(repoRoot, 'bench/.cache'),
    workDir: mkdtempSync(join(tmpdir(), 'oks-bench-')),
    keep: values.keep === true,
    profileDir: values.profile,
  };
}
