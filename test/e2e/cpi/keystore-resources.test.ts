// §3.8 KeystoreResources: JKS/JCEKS made by keytool import with every entry and SAP's per-entry statuses; the
// public JCEKS export loads in keytool; backup, restore and mass delete; every refusal leaves the store unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, startServer } from '../../helpers/server.js';
import { Client, fixture, type Harness, hex, startCpi } from './support.js';
import { entry, entryValue, ok, postJson, scratch, tool, unchanged } from './tools.js';

let h: Harness;
const files = scratch();

before(async () => {
  h = await startCpi();
});
after(async () => {
  files.done();
  await h.stop();
});

const importStore = (file: Buffer, password: string, options = '', name = 'system') =>
  postJson(h.admin, `/KeystoreResources${options ? `?${options}` : ''}`, {
    Name: name,
    Resource: file.toString('base64'),
    Password: password,
  });
const putResource = (options: string, body: unknown, name = 'system') =>
  h.admin.write('PUT', `/KeystoreResources('${name}')?${options}`, JSON.stringify(body), {
    accept: 'application/json',
    'content-type': 'application/json',
  });

/** Alias → Status of a write's answer. */
const statuses = (json: { d: { results: { Alias: string; Status: string }[] } }) =>
  Object.fromEntries(json.d.results.map((e) => [e.Alias, e.Status]));

/** The aliases and entry types keytool lists for a store. */
async function keytoolList(path: string, type: string, password: string): Promise<Map<string, string>> {
  const out = await ok('keytool', ['-list', '-keystore', path, '-storetype', type, '-storepass', password]);
  const entries = new Map<string, string>();
  for (const m of out.matchAll(/^(.+), [A-Z][a-z]{2} \d{1,2}, \d{4}, (\w+),/gm)) entries.set(m[1] ?? '', m[2] ?? '');
  return entries;
}

test('restore without a backup: 404 with the suggested text', async () => {
  const r = await unchanged(h.admin, () => putResource('retrieveBackup=backup_admin_system', { Resource: null }));
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'Not Found');
  assert.equal(r.json.error.message.value, 'No backed up keystore entries found');
});

test('a JKS made by keytool imports with every entry; 200 with the entries and their statuses (D22)', async () => {
  const listed = await keytoolList(files.write('store.jks', fixture('one-password.jks')), 'JKS', 'changeit');
  assert.equal(listed.size, 4);
  const r = await importStore(fixture('one-password.jks'), 'changeit');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  const got = statuses(r.json);
  assert.deepEqual(Object.keys(got).sort(), [...listed.keys()].sort());
  assert.ok(
    Object.values(got).every((s) => s === 'new'),
    r.text,
  );
  for (const [alias, type] of listed) {
    const e = await entry(h.admin, alias);
    assert.equal(e.Type, type === 'PrivateKeyEntry' ? 'Key Pair' : 'Certificate', alias);
    assert.equal(e.Owner, 'Tenant Administrator');
  }
  // The RSA key pair came with its CA: a chain of two; its key signs a CSR that openssl verifies.
  const chain = await h.admin.get(`/KeystoreEntries('${hex('jks-rsa')}')/ChainCertificates/$count`);
  assert.equal(chain.text, '2');
  await ok('openssl', ['req', '-verify', '-noout'], (await entryValue(h.admin, 'jks-rsa', 'SigningRequest')).text);
  assert.equal((await entry(h.admin, 'jks-ec')).EllipticCurve, 'secp256r1');
});

test("importOption: overwrite (default), merge refuses taken aliases, replace removes the tenant's other entries", async () => {
  const extra = await h.admin.putCertificate('extra', fixture('selfsigned.pem'), 'fingerprintVerified=true');
  assert.equal(extra.status, 204, extra.text);

  const again = await importStore(fixture('one-password.jks'), 'changeit', 'importOption=overwrite');
  assert.equal(again.status, 200, again.text);
  const s1 = statuses(again.json);
  assert.equal(s1['fixture ca'], 'unchanged');
  assert.equal(s1.extra, 'unchanged');
  assert.equal(s1['jks-rsa'], 'changed');

  const merge = await unchanged(h.admin, () =>
    importStore(fixture('one-password.jceks'), 'changeit', 'importOption=merge'),
  );
  assert.equal(merge.status, 200, merge.text);
  const s2 = statuses(merge.json);
  for (const alias of ['fixture ca', 'zertifikat äöü', 'jks-rsa', 'jks-ec'])
    assert.equal(s2[alias], 'notImported: An entry with the same alias already exists', alias);
  // The JCEKS secret key is not a certificate or key pair: ignored, not even listed.
  assert.equal(s2['aes-key'], undefined);

  const replace = await importStore(fixture('one-password.jceks'), 'changeit', 'importOption=REPLACE');
  assert.equal(replace.status, 200, replace.text);
  const s3 = statuses(replace.json);
  assert.equal(s3.extra, 'removed');
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('extra')}')?$format=json`)).status, 404);
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('aes-key')}')?$format=json`)).status, 404);
});

