// Runs the whole suite: unit tests once, end-to-end tests on SQLite and on PostgreSQL.
import { spawnSync } from 'node:child_process';

const files = (dir) => `test/${dir}/**/*.test.ts`;
const runs = [
  { name: 'unit', globs: [files('unit')], env: {} },
  { name: 'e2e on SQLite', globs: [files('e2e')], env: { OPENKEYSTORE_TEST_STORE: 'sqlite' } },
  { name: 'e2e on PostgreSQL', globs: [files('e2e')], env: { OPENKEYSTORE_TEST_STORE: 'postgres' } },
];
const only = process.argv[2];
let failed = 0;
for (const run of runs) {
  if (only && !run.name.startsWith(only)) continue;
  process.stdout.write(`\n# ${run.name}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...run.globs], {
    stdio: 'inherit',
    env: { ...process.env, ...run.env },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
