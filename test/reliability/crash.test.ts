import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIntegrity } from '../../src/store/integrity.js';
import { makeCertificates } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import { type RunningServer, startServer, testStore } from '../helpers/server.js';
import {
  cpiClient,
  fingerprintOf,
  masterKeyEnv,
  putCertificate,
  report,
  sleep,
  storeOf,
  tally,
  versionsOf,
} from './support.js';

const CYCLES = 15;
const WRITERS = 4;
const SHARED = ['crash-shared-0', 'crash-shared-1', 'crash-shared-2'];

test(`SIGKILL during writes, ${CYCLES} times on ${testStore}: every acknowledged write survives, the store stays whole`, {
  timeout: 120_000,
}, async (t) => {
  const env = masterKeyEnv();
  const first = await startServer({ env });
  const again = () =>
    startServer({
      env,
      dataDir: first.dataDir,
      adminPassword: first.adminPassword,
      ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
    });
  const certs = await makeCertificates(400, 'crash');
  let next = 0;
  const cert = () => certs[next++ % certs.length]!;
  const ackedCreates = new Map<string, string>();
  const ackedUpdates = new Map<string, string[]>(SHARED.map((a) => [a, []]));
  const figures = { acked: 0, noAnswer: 0, refused: 0, serverErrors: 0, foundAfterRestart: 0, lostAfterRestart: 0 };
  let server: RunningServer = first;
  try {
    for (const alias of SHARED) {
      const c = cert();
      assert.equal((await putCertificate(cpiClient(server), alias, c, false)).outcome, 'acked');
      ackedUpdates.get(alias)!.push(c.sha256);
    }
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let stop = false;
      const thisCycle: [string, string][] = [];
      const writer = async (w: number) => {
        const client = cpiClient(server);
        for (let n = 0; !stop; n++) {
          const own = `crash-${cycle}-${w}-${n}`;
          const c = cert();
          const created = await putCertificate(client, own, c, false);
          tallyOutcome(created.outcome);
          if (created.outcome === 'acked') {
            ackedCreates.set(own, c.sha256);
            thisCycle.push([own, c.sha256]);
          }
          if (created.outcome === 'no-answer') return;
          const alias = SHARED[(w + n) % SHARED.length]!;
          const u = cert();
          const updated = await putCertificate(client, alias, u, true);
          tallyOutcome(updated.outcome);
          if (updated.outcome === 'acked') ackedUpdates.get(alias)!.push(u.sha256);
          if (updated.outcome === 'no-answer') return;
        }
      };
      const tallyOutcome = (o: string) => {
        if (o === 'acked') figures.acked++;
        else if (o === 'no-answer') figures.noAnswer++;
        else if (o === 'refused') figures.refused++;
        else figures.serverErrors++;
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      // Killed at a moment nobody chose: writes are in flight, some half done.
      await sleep(300 + Math.floor(Math.random() * 500));
      await server.kill();
      stop = true;
      await Promise.all(writers);
      server = await again();
      // What the killed server acknowledged in this cycle is there at once, on the restarted one.
      const client = cpiClient(server);
      for (const [alias, sha] of thisCycle)
        if ((await fingerprintOf(client, alias)) === sha) figures.foundAfterRestart++;
        else figures.lostAfterRestart++;
    }

    const store = await storeOf(server);
    let versions = 0;
    try {
      for (const [alias, sha] of ackedCreates) assert.equal((await versionsOf(store, alias)).current, sha, alias);
      for (const [alias, acked] of ackedUpdates) {
        const v = await versionsOf(store, alias);
        const held = tally([...v.history.map((h) => h.sha256), v.current!]);
        // Every acknowledged version is there; a write cut off by the kill may have committed unacknowledged.
        for (const [sha, n] of tally(acked)) assert.ok((held.get(sha) ?? 0) >= n, `${alias}: ${sha} lost`);
        assert.deepEqual(
          v.history.map((h) => h.version),
          Array.from({ length: v.version - 1 }, (_, i) => i + 1),
          `${alias}: an unbroken version chain`,
        );
        versions += v.version;
      }
      const integrity = await checkIntegrity(store);
      assert.deepEqual(integrity.problems, []);
    } finally {
      await store.close();
    }
    const check = await runCli(['check'], {
      dataDir: server.dataDir,
      ...(server.databaseUrl ? { databaseUrl: server.databaseUrl } : {}),
    });
    assert.equal(check.code, 0, check.stdout + check.stderr);

    report(t, `crash on ${testStore}`, {
      'kills (SIGKILL)': CYCLES,
      'writes acknowledged': figures.acked,
      'acknowledged creates found after restarts': `${figures.foundAfterRestart}/${ackedCreates.size}`,
      'versions of contended aliases': versions,
      'writes cut off by a kill': figures.noAnswer,
      '5xx': figures.serverErrors,
      integrity: 'ok',
    });
    assert.equal(figures.lostAfterRestart, 0);
    assert.equal(figures.foundAfterRestart, ackedCreates.size);
    assert.equal(figures.serverErrors, 0);
    assert.ok(figures.acked > CYCLES * 5, `only ${figures.acked} writes acknowledged`);
  } finally {
    await server.stop();
    await first.stop();
  }
});
