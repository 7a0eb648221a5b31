// §3.7 and §3.9: rename (renameAlias, returnHexAlias D19), activation of a KeyRenewal key pair into system with the
// replaced one kept in KeyHistory, and the copy of a history entry back into KeyRenewal (D24).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, type Harness, hex, startCpi } from './support.js';
import { entry, importPkcs12, pkiKey, unchanged } from './tools.js';

let h: Harness;

before(async () => {
  h = await startCpi();
});
after(() => h.stop());

const json = { accept: 'application/json', 'content-type': 'application/json' };
const rename = (alias: string, options: string) =>
  h.admin.write('PUT', `/KeystoreEntries('${hex(alias)}')?${options}`, '{"Status":null}', json);
const activate = (alias: string, options = 'keystoreName=KeyRenewal&activate=true') =>
  h.admin.write('DELETE', `/KeystoreEntries('${hex(alias)}')?${options}`, undefined, json);
const copy = (alias: string, options = 'copy=true') =>
  h.admin.write('PUT', `/HistoryKeystoreEntries('${hex(alias)}')?${options}`, '{"Status":null}', json);

test("rename: 204; returnHexAlias gives [HEX] (D19); returnKeystoreEntries wins; SAP's refusals", async () => {
  for (const alias of ['old name', 'taken'])
    assert.equal(
      (await h.admin.putCertificate(alias, fixture('selfsigned.pem'), 'fingerprintVerified=true')).status,
      204,
    );
  const before = await entry(h.admin, 'old name');

  const r = await rename('old name', `renameAlias=${encodeURIComponent('new name/ä')}`);
  assert.equal(r.status, 204, r.text);
  const after = await entry(h.admin, 'new name/ä');
  assert.equal(after.FingerprintSha256, before.FingerprintSha256);
  assert.equal((await h.admin.get(`/KeystoreEntries('${hex('old name')}')?$format=json`)).status, 404);

  const hexAlias = await rename('new name/ä', 'renameAlias=third&returnHexAlias=true');
  assert.equal(hexAlias.status, 200, hexAlias.text);
  assert.match(hexAlias.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(hexAlias.text, `[${hex('third')}]`);

  const both = await rename('third', 'renameAlias=fourth&returnHexAlias=true&returnKeystoreEntries=true');
  assert.equal(both.status, 200, both.text);
  const renamed = both.json.d.results.find((e: { Alias: string }) => e.Alias === 'fourth');
  assert.equal(renamed.Status, 'changed');

  const cases: [string, string, number, string][] = [
    ['fourth', '', 400, "Query option 'renameAlias' is missing or empty"],
    ['fourth', 'renameAlias=', 400, "Query option 'renameAlias' is missing or empty"],
    ['fourth', 'renameAlias=taken', 400, 'Keystore entry with alias "taken" already exists'],
    [
      'fourth',
      'renameAlias=sap_fourth',
      403,
      "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.",
    ],
    [
      'hcicertificate',
      'renameAlias=mine',
      403,
      "The alias is not allowed. The alias 'hcicertificate' is reserved for SAP.",
    ],
    ['nobody', 'renameAlias=somebody', 404, "Alias 'nobody' not found in the keystore"],
    ['fourth', 'renameAlias=x&keystoreName=KeyHistory', 400, "Keystore name 'KeyHistory' is invalid."],
  ];
  for (const [alias, options, status, text] of cases) {
    const res = await unchanged(h.admin, () => rename(alias, options));
    assert.equal(res.status, status, `${alias} ${options}: ${res.text}`);
    assert.equal(res.json.error.message.value, text);
  }
});

test('activation: the KeyRenewal key pair replaces the system one, which goes to KeyHistory as [1]_alias', async () => {
  const first = await importPkcs12(h.admin, 'signing key', pkiKey('ec256.p12'), 'secret', 'fingerprintVerified=true');
  assert.equal(first.status, 204, first.text);
  const old = await entry(h.admin, 'signing key');
  const renewed = await importPkcs12(
    h.admin,
    'signing key',
    fixture('ec384.p12'),
    'secret',
    'fingerprintVerified=true&keystoreName=KeyRenewal',
  );
  assert.equal(renewed.status, 204, renewed.text);
  const fresh = await entry(h.admin, 'signing key', 'KeyRenewal');

  const refused: [string, string, number, string | RegExp][] = [
    ['signing key', 'activate=true', 400, /keystoreName=KeyRenewal/],
    ['nobody', 'keystoreName=KeyRenewal&activate=true', 404, "Alias 'nobody' not found in the keystore"],
  ];
  for (const [alias, options, status, text] of refused) {
    const r = await unchanged(h.admin, () => activate(alias, options));
    assert.equal(r.status, status, `${options}: ${r.text}`);
    if (typeof text === 'string') assert.equal(r.json.error.message.value, text);
    else assert.match(r.json.error.message.value, text);
  }

  const r = await activate('signing key', 'keystoreName=KeyRenewal&activate=true&returnKeystoreEntries=true');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.d.results.find((e: { Alias: string }) => e.Alias === 'signing key').Status, 'changed');
  assert.equal((await entry(h.admin, 'signing key')).FingerprintSha256, fresh.FingerprintSha256);
  assert.equal(
    (await h.admin.get(`/KeystoreEntries('${hex('signing key')}')?$format=json&keystoreName=KeyRenewal`)).status,
    404,
  );

  const history = await h.admin.get(`/HistoryKeystoreEntries('${hex('[1]_signing key')}')?$format=json`);
  assert.equal(history.status, 200, history.text);
  const hist = history.json.d;
  assert.equal(hist.FingerprintSha256, old.FingerprintSha256);
  assert.equal(hist.OriginalAlias, 'signing key');
  assert.equal(hist.ActivationSequenceNumber, 1);
  assert.equal(hist.DeactivatedBy, h.server.adminUser);

  // Activating a renewal entry that replaces nothing simply moves it in.
  const lone = await importPkcs12(
    h.admin,
    'brand new key',
    pkiKey('ec256.p12'),
    'secret',
    'fingerprintVerified=true&keystoreName=KeyRenewal',
  );
  assert.equal(lone.status, 204, lone.text);
  const moved = await activate('brand new key');
  assert.equal(moved.status, 204, moved.text);
  assert.equal((await entry(h.admin, 'brand new key')).Type, 'Key Pair');
});

