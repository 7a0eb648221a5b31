// Runs the whole suite: unit tests once, end-to-end tests on SQLite and on PostgreSQL, then one closing line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Node 20's test runner takes no globs: list the files here.
const testsUnder = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith('.test.ts'))
    .map((f) => join(dir, String(f)))
    .sort();

// The reliability suite (two servers, SIGKILL cycles, load) runs one file at a time, so that the load test
// measures the server rather than its neighbours, and is stopped if a run ever outlasts its bound.
const runs = [
  { name: 'unit', dir: 'test/unit', env: {} },
  { name: 'e2e-sqlite', dir: 'test/e2e', env: { OPENKEYSTORE_TEST_STORE: 'sqlite' } },
  { name: 'e2e-postgres', dir: 'test/e2e', env: { OPENKEYSTORE_TEST_STORE: 'postgres' } },
  {
    name: 'reliability-sqlite',
    dir: 'test/reliability',
    env: { OPENKEYSTORE_TEST_STORE: 'sqlite' },
    concurrency: 1,
    timeoutMs: 180_000,
  },
  {
    name: 'reliability-postgres',
    dir: 'test/reliability',
    env: { OPENKEYSTORE_TEST_STORE: 'postgres' },
    concurrency: 1,
    timeoutMs: 180_000,
  },
];
// `node test/run.js e2e-sqlite [filter]`: one run, only files whose path contains the filter.
const filter = process.argv[3];
const only = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'oks-run-'));
const total = { passed: 0, failed: 0, skipped: 0 };
let broken = 0;
for (const run of runs) {
  if (only && !run.name.startsWith(only)) continue;
  process.stdout.write(`\n# ${run.name}\n`);
  const countsFile = join(dir, `${run.name}.json`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${run.concurrency ?? 2}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./test/count-reporter.js',
      `--test-reporter-destination=${countsFile}`,
      ...testsUnder(run.dir).filter((f) => !filter || f.includes(filter)),
    ],
    { stdio: 'inherit', env: { ...process.env, ...run.env }, timeout: run.timeoutMs, killSignal: 'SIGTERM' },
  );
  if (r.error?.code === 'ETIMEDOUT') process.stdout.write(`# ${run.name}: stopped after ${run.timeoutMs / 1000} s\n`);
  let counts;
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  // A run that failed outside any test (a file that does not load) still fails the suite.
  if (r.status !== 0 && counts.failed === 0) broken++;
  for (const k of Object.keys(total)) total[k] += counts[k];
  process.stdout.write(`# ${run.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
}
rmSync(dir, { recursive: true, force: true });
if (broken) total.failed += broken;
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