test("per-entry refusals with SPEC's exact statuses; returnKeystoreEntries=false fails the whole import", async () => {
  const r = await importStore(fixture('reserved.jks'), 'changeit');
  assert.equal(r.status, 200, r.text);
  const s = statuses(r.json);
  assert.equal(
    s.sap_fixture,
    "notImported: The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
  );
  assert.equal(
    s.hcicertificate,
    "notImported: The alias is not allowed. The alias 'hcicertificate' is reserved for SAP.",
  );
  assert.equal(s['plain-cert'], 'new');
  // A refused alias that the keystore doesn't hold is listed with its name and status only.
  const refused = r.json.d.results.find((e: { Alias: string }) => e.Alias === 'sap_fixture');
  assert.equal(refused.Hexalias, hex('sap_fixture'));
  assert.equal(refused.SubjectDN, null);
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('sap_fixture')}')?$format=json`)).status, 404);

  const over = await importStore(fixture('cert-over-keypair.jks'), 'changeit');
  assert.equal(over.status, 200, over.text);
  assert.equal(
    statuses(over.json)['jks-rsa'],
    'notImported :Key Pair entry cannot be overwritten by a certificate entry.',
  );
  assert.equal((await entry(h.admin, 'jks-rsa')).Type, 'Key Pair');

  const del = await putResource('deleteEntries=true&returnKeystoreEntries=false', { Aliases: 'plain-cert' });
  assert.equal(del.status, 204, del.text);
  const strict = await unchanged(h.admin, () =>
    importStore(fixture('reserved.jks'), 'changeit', 'returnKeystoreEntries=false'),
  );
  assert.equal(strict.status, 400, strict.text);
  assert.match(strict.json.error.message.value, /notImported: The alias is not allowed/);
  // 204 when every entry goes in and no entries are asked for.
  const quiet = await importStore(fixture('one-password.jks'), 'changeit', 'returnKeystoreEntries=false');
  assert.equal(quiet.status, 204, quiet.text);
  assert.equal(quiet.text, '');
});

