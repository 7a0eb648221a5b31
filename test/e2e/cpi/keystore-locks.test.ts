// D12: a keystore-wide write waits up to 10 s for a keystore another writer holds, then answers 503 with the
// suggested text and changes nothing. The lock is held by a second process on the same store, as another server
// sharing the database would hold it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Tenants } from '../../../src/keystore/tenants.js';
import { withKeystoreLock } from '../../../src/store/locks.js';
import { openStore } from '../../../src/store/open.js';
import { type Answer, fixture, type Harness, startCpi } from './support.js';
import { postJson, unchanged } from './tools.js';

let h: Harness;

before(async () => {
  h = await startCpi();
  assert.equal(
    (await h.admin.putCertificate('kept', fixture('selfsigned.pem'), 'fingerprintVerified=true')).status,
    204,
  );
});
after(() => h.stop());

/** Holds the keystore's lock in this process until `release` is called. */
async function holdLock(keystore: string): Promise<{ release: () => Promise<void> }> {
  const store = await openStore({ dataDir: h.server.dataDir, databaseUrl: h.server.databaseUrl, migrate: false });
  const ks = await new Tenants(store).keystore('default', 'production', keystore);
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let held!: () => void;
  const holding = new Promise<void>((r) => {
    held = r;
  });
  const holder = withKeystoreLock(store.db, ks.keystoreId, async () => {
    held();
    await released;
  });
  await holding;
  return {
    release: async () => {
      release();
      await holder;
      await store.close();
    },
  };
}

test('503 "locked by another user" after the 10 s wait for mass delete, import and backup; nothing changes', async () => {
  const lock = await holdLock('system');
  // SQLite has one write lock for the whole database: holding it once holds the backup too.
  const backupLock = h.server.databaseUrl ? await holdLock('backup_admin_system') : undefined;
  const started = Date.now();
  const requests = [
    () =>
      h.admin.write('PUT', "/KeystoreResources('system')?deleteEntries=true", '{"Aliases":"kept"}', {
        accept: 'application/json',
      }),
    () =>
      postJson(h.admin, '/KeystoreResources', {
        Name: 'system',
        Resource: fixture('cert-over-keypair.jks').toString('base64'),
        Password: 'changeit',
      }),
    () => postJson(h.admin, '/KeystoreResources', { Name: 'backup_admin_system' }),
  ];
  // The server's SQLite connection runs one transaction at a time, so there each request would wait in turn
  // (10 s, 20 s, 30 s): one shows the rule. PostgreSQL waits for all three side by side.
  const sent = h.server.databaseUrl ? requests : requests.slice(0, 1);
  let answers: Answer[] = [];
  try {
    answers = await unchanged(h.admin, () => Promise.all(sent.map((send) => send())));
  } finally {
    await lock.release();
    await backupLock?.release();
  }
  const waited = Date.now() - started;
  for (const r of answers) {
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'Service Unavailable');
    assert.equal(r.json.error.message.value, 'The keystore is locked by another user. Try again later.');
  }
  assert.ok(waited >= 9_000, `answered after ${waited} ms, before the 10 s wait`);
  // Once the lock is gone, the same request goes through.
  const again = await h.admin.write('PUT', "/KeystoreResources('system')?deleteEntries=true", '{"Aliases":"kept"}', {
    accept: 'application/json',
  });
  assert.equal(again.status, 200, again.text);
});
