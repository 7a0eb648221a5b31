import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { type CliStore, runCli } from '../helpers/cli.js';
import { emptyPostgresDatabase, storeContents } from '../helpers/contents.js';
import { CpiClient, hex } from '../helpers/cpi.js';
import { type RunningServer, repoRoot, startServer, testStore } from '../helpers/server.js';

const pem = (name: string) => readFileSync(join(repoRoot, 'test/fixtures/cpi', name));
const other = testStore === 'postgres' ? 'sqlite' : 'postgres';

/** A store of the given kind for the CLI: a fresh folder, and for PostgreSQL a fresh database. */
async function freshStore(kind: 'sqlite' | 'postgres'): Promise<CliStore & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oks-restore-'));
  const pg = kind === 'postgres' ? await emptyPostgresDatabase() : undefined;
  return {
    dataDir,
    databaseUrl: pg?.url,
    async dispose() {
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function contentsOf(s: CliStore) {
  const store = await openStore({ dataDir: s.dataDir, databaseUrl: s.databaseUrl, migrate: false });
  try {
    return await storeContents(store);
  } finally {
    await store.close();
  }
}

describe(`backup and restore with the CLI: ${testStore} -> ${other} -> ${testStore}`, () => {
  let source: RunningServer;
  let cpi: CpiClient;
  const work = mkdtempSync(join(tmpdir(), 'oks-backup-'));
  const file = join(work, 'store.jsonl.gz');
  const disposers: (() => Promise<void>)[] = [];

  before(async () => {
    source = await startServer();
    cpi = new CpiClient(`${source.url}/api/v1`, source.adminUser, source.adminPassword);
    // Entries with history: each alias is written, then replaced twice by other certificates.
    const versions = ['mycertificate.pem', 'selfsigned.pem', 'ec-leaf.pem', 'smtp.mail.yahoo.com.pem'];
    for (const [i, alias] of ['partner', 'bank', 'zürich ✓'].entries())
      for (const [v, name] of versions.slice(i % 2, (i % 2) + 3).entries()) {
        const r = await cpi.write(
          'PUT',
          `/CertificateResources('${hex(alias)}')/$value?fingerprintVerified=true&update=${v > 0}`,
          pem(name),
        );
        assert.equal(r.status, 204, `${alias} v${v + 1}: ${await r.text()}`);
      }
    const deleted = await cpi.write('DELETE', `/KeystoreEntries('${hex('bank')}')`);
    assert.equal(deleted.status, 204, await deleted.text());
    const made = await runCli(['tokens', 'create', source.adminUser, '--name', 'ci'], source);
    assert.equal(made.code, 0, made.stderr);
  });
  after(async () => {
    for (const d of disposers) await d();
    await source?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('backup of a running server, restore into the other store kind: every row, id and byte is there', async () => {
    const backup = await runCli(['backup', file], source);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /2 entries, 7 history records, \d+ audit events/);
    const original = await contentsOf(source);
    assert.equal(original.entry_history?.length, 7, 'two replaced versions of each alias, and the deleted bank');

    const target = await freshStore(other);
    disposers.push(target.dispose);
    // Private keys need the source's master key; the operator copies it along (or sets OPENKEYSTORE_MASTER_KEY).
    copyFileSync(join(source.dataDir, 'master.key'), join(target.dataDir, 'master.key'));
    const restored = await runCli(['restore', file], target);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /^Restored .* 2 entries, 7 history records/);
    assert.doesNotMatch(restored.stderr, /master key/);
    assert.deepEqual(await contentsOf(target), original);

    const check = await runCli(['check'], target);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /: ok\n/);

    // And back: a backup of the restored store restores into a new store of the first kind, still identical.
    const back = await freshStore(testStore);
    disposers.push(back.dispose);
    const file2 = join(work, 'back.jsonl.gz');
    assert.equal((await runCli(['backup', file2], target)).code, 0);
    const again = await runCli(['restore', file2], back);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /master key/, 'no master key there: the operator is told');
    assert.deepEqual(await contentsOf(back), original);
  });

  test('a server on the restored store gives the same answers and takes the same password', async () => {
    const target = await freshStore(other);
    disposers.push(target.dispose);
    assert.equal((await runCli(['restore', file], target)).code, 0);
    // A server checks at start that its master key opens the store's data key: it must be the source's.
    copyFileSync(join(source.dataDir, 'master.key'), join(target.dataDir, 'master.key'));
    const restored = await startServer({
      dataDir: target.dataDir,
      ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
      adminPassword: 'not-the-one-that-counts',
    });
    try {
      const list = (path: string, s: RunningServer) =>
        new CpiClient(`${s.url}/api/v1`, s.adminUser, source.adminPassword)
          .get(path, { accept: 'application/json' })
          .then(async (r) => ({ status: r.status, body: await r.text() }));
      const a = await list('/KeystoreEntries', source);
      const b = await list('/KeystoreEntries', restored);
      assert.equal(a.status, 200, a.body);
      assert.equal(b.status, 200, b.body);
      assert.equal(b.body.replaceAll(restored.url, source.url), a.body);
      // A write on the restored store gets a new id: PostgreSQL's sequences were moved past the restored ones.
      const w = await new CpiClient(`${restored.url}/api/v1`, restored.adminUser, source.adminPassword).write(
        'PUT',
        `/CertificateResources('${hex('after-restore')}')/$value?fingerprintVerified=true`,
        pem('mycertificate.pem'),
      );
      assert.equal(w.status, 204, await w.text());
    } finally {
      await restored.stop();
    }
  });

  test('refuses a store that is not empty unless --force, and a damaged backup; neither changes anything', async () => {
    const target = await freshStore(other);
    disposers.push(target.dispose);
    assert.equal((await runCli(['restore', file], target)).code, 0);
    const before = await contentsOf(target);

    const refused = await runCli(['restore', file], target);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is not empty: restore into an empty one, or pass --force.*nothing was restored/);

    const whole = readFileSync(file);
    const cut = join(work, 'cut.jsonl.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    const damaged = await runCli(['restore', '--force', cut], target);
    assert.equal(damaged.code, 1);
    assert.doesNotMatch(damaged.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await contentsOf(target), before);

    const notBackup = join(work, 'not.gz');
    writeFileSync(notBackup, 'plain text');
    const wrong = await runCli(['restore', notBackup], target);
    assert.equal(wrong.code, 1);
    assert.deepEqual(await contentsOf(target), before);

    const forced = await runCli(['restore', '--force', file], target);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /Restart every server/);
    assert.deepEqual(await contentsOf(target), before);
  });
});
