// §3.9: HistoryKeystoreEntries reads over the KeyHistory keystore, with the activation data an activation stores.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { putMetaEntry } from './server-store.js';
import { findAll, fixtureText, type Harness, hex, NS, parseXml, pemToDer, startCpi, trustTestCa } from './support.js';

let h: Harness;
let base: string;

const HISTORY = [
  {
    alias: '[1]_sap_test',
    meta: {
      OriginalAlias: 'sap_test',
      ActivatedBy: 'alice',
      ActiveFrom: Date.UTC(2024, 0, 1),
      DeactivatedBy: 'bob',
      ActiveUntil: Date.UTC(2025, 0, 1),
      ActivationSequenceNumber: 1,
    },
  },
  {
    alias: '[2]_sap_test',
    meta: {
      OriginalAlias: 'sap_test',
      ActivatedBy: 'bob',
      ActiveFrom: Date.UTC(2025, 0, 1),
      DeactivatedBy: 'carol',
      ActiveUntil: Date.UTC(2026, 0, 1),
      ActivationSequenceNumber: 2,
    },
  },
  {
    alias: '[1]_other',
    meta: {
      OriginalAlias: 'other',
      ActivatedBy: 'alice',
      ActiveFrom: Date.UTC(2023, 5, 1),
      DeactivatedBy: 'alice',
      ActiveUntil: Date.UTC(2024, 5, 1),
      ActivationSequenceNumber: 1,
    },
  },
];

before(async () => {
  h = await startCpi();
  base = `${h.server.url}/api/v1`;
  await trustTestCa(h.admin, 'test-root-ca');
  const der = pemToDer(fixtureText('mycertificate.pem'));
  for (const { alias, meta } of HISTORY) await putMetaEntry(h.server, 'KeyHistory', alias, der, meta);
});
after(() => h.stop());

const ENTRY_PROPERTIES = [
  'Hexalias',
  'Alias',
  'KeyType',
  'KeySize',
  'ValidNotBefore',
  'ValidNotAfter',
  'SerialNumber',
  'SignatureAlgorithm',
  'EllipticCurve',
  'Validity',
  'SubjectDN',
  'IssuerDN',
  'Version',
  'FingerprintSha1',
  'FingerprintSha256',
  'FingerprintSha512',
  'Type',
  'Owner',
  'LastModifiedBy',
  'LastModifiedTime',
  'CreatedBy',
  'CreatedTime',
  'Status',
];
const HISTORY_PROPERTIES = [
  'ActivatedBy',
  'ActiveFrom',
  'DeactivatedBy',
  'ActiveUntil',
  'ActivationSequenceNumber',
  'OriginalAlias',
];
const NAVIGATIONS = ['ChainCertificates', 'Certificate', 'Sshkey', 'Keystore', 'ChainResource', 'SigningRequest'];