test("POST refusals: password 400, not JKS/JCEKS 415, Name 400 with SAP's text, options and body 400", async () => {
  const nameText = (n: string) =>
    `The value '${n}' is not supported for the property 'Name'. Possible name values are 'system' and 'backup_admin_system'.`;
  const cases: [string, () => ReturnType<typeof importStore>, number, string | RegExp][] = [
    [
      'wrong password',
      () => importStore(fixture('one-password.jks'), 'wrong'),
      400,
      'Keystore was tampered with, or password was incorrect',
    ],
    [
      'PKCS#12',
      () => importStore(fixture('ec384.p12'), 'secret'),
      415,
      'The resource is neither a JKS nor a JCEKS keystore',
    ],
    [
      'garbage',
      () => importStore(fixture('garbage.bin'), 'x'),
      415,
      'The resource is neither a JKS nor a JCEKS keystore',
    ],
    [
      'KeyRenewal',
      () => importStore(fixture('one-password.jks'), 'changeit', '', 'KeyRenewal'),
      400,
      nameText('KeyRenewal'),
    ],
    ['other name', () => importStore(fixture('one-password.jks'), 'changeit', '', 'mystore'), 400, nameText('mystore')],
    [
      'importOption',
      () => importStore(fixture('one-password.jks'), 'changeit', 'importOption=append'),
      400,
      /importOption/,
    ],
    [
      'no resource',
      () => postJson(h.admin, '/KeystoreResources', { Name: 'system', Password: 'x' }),
      400,
      "Property 'Resource' cannot be empty. Enter a valid value.",
    ],
    [
      'no name',
      () => postJson(h.admin, '/KeystoreResources', { Resource: 'AAAA' }),
      400,
      "Property 'Name' cannot be empty. Enter a valid value.",
    ],
    [
      'malformed JSON',
      () => h.admin.write('POST', '/KeystoreResources', 'Name=system', { accept: 'application/json' }),
      400,
      "An exception of type 'MalformedJsonException' occurred.",
    ],
  ];
  for (const [name, send, status, text] of cases) {
    const r = await unchanged(h.admin, send);
    assert.equal(r.status, status, `${name}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text, name);
    else assert.match(r.json.error.message.value, text, name);
  }
});

test('413 for a keystore over the configured size (OPENKEYSTORE_MAX_KEYSTORE_BYTES), before it is read', async () => {
  const server = await startServer({ env: { OPENKEYSTORE_MAX_KEYSTORE_BYTES: '5000' } });
  try {
    const client = new Client(server, basic(server.adminUser, server.adminPassword));
    const body = (file: Buffer) => ({ Name: 'system', Resource: file.toString('base64'), Password: 'changeit' });
    const big = await postJson(client, '/KeystoreResources', body(fixture('one-password.jks')));
    assert.equal(big.status, 413, big.text);
    assert.equal(big.json.error.code, 'Payload Too Large');
    // The body itself over the limit (base64 of 5 000 bytes and a little JSON) is cut off while it is read.
    const huge = await postJson(client, '/KeystoreResources', body(Buffer.alloc(200_000, 1)));
    assert.equal(huge.status, 413, huge.text);
    const small = await postJson(client, '/KeystoreResources', body(fixture('cert-over-keypair.jks')));
    assert.equal(small.status, 200, small.text);
  } finally {
    await server.stop();
  }
});

test('export: base64 JCEKS with an empty password that keytool lists; chains as alias_1; no private keys (D23)', async () => {
  const r = await h.admin.get("/KeystoreResources('system')?$format=json");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.d.Name, 'system');
  assert.equal(r.json.d.Password, null);
  assert.equal(r.json.d.Aliases, null);
  assert.equal(r.json.d.__metadata.type, 'com.sap.hci.api.KeystoreResource');
  assert.ok(r.json.d.Resource.startsWith('zs7Ozg'), r.json.d.Resource.slice(0, 20));
  const path = files.write('export.jceks', Buffer.from(r.json.d.Resource, 'base64'));
  const listed = await keytoolList(path, 'JCEKS', '');
  // Every entry is a trusted certificate; jks-rsa's CA follows as jks-rsa_1.
  assert.ok(
    [...listed.values()].every((t) => t === 'trustedCertEntry'),
    [...listed].join('\n'),
  );
  const list = await h.admin.get('/KeystoreEntries?$format=json&$select=Alias,Type');
  const expected = new Set<string>();
  for (const e of list.json.d.results as { Alias: string; Type: string }[]) expected.add(e.Alias);
  expected.add('jks-rsa_1');
  assert.deepEqual([...listed.keys()].sort(), [...expected].sort());
  // keytool's fingerprint of each is the entry's.
  const verbose = await ok('keytool', [
    '-list',
    '-v',
    '-keystore',
    path,
    '-storetype',
    'JCEKS',
    '-storepass',
    '',
    '-alias',
    'jks-ec',
  ]);
  assert.ok(verbose.includes((await entry(h.admin, 'jks-ec')).FingerprintSha256), verbose);
  // The password is empty, not absent: a wrong one is refused by keytool's integrity check.
  const wrong = await tool('keytool', ['-list', '-keystore', path, '-storetype', 'JCEKS', '-storepass', 'changeit']);
  assert.notEqual(wrong.code, 0);

  // Atom, the default format; the backup's export; an unknown name.
  const atom = await h.admin.get("/KeystoreResources('system')");
  assert.match(atom.headers.get('content-type') ?? '', /^application\/atom\+xml;type=entry/);
  assert.match(atom.text, /<d:Resource m:type="Edm.Binary">zs7Ozg/);
  const bad = await h.admin.get("/KeystoreResources('mystore')?$format=json");
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.message.value, "Keystore name 'mystore' is invalid.");
});

test("backup copies the tenant's entries into backup_admin_system; restore brings them back (overwrite, replace)", async () => {
  const aliases = async (ks = 'system') =>
    (
      (await h.admin.get(`/KeystoreEntries?$format=json&$select=Alias&keystoreName=${ks}`)).json.d.results as {
        Alias: string;
      }[]
    ).map((e) => e.Alias);
  const saved = await aliases();
  const backup = await postJson(h.admin, '/KeystoreResources', { Name: 'backup_admin_system' });
  assert.equal(backup.status, 200, backup.text);
  assert.deepEqual(Object.keys(statuses(backup.json)).sort(), [...saved].sort());
  assert.deepEqual(await aliases('backup_admin_system'), saved);

  const del = await putResource('deleteEntries=true', { Aliases: 'jks-ec;fixture ca' });
  assert.equal(del.status, 200, del.text);
  const added = await h.admin.putCertificate('after backup', fixture('selfsigned.pem'), 'fingerprintVerified=true');
  assert.equal(added.status, 204, added.text);

  const restore = await putResource('retrieveBackup=backup_admin_system', { Resource: null });
  assert.equal(restore.status, 200, restore.text);
  const s = statuses(restore.json);
  assert.equal(s['jks-ec'], 'new');
  assert.equal(s['after backup'], 'unchanged');
  assert.deepEqual((await aliases()).sort(), [...saved, 'after backup'].sort());
  // The restored key pair still has its key.
  await ok('openssl', ['req', '-verify', '-noout'], (await entryValue(h.admin, 'jks-ec', 'SigningRequest')).text);

  const replace = await putResource(
    'retrieveBackup=backup_admin_system&importOption=replace&returnKeystoreEntries=false',
    {},
  );
  assert.equal(replace.status, 204, replace.text);
  assert.deepEqual((await aliases()).sort(), [...saved].sort());

  for (const [options, text] of [
    ['retrieveBackup=KeyHistory', "Keystore name 'KeyHistory' is invalid."],
    ['retrieveBackup=backup_admin_system&importOption=merge', /importOption/],
    ['', /deleteEntries/],
    ['deleteEntries=true&retrieveBackup=backup_admin_system', /can't be combined/],
  ] as const) {
    const r = await unchanged(h.admin, () => putResource(options, { Resource: null }));
    assert.equal(r.status, 400, `${options}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text);
    else assert.match(r.json.error.message.value, text);
  }
  const wrongName = await unchanged(h.admin, () =>
    putResource('retrieveBackup=backup_admin_system', {}, 'backup_admin_system'),
  );
  assert.equal(wrongName.status, 400, wrongName.text);
  assert.equal(wrongName.json.error.message.value, "Keystore name 'backup_admin_system' is invalid.");
});

