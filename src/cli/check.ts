import { checkIntegrity } from '../store/integrity.js';
import { appliedMigrations, MIGRATIONS } from '../store/open.js';
import { parseCommand, print } from './context.js';
import { withStore } from './store.js';

/**
 * `openkeystore check [--json]`: the store's integrity check (store/integrity.ts), online. Exit 0 when whole,
 * 1 with every problem listed. It never migrates or changes anything.
 */
export async function checkCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, [], { json: { type: 'boolean' } });
  return withStore(
    async (store) => {
      const applied = await appliedMigrations(store.db);
      if (applied.length === 0) {
        print(`Store at ${store.location} has no schema yet: nothing to check`);
        return 1;
      }
      const report = await checkIntegrity(store);
      const pending = MIGRATIONS.filter((m) => !applied.includes(m));
      if (values.json) {
        print(JSON.stringify({ location: store.location, migrations: applied, pending, ...report }, null, 2));
        return report.ok ? 0 : 1;
      }
      print(
        `Store at ${store.location} (${store.dialect}): ${report.ok ? 'ok' : `${report.problems.length} problems`}`,
      );
      print(
        `  ${Object.entries(report.counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}`,
      );
      if (pending.length) print(`  migrations not applied yet: ${pending.join(', ')} (the next start applies them)`);
      for (const p of report.problems) print(`  - ${p}`);
      return report.ok ? 0 : 1;
    },
    { migrate: false },
  );
}
