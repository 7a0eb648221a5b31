import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../../src/keystore/errors.js';
import { keystoreInfo } from '../../../src/keystore/keystore-info.js';
import type { KeystoreRef } from '../../../src/keystore/model.js';
import { KeystoreService } from '../../../src/keystore/service.js';
import { dialects, fixture, type TestStore } from '../../helpers/store.js';

const actor = { name: 'tester' };
const ca = fixture('keystore/ca.pem');
const leaf = fixture('keystore/leaf.pem');
const leafEc = fixture('keystore/leaf-ec.pem');
const selfSigned = fixture('keystore/selfsigned.pem');

const rejects = (kind: string, message?: RegExp | string) => (e: unknown) => {
  assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
  assert.equal(e.kind, kind);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
  return true;
};

for (const dialect of dialects) {
  describe(`entries on ${dialect.name}`, () => {
    let t: TestStore;
    let ks: KeystoreService;
    let system: KeystoreRef;

    before(async () => {
      t = await dialect.open();
      ks = new KeystoreService(t.store);
      await ks.tenants.createProject({ name: 'default' }, actor);
      await ks.tenants.createEnvironment('default', { name: 'production', type: 'PRODUCTION' }, actor);
      await ks.tenants.createEnvironment('default', { name: 'test', type: 'TEST' }, actor);
      system = await ks.tenants.keystore('default', 'production');
    });
    after(() => t.dispose());

    test('a self-signed certificate not in the keystore is not trusted, and nothing is written', async () => {
      await assert.rejects(
        ks.entries.importCertificate(system, 'root', { material: ca, mode: 'create', requireTrust: true }, actor),
        rejects('NotTrusted'),
      );
      assert.equal(await ks.entries.count(system), 0);
      const audit = await t.store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', 'like', 'entry.%')
        .execute();
      assert.equal(audit.length, 0);
    });

    test('import with the trust check waived, then a leaf it signed is trusted', async () => {
      const r = await ks.entries.importCertificate(
        system,
        'root',
        { material: ca, mode: 'create', requireTrust: false },
        actor,
      );
      assert.equal(r.status, 'new');
      assert.equal(r.entry.version, 1);
      assert.equal(r.entry.kind, 'certificate');
      assert.equal(r.entry.owner, 'Tenant Administrator');
      const l = await ks.entries.importCertificate(
        system,
        'partner',
        { material: leaf, mode: 'create', requireTrust: true },
        actor,
      );
      assert.equal(l.entry.subjectDn, 'CN=partner.example.com, O=Partner AG, C=DE');
      assert.equal(l.entry.issuerDn, 'CN=Test Root CA, O=Open Keystore Test, C=DE');
      assert.equal(l.entry.serial, '0x11F11');
      assert.equal(l.entry.keyType, 'RSA');
      assert.equal(l.entry.keySize, 2048);
      assert.match(l.entry.sha1, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
      const stored = await ks.entries.get(system, 'partner');
      // The DER is kept exactly as imported: the PEM body decoded.
      const b64 = leaf.toString().replace(/-----[^-]+-----|\s/g, '');
      assert.deepEqual(stored.certDer, Buffer.from(b64, 'base64'));
    });

    test('create on an existing alias is refused with SAP words, update replaces and keeps history', async () => {
      await assert.rejects(
        ks.entries.importCertificate(
          system,
          'partner',
          { material: leafEc, mode: 'create', requireTrust: true },
          actor,
        ),
        rejects('AlreadyExists', 'Keystore entry with alias "partner" already exists'),
      );
      const u = await ks.entries.importCertificate(
        system,
        'partner',
        { material: leafEc, mode: 'update', requireTrust: true },
        actor,
      );
      assert.equal(u.status, 'changed');
      assert.equal(u.entry.version, 2);
      assert.equal(u.entry.keyType, 'EC');
      const history = await ks.entries.history(system, 'partner');
      assert.equal(history.length, 1);
      assert.equal(history[0]?.version, 1);
      assert.equal(history[0]?.key_type, 'RSA');
      assert.equal(history[0]?.change, 'update');
      const audit = await t.store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('alias', '=', 'partner')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['entry.create', 'entry.update'],
      );
      assert.equal(audit[1]?.sha256_before, audit[0]?.sha256_after);
    });

    test('update of a missing alias, reserved aliases and bad material are refused', async () => {
      await assert.rejects(
        ks.entries.importCertificate(system, 'nope', { material: leaf, mode: 'update', requireTrust: false }, actor),
        rejects('Invalid', 'Keystore entry with alias "nope" does not exist'),
      );
      await assert.rejects(
        ks.entries.importCertificate(system, 'sap_x', { material: leaf, mode: 'create', requireTrust: false }, actor),
        rejects('Reserved', "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP."),
      );
      await assert.rejects(
        ks.entries.importCertificate(
          system,
          'hcicertificate',
          { material: leaf, mode: 'create', requireTrust: false },
          actor,
        ),
        rejects('Reserved', "The alias is not allowed. The alias 'hcicertificate' is reserved for SAP."),
      );
      await assert.rejects(
        ks.entries.importCertificate(
          system,
          'junk',
          { material: Buffer.from('hello'), mode: 'create', requireTrust: false },
          actor,
        ),
        rejects('Unsupported'),
      );
      await assert.rejects(
        ks.entries.importCertificate(
          system,
          'cut',
          { material: leaf.subarray(0, 300), mode: 'create', requireTrust: false },
          actor,
        ),
        rejects('Unsupported'),
      );
      assert.equal(await ks.entries.count(system), 2);
    });

    test('an entry made through the SAP face joins the group holding its alias in another environment', async () => {
      const test = await ks.tenants.keystore('default', 'test');
      await ks.entries.importCertificate(
        test,
        'partner',
        { material: leaf, mode: 'create', requireTrust: false },
        actor,
      );
      const group = await ks.groups.get('default', 'partner');
      assert.deepEqual(group.members.map((m) => m.environment).sort(), ['production', 'test']);
      await ks.entries.delete(test, 'partner', actor);
      await ks.entries.delete(system, 'partner', actor);
      await assert.rejects(ks.groups.get('default', 'partner'), rejects('NotFound'));
      await assert.rejects(
        ks.entries.get(system, 'partner'),
        rejects('NotFound', "Alias 'partner' not found in the keystore"),
      );
      const history = await ks.entries.history(system, 'partner');
      assert.deepEqual(
        history.map((h) => [h.change, h.version]),
        [
          ['update', 1],
          ['delete', 2],
        ],
      );
    });

    test('an SAP import whose alias names a group holding other aliases starts the group <alias>-2', async () => {
      await ks.groups.create(
        'default',
        'taken',
        { description: '', alias: 'not-taken', environments: ['test'], material: leaf },
        actor,
      );
      await ks.entries.importCertificate(
        system,
        'taken',
        { material: leaf, mode: 'create', requireTrust: false },
        actor,
      );
      const group = await ks.groups.get('default', 'taken-2');
      assert.deepEqual(
        group.members.map((m) => [m.environment, m.entry.alias]),
        [['production', 'taken']],
      );
      assert.deepEqual(
        (await ks.groups.get('default', 'taken')).members.map((m) => m.entry.alias),
        ['not-taken'],
      );
      await ks.entries.delete(system, 'taken', actor);
      await ks.groups.delete('default', 'taken', actor);
    });

    test('an import stamps its keystore with its time and actor, and writes its audit event', async () => {
      const stamper = { name: 'stamper' };
      const { entry } = await ks.entries.importCertificate(
        system,
        'stamped',
        { material: leafEc, mode: 'create', requireTrust: false },
        stamper,
      );
      const info = await keystoreInfo(t.store, system);
      assert.equal(info.modifiedBy, 'stamper');
      assert.equal(info.modifiedAt, entry.modifiedAt);
      const events = await t.store.db
        .selectFrom('audit_events')
        .select(['action', 'actor', 'at', 'keystore', 'sha256_before', 'sha256_after'])
        .where('alias', '=', 'stamped')
        .execute();
      assert.deepEqual(events, [
        {
          action: 'entry.create',
          actor: 'stamper',
          at: entry.modifiedAt,
          keystore: 'system',
          sha256_before: null,
          sha256_after: entry.sha256,
        },
      ]);
      await ks.entries.delete(system, 'stamped', actor);
    });

    test('groups: one certificate in several environments, alias clash, replace, delete', async () => {
      const g = await ks.groups.create(
        'default',
        'partner-cert',
        { description: 'd', alias: 'p-alias', environments: ['production', 'test'], material: leaf },
        actor,
      );
      assert.deepEqual(
        g.members.map((m) => m.environment),
        ['production', 'test'],
      );
      await assert.rejects(
        ks.groups.create(
          'default',
          'partner-cert',
          { description: '', alias: 'x', environments: ['test'], material: leaf },
          actor,
        ),
        rejects('AlreadyExists'),
      );
      await assert.rejects(
        ks.groups.create(
          'default',
          'other',
          { description: '', alias: 'p-alias', environments: ['test'], material: leaf },
          actor,
        ),
        rejects('Conflict'),
      );
      await assert.rejects(
        ks.groups.create(
          'default',
          'other',
          { description: '', alias: 'o', environments: ['nowhere'], material: leaf },
          actor,
        ),
        rejects('NotFound'),
      );
      const r = await ks.groups.replace(
        'default',
        'partner-cert',
        { description: 'new', alias: 'p-alias', environments: ['test'], material: leafEc },
        actor,
      );
      assert.deepEqual(
        r.members.map((m) => [m.environment, m.entry.keyType]),
        [['test', 'EC']],
      );
      assert.equal(r.description, 'new');
      await ks.groups.delete('default', 'partner-cert', actor);
      await assert.rejects(ks.groups.get('default', 'partner-cert'), rejects('NotFound'));
      assert.equal(await ks.entries.find(system, 'p-alias'), undefined);
    });

    test('a list is ordered by alias and pages', async () => {
      for (const alias of ['c', 'a', 'b'])
        await ks.entries.importCertificate(
          system,
          alias,
          { material: selfSigned, mode: 'create', requireTrust: false },
          actor,
        );
      const all = await ks.entries.list(system);
      assert.deepEqual(
        all.map((e) => e.alias),
        ['a', 'b', 'c', 'root'],
      );
      const page = await ks.entries.list(system, { limit: 2, offset: 1 });
      assert.deepEqual(
        page.map((e) => e.alias),
        ['b', 'c'],
      );
      const soon = await ks.entries.list(system, {
        filter: { op: 'cmp', cmp: 'lt', field: { field: 'notAfter' }, value: Date.now() + 60 * 86400_000 },
        orderBy: [{ field: 'notAfter' }],
      });
      assert.deepEqual(
        soon.map((e) => e.alias),
        ['a', 'b', 'c'],
      );
      assert.equal(all[0]?.subjectDn, 'CN="Self Signed, O=Lonely"');
    });

    test('concurrent writers of one alias end in one state with every version in history', async () => {
      const writes = Array.from({ length: 8 }, (_, i) =>
        ks.entries.importCertificate(
          system,
          'raced',
          { material: i % 2 ? leaf : leafEc, mode: 'upsert', requireTrust: false },
          { name: `writer-${i}` },
        ),
      );
      const results = await Promise.all(writes);
      assert.equal(results.filter((r) => r.status === 'new').length, 1);
      const final = await ks.entries.get(system, 'raced');
      assert.equal(final.version, 8);
      const history = await ks.entries.history(system, 'raced');
      assert.deepEqual(
        history.map((h) => h.version),
        [1, 2, 3, 4, 5, 6, 7],
      );
    });
  });
}