test('history copy: back into KeyRenewal under its original alias (D24) or destinationAlias; then activated again', async () => {
  const old = await h.admin.get(`/HistoryKeystoreEntries('${hex('[1]_signing key')}')?$format=json`);
  const r = await copy('[1]_signing key');
  assert.equal(r.status, 204, r.text);
  const copied = await entry(h.admin, 'signing key', 'KeyRenewal');
  assert.equal(copied.FingerprintSha256, old.json.d.FingerprintSha256);

  const refused: [string, string, number, string][] = [
    ['[1]_signing key', 'copy=true', 400, 'Keystore entry with alias "signing key" already exists'],
    [
      'signing key',
      'copy=true',
      400,
      "The alias \"signing key\" is invalid: Alias 'signing key' does not start with '['",
    ],
    ['[9]_nothing', 'copy=true', 404, "Alias '[9]_nothing' not found in the keystore"],
    ['[1]_signing key', 'copy=false', 400, "Query option 'copy=true' is missing."],
  ];
  for (const [alias, options, status, text] of refused) {
    const res = await unchanged(h.admin, () => copy(alias, options));
    assert.equal(res.status, status, `${alias} ${options}: ${res.text}`);
    assert.equal(res.json.error.code, status === 404 ? 'Not Found' : 'Bad Request');
    assert.equal(res.json.error.message.value, text);
  }

  const other = await copy(
    '[1]_signing key',
    `copy=true&destinationAlias=${encodeURIComponent('restored key')}&returnKeystoreEntries=true`,
  );
  assert.equal(other.status, 200, other.text);
  assert.equal(other.json.d.results.find((e: { Alias: string }) => e.Alias === 'restored key').Status, 'new');

  // The old key goes live again; the one it replaces becomes [2]_signing key.
  const again = await activate('signing key');
  assert.equal(again.status, 204, again.text);
  assert.equal((await entry(h.admin, 'signing key')).FingerprintSha256, old.json.d.FingerprintSha256);
  const second = await h.admin.get(`/HistoryKeystoreEntries('${hex('[2]_signing key')}')?$format=json`);
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.d.ActivationSequenceNumber, 2);
});
