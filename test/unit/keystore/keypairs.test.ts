import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../../src/keystore/errors.js';
import { chainOf } from '../../../src/keystore/keypairs.js';
import type { KeystoreRef } from '../../../src/keystore/model.js';
import { KeystoreService } from '../../../src/keystore/service.js';
import { readJavaKeystore, writeJavaKeystore } from '../../../src/pki/jks.js';
import { keyMatchesCertificate, privateKeyToPkcs8 } from '../../../src/pki/keys.js';
import { readPkcs12 } from '../../../src/pki/pkcs12.js';
import { readCertificates } from '../../../src/pki/sniff.js';
import { dialects, fixture, type TestStore } from '../../helpers/store.js';

const actor = { name: 'tester' };
const p12 = fixture('pki-keys/leaf.p12'); // leaf ← inter ← root, password "secret"
const root = fixture('pki-keys/root.pem');
const inter = fixture('pki-keys/inter.pem');
const leaf = fixture('pki-keys/leaf.pem');

const rejects = (kind: string, message?: string) => (e: unknown) => {
  assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
  assert.equal(e.kind, kind);
  if (message) assert.equal(e.message, message);
  return true;
};

for (const dialect of dialects) {
  describe(`key pairs and keystore-wide operations on ${dialect.name}`, () => {
    let t: TestStore;
    let ks: KeystoreService;
    let system: KeystoreRef;

    before(async () => {
      t = await dialect.open();
      ks = new KeystoreService(t.store, { masterKey: randomBytes(32) });
      await ks.tenants.createProject({ name: 'default' }, actor);
      await ks.tenants.createEnvironment('default', { name: 'production', type: 'PRODUCTION' }, actor);
      system = await ks.tenants.keystore('default', 'production');
    });
    after(() => t.dispose());

    test('a PKCS#12 key pair is refused untrusted, then imported with its chain; the key is sealed at rest', async () => {
      const input = { pkcs12: p12, password: 'secret', mode: 'create' as const, requireTrust: true };
      await assert.rejects(ks.keyPairs.importPkcs12(system, 'mykey', input, actor), rejects('NotTrusted'));
      await assert.rejects(
        ks.keyPairs.importPkcs12(system, 'mykey', { ...input, password: 'wrong' }, actor),
        rejects('Invalid', 'Keystore was tampered with, or password was incorrect'),
      );
      await ks.entries.importCertificate(
        system,
        'root',
        { material: root, mode: 'create', requireTrust: false },
        actor,
      );
      const r = await ks.keyPairs.importPkcs12(system, 'mykey', input, actor);
      assert.equal(r.entry.kind, 'keypair');
      const chain = chainOf(await ks.entries.get(system, 'mykey'));
      assert.deepEqual(
        chain.map((c) => c.toString('base64')),
        [leaf, inter, root].map((p) => Buffer.from(readCertificates(p)[0]!).toString('base64')),
      );
      const key = await ks.keyPairs.privateKey(system, 'mykey');
      assert.ok(keyMatchesCertificate(key, chain[0]!));
      const sealed = await t.store.db
        .selectFrom('entries')
        .select('key_enc')
        .where('alias', '=', 'mykey')
        .executeTakeFirstOrThrow();
      const pkcs8 = privateKeyToPkcs8(key);
      assert.equal(
        sealed.key_enc!.includes(pkcs8.subarray(pkcs8.length - 32)),
        false,
        'the key must not be stored in clear',
      );
    });

    test('chains: a certificate entry has none, a chain that does not fit the key is refused', async () => {
      await assert.rejects(
        ks.keyPairs.replaceChain(system, 'root', { material: leaf, requireTrust: false }, actor),
        rejects('Invalid', 'Alias "root" does not represent a Key Pair'),
      );
      await assert.rejects(
        ks.keyPairs.replaceChain(system, 'mykey', { material: root, requireTrust: false }, actor),
        rejects('Invalid', 'The certificate chain does not fit to the key pair'),
      );
      const r = await ks.keyPairs.replaceChain(system, 'mykey', { material: leaf, requireTrust: false }, actor);
      assert.equal(r.status, 'changed');
      assert.equal(chainOf(r.entry).length, 1);
    });

    test('generated key pairs follow the request and their certificates are self-signed by their key', async () => {
      const r = await ks.keyPairs.generate(
        system,
        'gen-ec',
        {
          keyType: 'EC',
          keySize: 256,
          signatureAlgorithm: 'SHA-256/ECDSA',
          subject: { CN: 'myserver', C: 'DE' },
          mode: 'create',
        },
        actor,
      );
      assert.equal(r.entry.keyType, 'EC');
      assert.equal(r.entry.curve, 'secp256r1');
      assert.equal(r.entry.signatureAlgorithm, 'SHA256withECDSA');
      assert.equal(r.entry.subjectDn, 'CN=myserver, C=DE');
      assert.equal(r.entry.subjectDn, r.entry.issuerDn);
      await assert.rejects(
        ks.keyPairs.generate(system, 'gen-ec', { keyType: 'EC', subject: { CN: 'x' }, mode: 'create' }, actor),
        rejects('AlreadyExists', 'Keystore entry with alias "gen-ec" already exists'),
      );
    });

    test('JKS import with overwrite, merge and replace gives SAP statuses; the public JCEKS export lists chains', async () => {
      const [pair] = readPkcs12(p12, 'secret');
      const jks = writeJavaKeystore(
        'JKS',
        [
          { type: 'trustedCert', alias: 'partner', date: new Date(), cert: readCertificates(inter)[0]! },
          {
            type: 'privateKey',
            alias: 'jkskey',
            date: new Date(),
            pkcs8: privateKeyToPkcs8(pair!.key),
            chain: pair!.chain,
          },
          { type: 'trustedCert', alias: 'sap_no', date: new Date(), cert: readCertificates(root)[0]! },
        ],
        'pw',
      );
      const first = await ks.files.importJavaKeystore(system, jks, 'pw', 'overwrite', actor, false);
      assert.deepEqual(first.statuses, [
        { alias: 'partner', status: 'new' },
        { alias: 'jkskey', status: 'new' },
        {
          alias: 'sap_no',
          status: "notImported: The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
        },
      ]);
      await assert.rejects(
        ks.files.importJavaKeystore(system, jks, 'pw', 'overwrite', actor, true),
        rejects('Invalid'),
      );
      const merged = await ks.files.importJavaKeystore(system, jks, 'pw', 'merge', actor, false);
      assert.equal(merged.statuses[0]?.status, 'notImported: An entry with the same alias already exists');
      await assert.rejects(
        ks.files.importJavaKeystore(system, jks, 'nope', 'merge', actor, false),
        rejects('Invalid', 'Keystore was tampered with, or password was incorrect'),
      );
      await assert.rejects(
        ks.files.importJavaKeystore(system, Buffer.from('junk'), 'pw', 'merge', actor, false),
        rejects('Unsupported'),
      );

      const exported = readJavaKeystore(await ks.files.exportPublicJceks(system), '');
      assert.equal(exported.type, 'JCEKS');
      const aliases = exported.entries.map((e) => e.alias).sort();
      assert.ok(
        aliases.includes('jkskey') && aliases.includes('jkskey_1') && aliases.includes('jkskey_2'),
        aliases.join(),
      );
      assert.ok(
        exported.entries.every((e) => e.type === 'trustedCert'),
        'the public export holds no keys',
      );

      const replaced = await ks.files.importJavaKeystore(system, jks, 'pw', 'replace', actor, false);
      assert.ok(replaced.statuses.some((s) => s.alias === 'root' && s.status === 'removed'));
      assert.equal(await ks.entries.find(system, 'root'), undefined);
    });

    test('backup, mass delete and restore', async () => {
      const before = (await ks.entries.list(system)).map((e) => e.alias);
      const saved = await ks.lifecycle.backup(system, actor);
      assert.deepEqual(saved.map((s) => s.alias).sort(), [...before].sort());
      await assert.rejects(ks.lifecycle.deleteMany(system, ['partner', 'sap_x'], actor), rejects('Reserved'));
      assert.ok(await ks.entries.find(system, 'partner'), 'a reserved alias stops the whole mass delete');
      const removed = await ks.lifecycle.deleteMany(system, ['partner', 'unknown', 'jkskey'], actor);
      assert.deepEqual(removed.map((e) => e.alias).sort(), ['jkskey', 'partner']);
      const restored = await ks.lifecycle.restore(system, 'overwrite', actor);
      assert.ok(restored.some((s) => s.alias === 'jkskey' && s.status === 'new'));
      assert.deepEqual((await ks.entries.list(system)).map((e) => e.alias).sort(), [...before].sort());
      const key = await ks.keyPairs.privateKey(system, 'jkskey');
      assert.ok(keyMatchesCertificate(key, (await ks.entries.get(system, 'jkskey')).certDer));
    });

    test('rename, renewal activation into KeyHistory, and copy back from history', async () => {
      await assert.rejects(ks.lifecycle.rename(system, 'partner', 'jkskey', actor), rejects('AlreadyExists'));
      const renamed = await ks.lifecycle.rename(system, 'partner', 'partner-2', actor);
      assert.equal(renamed.version, 2);
      assert.equal(await ks.entries.find(system, 'partner'), undefined);

      // The replace import above removed gen-ec from system: make the key that the renewal will replace.
      await ks.keyPairs.generate(
        system,
        'gen-ec',
        { keyType: 'EC', subject: { CN: 'myserver', C: 'DE' }, mode: 'create' },
        actor,
      );
      const renewal = await ks.tenants.keystore('default', 'production', 'KeyRenewal');
      await ks.keyPairs.generate(
        renewal,
        'gen-ec',
        { keyType: 'EC', subject: { CN: 'renewed' }, mode: 'create' },
        actor,
      );
      const active = await ks.lifecycle.activate(system, 'gen-ec', { name: 'activator' });
      assert.equal(active.subjectDn, 'CN=renewed');
      const history = await ks.tenants.keystore('default', 'production', 'KeyHistory');
      const old = await ks.entries.get(history, '[1]_gen-ec');
      assert.equal(old.subjectDn, 'CN=myserver, C=DE');
      assert.equal(old.meta?.DeactivatedBy, 'activator');
      assert.equal(old.meta?.ActivationSequenceNumber, 1);
      assert.equal(await ks.entries.find(renewal, 'gen-ec'), undefined);

      await assert.rejects(
        ks.lifecycle.copyFromHistory(system, 'gen-ec', undefined, actor),
        rejects('Invalid', `The alias "gen-ec" is invalid: Alias 'gen-ec' does not start with '['`),
      );
      const copy = await ks.lifecycle.copyFromHistory(system, '[1]_gen-ec', undefined, actor);
      assert.equal(copy.alias, 'gen-ec');
      assert.equal(copy.subjectDn, 'CN=myserver, C=DE');
      const key = await ks.keyPairs.privateKey(renewal, 'gen-ec');
      assert.ok(keyMatchesCertificate(key, copy.certDer));
    });
  });
}
