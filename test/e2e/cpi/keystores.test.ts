// §3.8, D21: Keystores('{name}') with $select and $expand=Entries, its Size, its entries as a collection, and the
// four keystore names.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeCertificates } from '../../../bench/seed/certificates.js';
import { seedKeystore } from './server-store.js';
import { findAll, fixture, type Harness, hex, NS, parseXml, startCpi, trustTestCa } from './support.js';

let h: Harness;
let base: string;
const NAMES = ['system', 'backup_admin_system', 'KeyRenewal', 'KeyHistory'];
/** Entries put into backup_admin_system beside the server, more than one server page. */
const BACKUP = 1200;

before(async () => {
  h = await startCpi();
  base = `${h.server.url}/api/v1`;
  await trustTestCa(h.admin, 'test-root-ca');
  for (const [alias, file] of [
    ['smtp', 'smtp.mail.yahoo.com.pem'],
    ['ec leaf', 'ec-leaf.pem'],
  ] as const) {
    const r = await h.admin.putCertificate(alias, fixture(file));
    assert.equal(r.status, 204, r.text);
  }
  await seedKeystore(h.server, 'backup_admin_system', await makeCertificates(BACKUP));
});
after(() => h.stop());

const PROPERTIES = [
  'Name',
  'LastModifiedBy',
  'LastModifiedTime',
  'Size',
  'RuntimeIds',
  'AggregatedStatus',
  'AggregatedErrors',
];

test("Keystores('system') in JSON: the EDMX's properties, Size counting the entries, deferred navigations", async () => {
  const r = await h.admin.get("/Keystores('system')?$format=json");
  assert.equal(r.status, 200, r.text);
  const d = r.json.d;
  assert.deepEqual(Object.keys(d), ['__metadata', ...PROPERTIES, 'Entries', 'Runtimes']);
  const uri = `${base}/Keystores('system')`;
  assert.deepEqual(d.__metadata, { id: uri, uri, type: 'com.sap.hci.api.Keystore' });
  assert.equal(d.Name, 'system');
  assert.equal(d.Size, 3);
  assert.equal(d.LastModifiedBy, h.server.adminUser);
  assert.match(d.LastModifiedTime, /^\/Date\(\d{13}\+0000\)\/$/);
  assert.equal(d.RuntimeIds, null);
  assert.deepEqual(d.Entries, { __deferred: { uri: `${uri}/Entries` } });
});

test('a write to the keystore moves LastModifiedTime and Size', async () => {
  const before = (await h.admin.get("/Keystores('system')?$format=json")).json.d;
  await new Promise((r) => setTimeout(r, 5));
  const put = await h.admin.putCertificate('later', fixture('mycertificate.pem'));
  assert.equal(put.status, 204, put.text);
  const now = (await h.admin.get("/Keystores('system')?$format=json")).json.d;
  assert.equal(now.Size, before.Size + 1);
  const ms = (s: string) => Number(/\d+/.exec(s)?.[0]);
  assert.ok(ms(now.LastModifiedTime) > ms(before.LastModifiedTime));
  const del = await h.admin.write('DELETE', `/KeystoreEntries('${hex('later')}')`);
  assert.equal(del.status, 204, del.text);
});

test('Atom is the default: a Keystore entry with typed properties', async () => {
  const r = await h.admin.get("/Keystores('system')");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/atom+xml;type=entry;charset=utf-8');
  const entry = await parseXml(r.text);
  const category = entry.children.find((c) => c.tag === `${NS.atom}category`);
  assert.equal(category?.attrib.term, 'com.sap.hci.api.Keystore');
  const [props] = findAll(entry, `${NS.m}properties`);
  assert.deepEqual(
    props?.children.map((p) => p.tag),
    PROPERTIES.map((p) => `${NS.d}${p}`),
  );
  const size = props?.children.find((p) => p.tag === `${NS.d}Size`);
  assert.equal(size?.attrib[`${NS.m}type`], 'Edm.Int32');
  assert.equal(size?.text, '3');
});

test('$select narrows the keystore; $expand=Entries writes its entries inline, in Alias order', async () => {
  const sel = await h.admin.get("/Keystores('system')?$format=json&$select=Size,LastModifiedBy");
  assert.deepEqual(Object.keys(sel.json.d), ['__metadata', 'LastModifiedBy', 'Size']);
  const r = await h.admin.get("/Keystores('system')?$format=json&$expand=Entries");
  assert.equal(r.status, 200, r.text);
  const entries = r.json.d.Entries.results;
  assert.deepEqual(
    entries.map((e: { Alias: string }) => e.Alias),
    ['ec leaf', 'smtp', 'test-root-ca'],
  );
  assert.equal(entries[0].__metadata.type, 'com.sap.hci.api.KeystoreEntry');
  assert.equal(entries[0].KeyType, 'EC');
  assert.equal(r.json.d.Entries.__next, undefined);
  // SAP's example: Size and the entries, each narrowed to what $select names under Entries/.
  const narrow = await h.admin.get("/Keystores('system')?$format=json&$expand=Entries&$select=Size,Entries/Alias");
  assert.deepEqual(Object.keys(narrow.json.d), ['__metadata', 'Size', 'Entries']);
  assert.deepEqual(Object.keys(narrow.json.d.Entries.results[0]), ['__metadata', 'Alias']);
  const whole = await h.admin.get("/Keystores('system')?$format=json&$expand=Entries&$select=Entries/*");
  assert.equal(whole.json.d.Entries.results[0].KeyType, 'EC');
  // Expanded but not selected: V2 leaves it out.
  const left = await h.admin.get("/Keystores('system')?$format=json&$expand=Entries&$select=Size");
  assert.deepEqual(Object.keys(left.json.d), ['__metadata', 'Size']);
});