test('mass delete: ;-separated aliases with \\; and \\\\ escaped; unknown ones skipped; a reserved one stops all', async () => {
  for (const alias of ['Company A; B', 'Company \\ C \\', 'keep me'])
    assert.equal(
      (await h.admin.putCertificate(alias, fixture('selfsigned.pem'), 'fingerprintVerified=true')).status,
      204,
    );
  const reserved = await unchanged(h.admin, () =>
    putResource('deleteEntries=true', { Aliases: 'Company A\\; B;sap_something' }),
  );
  assert.equal(reserved.status, 403, reserved.text);
  assert.equal(
    reserved.json.error.message.value,
    "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
  );

  const r = await putResource('deleteEntries=true', { Aliases: 'Company A\\; B;Company \\\\ C \\\\;not there;' });
  assert.equal(r.status, 200, r.text);
  const s = statuses(r.json);
  assert.equal(s['Company A; B'], 'removed');
  assert.equal(s['Company \\ C \\'], 'removed');
  assert.equal(s['keep me'], 'unchanged');
  assert.equal(s['not there'], undefined);
  // D20: removed entries keep their facts in the answer.
  assert.ok(r.json.d.results.find((e: { Alias: string }) => e.Alias === 'Company A; B').FingerprintSha256);
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('Company A; B')}')?$format=json`)).status, 404);

  const empty = await unchanged(h.admin, () => putResource('deleteEntries=true', { Aliases: '' }));
  assert.equal(empty.status, 400, empty.text);
  assert.equal(empty.json.error.message.value, "Property 'Aliases' cannot be empty. Enter a valid value.");
});