const aliases = async (query: string) => {
  const r = await h.admin.get(`/HistoryKeystoreEntries?$format=json&$select=Alias&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.d.results.map((e: { Alias: string }) => e.Alias);
};

test('the list: KeyHistory only, in Alias order, each a HistoryKeystoreEntry with its activation data', async () => {
  const r = await h.admin.get('/HistoryKeystoreEntries?$format=json');
  assert.equal(r.status, 200, r.text);
  const results = r.json.d.results;
  assert.deepEqual(
    results.map((e: { Alias: string }) => e.Alias),
    ['[1]_other', '[1]_sap_test', '[2]_sap_test'],
  );
  const e = results[2];
  assert.deepEqual(Object.keys(e), ['__metadata', ...ENTRY_PROPERTIES, ...HISTORY_PROPERTIES, ...NAVIGATIONS]);
  const uri = `${base}/HistoryKeystoreEntries('5B325D5F7361705F74657374')`;
  assert.deepEqual(e.__metadata, { id: uri, uri, type: 'com.sap.hci.api.HistoryKeystoreEntry' });
  assert.equal(e.Hexalias, '5B325D5F7361705F74657374');
  assert.equal(e.ActivatedBy, 'bob');
  assert.equal(e.ActiveFrom, `/Date(${Date.UTC(2025, 0, 1)}+0000)/`);
  assert.equal(e.DeactivatedBy, 'carol');
  assert.equal(e.ActiveUntil, `/Date(${Date.UTC(2026, 0, 1)}+0000)/`);
  assert.equal(e.ActivationSequenceNumber, 2);
  assert.equal(e.OriginalAlias, 'sap_test');
  assert.equal(e.Status, 'unchanged');
  // History is not in the tenant keystore.
  assert.deepEqual(await h.admin.aliases(), ['test-root-ca']);
});

test("one entry by its Hexalias, with $select; an alias history lacks is SAP's 404", async () => {
  const r = await h.admin.get(`/HistoryKeystoreEntries('${hex('[1]_sap_test').toLowerCase()}')?$format=json`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.d.Alias, '[1]_sap_test');
  assert.equal(r.json.d.ActivationSequenceNumber, 1);
  const sel = await h.admin.get(
    `/HistoryKeystoreEntries('${hex('[1]_sap_test')}')?$format=json&$select=OriginalAlias,ActiveUntil,Alias`,
  );
  assert.deepEqual(Object.keys(sel.json.d), ['__metadata', 'Alias', 'ActiveUntil', 'OriginalAlias']);
  const missing = await h.admin.get(`/HistoryKeystoreEntries('${hex('sap_test')}')?$format=json`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json.error, {
    code: 'Not Found',
    message: { lang: 'en', value: "Alias 'sap_test' not found in the keystore" },
  });
  const odd = await h.admin.get("/HistoryKeystoreEntries('5B3')?$format=json");
  assert.equal(odd.status, 400);
  assert.equal(odd.json.error.message.value, 'hexBinary needs to be even-length: 5B3');
});

test('Atom: typed history properties', async () => {
  const r = await h.admin.get(`/HistoryKeystoreEntries('${hex('[2]_sap_test')}')`);
  assert.equal(r.status, 200);
  const entry = await parseXml(r.text);
  const [props] = findAll(entry, `${NS.m}properties`);
  const prop = (name: string) => props?.children.find((p) => p.tag === `${NS.d}${name}`);
  assert.equal(prop('ActivationSequenceNumber')?.attrib[`${NS.m}type`], 'Edm.Int32');
  assert.equal(prop('ActivationSequenceNumber')?.text, '2');
  assert.equal(prop('ActiveFrom')?.attrib[`${NS.m}type`], 'Edm.DateTimeOffset');
  assert.equal(prop('ActiveFrom')?.text, '2025-01-01T00:00:00Z');
  const category = entry.children.find((c) => c.tag === `${NS.atom}category`);
  assert.equal(category?.attrib.term, 'com.sap.hci.api.HistoryKeystoreEntry');
});

test('$filter and $orderby on the stored columns and on the activation data', async () => {
  assert.deepEqual(await aliases(`$filter=${encodeURIComponent("startswith(Alias,'[1]')")}`), [
    '[1]_other',
    '[1]_sap_test',
  ]);
  assert.deepEqual(await aliases(`$filter=${encodeURIComponent('ActivationSequenceNumber eq 2')}`), ['[2]_sap_test']);
  assert.deepEqual(
    await aliases(`$filter=${encodeURIComponent("OriginalAlias eq 'sap_test' and ActivatedBy eq 'alice'")}`),
    ['[1]_sap_test'],
  );
  assert.deepEqual(await aliases(`$filter=${encodeURIComponent("ActiveUntil lt datetime'2024-12-31T00:00:00'")}`), [
    '[1]_other',
  ]);
  assert.deepEqual(await aliases(`$orderby=${encodeURIComponent('ActiveFrom desc')}`), [
    '[2]_sap_test',
    '[1]_sap_test',
    '[1]_other',
  ]);
  assert.deepEqual(await aliases('$orderby=ActivationSequenceNumber&$top=2'), ['[1]_other', '[1]_sap_test']);
  const counted = await h.admin.get(
    `/HistoryKeystoreEntries?$format=json&$select=Alias&$inlinecount=allpages&$top=1&$filter=${encodeURIComponent("OriginalAlias eq 'sap_test'")}`,
  );
  assert.equal(counted.json.d.__count, '2');
  assert.equal(counted.json.d.results.length, 1);
  assert.equal((await h.admin.get('/HistoryKeystoreEntries/$count')).text, '3');
  assert.equal(
    (await h.admin.get(`/HistoryKeystoreEntries/$count?$filter=${encodeURIComponent('ActivationSequenceNumber eq 1')}`))
      .text,
    '2',
  );
  const bad = await h.admin.get(`/HistoryKeystoreEntries?$format=json&$filter=${encodeURIComponent('Activated eq 1')}`);
  assert.equal(bad.status, 400);
  assert.equal(
    bad.json.error.message.value,
    "Invalid $filter at position 0: 'Activated' is not a property of com.sap.hci.api.HistoryKeystoreEntry.",
  );
});