test('Atom $expand: the entries inside <m:inline><feed>', async () => {
  const r = await h.admin.get("/Keystores('system')?$expand=Entries");
  assert.equal(r.status, 200);
  const entry = await parseXml(r.text);
  const link = entry.children.find((c) => c.tag === `${NS.atom}link` && c.attrib.title === 'Entries');
  const inline = link?.children.find((c) => c.tag === `${NS.m}inline`);
  const feed = inline?.children[0];
  assert.equal(feed?.tag, `${NS.atom}feed`);
  assert.equal(findAll(feed as NonNullable<typeof feed>, `${NS.atom}entry`).length, 3);
});

test('a large keystore expands one server page, with __next to its Entries', async () => {
  const r = await h.admin.get("/Keystores('backup_admin_system')?$format=json&$expand=Entries&$select=Entries/Alias");
  assert.equal(r.status, 200);
  const { results, __next } = r.json.d.Entries;
  assert.equal(results.length, 1000);
  assert.equal(__next, `${base}/Keystores('backup_admin_system')/Entries?$format=json&$skiptoken=1000`);
  const rest = await fetch(__next, { headers: { authorization: h.admin.authorization } });
  const d = (await rest.json()).d;
  assert.equal(d.results.length, BACKUP - 1000);
  assert.equal(d.__next, undefined);
});

test("Keystores('{name}')/Entries is a collection with every query option; /$count counts it", async () => {
  const r = await h.admin.get(
    `/Keystores('system')/Entries?$format=json&$select=Alias&$inlinecount=allpages&$filter=${encodeURIComponent("KeyType eq 'RSA'")}`,
  );
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.d.__count, '2');
  assert.deepEqual(
    r.json.d.results.map((e: { Alias: string }) => e.Alias),
    ['smtp', 'test-root-ca'],
  );
  assert.equal((await h.admin.get("/Keystores('KeyRenewal')/Entries/$count")).text, '0');
  assert.equal((await h.admin.get("/Keystores('backup_admin_system')/Entries/$count")).text, String(BACKUP));
});

test('Size/$value is text/plain; Size alone is the property document', async () => {
  const v = await h.admin.get("/Keystores('system')/Size/$value");
  assert.equal(v.status, 200);
  assert.equal(v.headers.get('content-type'), 'text/plain;charset=utf-8');
  assert.equal(v.text, '3');
  assert.equal((await h.admin.get("/Keystores('backup_admin_system')/Size/$value")).text, String(BACKUP));
  const json = await h.admin.get("/Keystores('system')/Size?$format=json");
  assert.deepEqual(json.json, { d: { Size: 3 } });
  const xml = await parseXml((await h.admin.get("/Keystores('system')/Size")).text);
  assert.equal(xml.tag, `${NS.d}Size`);
  assert.equal(xml.attrib[`${NS.m}type`], 'Edm.Int32');
  assert.equal(xml.text, '3');
});

test("the four names are keystores; any other name is SAP's 400", async () => {
  for (const name of NAMES) {
    const r = await h.admin.get(`/Keystores('${name}')?$format=json`);
    assert.equal(r.status, 200, name);
    assert.equal(r.json.d.Name, name);
  }
  for (const path of [
    "/Keystores('foo')",
    "/Keystores('SYSTEM')/Size/$value",
    "/Keystores('x')/Entries",
    '/Keystores(1)',
  ]) {
    const r = await h.admin.get(`${path}${path.includes('?') ? '&' : '?'}$format=json`);
    assert.equal(r.status, 400, path);
    const name = /\('?([^')]*)'?\)/.exec(path)?.[1];
    assert.equal(r.json.error.message.value, `Keystore name '${name}' is invalid.`, path);
  }
});

test('GET Keystores lists the four; $count, $filter and $orderby work on them', async () => {
  const r = await h.admin.get('/Keystores?$format=json&$select=Name,Size');
  assert.equal(r.status, 200);
  assert.deepEqual(
    r.json.d.results.map((k: { Name: string }) => k.Name),
    NAMES,
  );
  assert.equal((await h.admin.get('/Keystores/$count')).text, '4');
  const nonEmpty = await h.admin.get(
    `/Keystores?$format=json&$filter=Size gt 0&$orderby=${encodeURIComponent('Size desc')}`,
  );
  assert.deepEqual(
    nonEmpty.json.d.results.map((k: { Name: string }) => k.Name),
    ['backup_admin_system', 'system'],
  );
});

test('what is not served: $expand=Runtimes 501, an unknown navigation 400, $filter on one keystore 501', async () => {
  const runtimes = await h.admin.get("/Keystores('system')?$format=json&$expand=Runtimes");
  assert.equal(runtimes.status, 501);
  assert.equal(runtimes.json.error.message.value, "Expanding 'Runtimes' is not supported.");
  const nope = await h.admin.get("/Keystores('system')?$format=json&$expand=Nope");
  assert.equal(nope.status, 400);
  assert.equal(
    nope.json.error.message.value,
    "Could not find a navigation property named 'Nope' on type 'com.sap.hci.api.Keystore'.",
  );
  const filter = await h.admin.get("/Keystores('system')?$format=json&$filter=true");
  assert.equal(filter.status, 501);
  const write = await h.admin.write('DELETE', "/Keystores('system')", undefined, { accept: 'application/json' });
  assert.equal(write.status, 405);
});
