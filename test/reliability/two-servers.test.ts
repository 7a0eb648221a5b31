import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATIONS } from '../../src/store/open.js';
import { makeCertificates } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import { emptyPostgresDatabase } from '../helpers/contents.js';
import { hex } from '../helpers/cpi.js';
import { type RunningServer, startServer, testStore } from '../helpers/server.js';
import {
  cpiClient,
  fingerprintOf,
  masterKeyEnv,
  putCertificate,
  report,
  storeOf,
  tally,
  versionsOf,
} from './support.js';

const SHARED = ['shared-0', 'shared-1', 'shared-2', 'shared-3'];
const WRITERS_PER_SERVER = 4;
const DURATION_MS = 8000;

describe('several servers on one database', () => {
  test('4 servers started at once on one new PostgreSQL database: migrated once, bootstrapped once, caches agree', {
    skip: testStore !== 'postgres' && 'PostgreSQL only: SQLite is one server per file',
    timeout: 60_000,
  }, async (t) => {
    const db = await emptyPostgresDatabase();
    const env = masterKeyEnv();
    const adminPassword = 'same-on-every-server';
    const servers: RunningServer[] = [];
    try {
      const started = await Promise.allSettled(
        [0, 1, 2, 3].map(() => startServer({ databaseUrl: db.url, adminPassword, env })),
      );
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const store = await storeOf(servers[0]!);
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
        assert.deepEqual(
          applied.rows.map((r) => r.name),
          [...MIGRATIONS],
        );
        const count = async (table: 'projects' | 'environments' | 'keystores' | 'users' | 'role_bindings') =>
          Number(
            (
              await store.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<string>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        assert.deepEqual(
          {
            projects: await count('projects'),
            environments: await count('environments'),
            keystores: await count('keystores'),
            users: await count('users'),
            role_bindings: await count('role_bindings'),
          },
          { projects: 1, environments: 1, keystores: 4, users: 1, role_bindings: 1 },
        );
      } finally {
        await store.close();
      }
      for (const s of servers) {
        const r = await cpiClient(s).get('/KeystoreEntries/$count');
        assert.equal(r.status, 200, await r.text());
      }

      // Caches stay right across servers: a CSRF token fetched from one is taken by another (its secret is in the
      // database), and a password changed through one store connection counts on every server at once, although
      // each had the old one cached as verified.
      const first = cpiClient(servers[0]!);
      const token = await first.token();
      const elsewhere = await fetch(
        `${servers[3]!.url}/api/v1/CertificateResources('${hex('csrf-elsewhere')}')/$value?fingerprintVerified=true`,
        {
          method: 'PUT',
          headers: { authorization: first.auth, 'x-csrf-token': token },
          body: (await makeCertificates(1, 'csrf'))[0]!.pem,
        },
      );
      assert.equal(elsewhere.status, 204, await elsewhere.text());
      const cliDir = mkdtempSync(join(tmpdir(), 'oks-cli-'));
      writeFileSync(join(cliDir, 'master.key'), env.OPENKEYSTORE_MASTER_KEY);
      const changed = await runCli(['users', 'passwd', 'admin', '--password', 'changed-on-one-server'], {
        dataDir: cliDir,
        databaseUrl: db.url,
      });
      rmSync(cliDir, { recursive: true, force: true });
      assert.equal(changed.code, 0, changed.stderr);
      for (const s of servers) {
        assert.equal((await cpiClient(s).get('/KeystoreEntries/$count')).status, 401, 'the old password, cached');
        assert.equal((await cpiClient(s, 'changed-on-one-server').get('/KeystoreEntries/$count')).status, 200);
      }
      report(t, 'migrations', { 'servers started at once': servers.length, 'migrations applied': MIGRATIONS.length });
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.drop();
    }
  });

  test(`${testStore === 'postgres' ? 'two servers' : 'one server'}, ${2 * WRITERS_PER_SERVER} writers: every acknowledged write is read on the other server, history holds every version`, {
    timeout: 60_000,
  }, async (t) => {
    const env = masterKeyEnv();
    const db = testStore === 'postgres' ? await emptyPostgresDatabase() : undefined;
    const a = await startServer({ env, ...(db ? { databaseUrl: db.url } : {}) });
    const b = db ? await startServer({ env, databaseUrl: db.url, adminPassword: a.adminPassword }) : a;
    const certs = await makeCertificates(500, 'two-servers');
    let next = 0;
    const cert = () => certs[next++ % certs.length]!;
    const figures = { acked: 0, readOnOther: 0, sharedUpdates: 0, refused: 0, serverErrors: 0, noAnswer: 0 };
    const mismatches: string[] = [];
    const ackedShared = new Map<string, string[]>(SHARED.map((s) => [s, []]));
    const ackedOwn = new Map<string, string>();
    try {
      for (const alias of SHARED) {
        const c = cert();
        assert.equal((await putCertificate(cpiClient(a), alias, c, false)).outcome, 'acked');
        ackedShared.get(alias)!.push(c.sha256);
      }
      const deadline = Date.now() + DURATION_MS;
      const writer = async (id: string, here: RunningServer, there: RunningServer) => {
        const write = cpiClient(here);
        const read = cpiClient(there);
        for (let n = 0; Date.now() < deadline; n++) {
          const own = `${id}-${n}`;
          const c = cert();
          const created = await putCertificate(write, own, c, false);
          count(created.outcome);
          if (created.outcome === 'acked') {
            ackedOwn.set(own, c.sha256);
            const seen = await fingerprintOf(read, own);
            if (seen === c.sha256) figures.readOnOther++;
            else mismatches.push(`${own}: written ${c.sha256} on ${here.port}, read ${seen} on ${there.port}`);
          }
          const alias = SHARED[n % SHARED.length]!;
          const u = cert();
          const updated = await putCertificate(write, alias, u, true);
          count(updated.outcome);
          if (updated.outcome === 'acked') {
            ackedShared.get(alias)!.push(u.sha256);
            figures.sharedUpdates++;
          }
        }
      };
      const count = (o: string) => {
        if (o === 'acked') figures.acked++;
        else if (o === 'refused') figures.refused++;
        else if (o === 'server-error') figures.serverErrors++;
        else figures.noAnswer++;
      };
      await Promise.all(
        Array.from({ length: WRITERS_PER_SERVER }, (_, i) => [writer(`a${i}`, a, b), writer(`b${i}`, b, a)]).flat(),
      );

      // Both servers show the same final state of each contended alias.
      for (const alias of SHARED)
        assert.equal(await fingerprintOf(cpiClient(a), alias), await fingerprintOf(cpiClient(b), alias), alias);

      const store = await storeOf(a);
      let versions = 0;
      try {
        for (const alias of SHARED) {
          const v = await versionsOf(store, alias);
          const acked = ackedShared.get(alias)!;
          // No write lost, none doubled, none invented: one version per acknowledged write, in one chain.
          assert.equal(v.version, acked.length, `${alias}: one version per acknowledged write`);
          assert.deepEqual(
            v.history.map((h) => h.version),
            Array.from({ length: acked.length - 1 }, (_, i) => i + 1),
            `${alias}: history holds versions 1..${acked.length - 1}, each once`,
          );
          assert.deepEqual(tally([...v.history.map((h) => h.sha256), v.current!]), tally(acked), alias);
          versions += v.version;
        }
        for (const [alias, sha] of ackedOwn) assert.equal((await versionsOf(store, alias)).current, sha, alias);
      } finally {
        await store.close();
      }
      report(t, `${a === b ? 'one server' : 'two servers'} on ${testStore}`, {
        'writes acknowledged': figures.acked,
        'read back on the other server': figures.readOnOther,
        'updates of 4 contended aliases': figures.sharedUpdates,
        'versions in history and live': versions,
        'refused (4xx)': figures.refused,
        '5xx': figures.serverErrors,
        'no answer': figures.noAnswer,
      });
      assert.deepEqual(mismatches, []);
      assert.equal(figures.serverErrors, 0);
      assert.equal(figures.noAnswer, 0);
      assert.ok(figures.acked > 50, `only ${figures.acked} writes in ${DURATION_MS} ms`);
    } finally {
      if (b !== a) await b.stop();
      await a.stop();
      await db?.drop();
    }
  });
});
