// §3.2, D8, D21, D26: paging options, counts, keystore names and the options not served yet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, type Harness, hex, startCpi } from './support.js';

let h: Harness;
const ALIASES = ['alpha', 'Bravo', 'charlie', 'delta', 'echo'];

before(async () => {
  h = await startCpi();
  // Inserted out of order: the answers are sorted by Alias all the same.
  for (const alias of [...ALIASES].reverse()) {
    const r = await h.admin.putCertificate(alias, fixture('mycertificate.pem'), 'fingerprintVerified=true');
    assert.equal(r.status, 204, r.text);
  }
});
after(() => h.stop());

const sorted = [...ALIASES].sort();

test('$top and $skip page through the entries in Alias order', async () => {
  assert.deepEqual(await h.admin.aliases(), sorted);
  assert.deepEqual(await h.admin.aliases('$top=2'), sorted.slice(0, 2));
  assert.deepEqual(await h.admin.aliases('$skip=3'), sorted.slice(3));
  assert.deepEqual(await h.admin.aliases('$skip=1&$top=2'), sorted.slice(1, 3));
  assert.deepEqual(await h.admin.aliases('$top=0'), []);
  assert.deepEqual(await h.admin.aliases('$skip=99'), []);
});

test('$inlinecount=allpages gives the total as a string beside the page; none gives no count', async () => {
  const r = await h.admin.get('/KeystoreEntries?$format=json&$inlinecount=allpages&$top=1&$select=Alias');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.d.__count, '5');
  assert.equal(r.json.d.results.length, 1);
  const none = await h.admin.get('/KeystoreEntries?$format=json&$inlinecount=none');
  assert.equal(none.json.d.__count, undefined);
  const bad = await h.admin.get('/KeystoreEntries?$format=json&$inlinecount=some');
  assert.equal(bad.status, 400);
});

test('KeystoreEntries/$count is a text/plain number', async () => {
  const r = await h.admin.get('/KeystoreEntries/$count');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain;charset=utf-8');
  assert.equal(r.text, '5');
  assert.equal((await h.admin.get('/KeystoreEntries/$count?$top=2')).text, '2');
  assert.equal((await h.admin.get('/KeystoreEntries/%24count?$skip=4')).text, '1');
  assert.equal((await h.admin.get('/KeystoreEntries/$count?keystoreName=KeyRenewal')).text, '0');
});

test('bad paging values are 400s in the negotiated format', async () => {
  for (const q of ['$top=-1', '$top=abc', '$skip=1.5', '$top=1&$top=2']) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.code, 'Bad Request', q);
  }
});

test('keystoreName takes the four SAP keystores; another name is refused with SAP text', async () => {
  for (const name of ['system', 'backup_admin_system', 'KeyRenewal', 'KeyHistory']) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&keystoreName=${name}`);
    assert.equal(r.status, 200, name);
    assert.equal(r.json.d.results.length, name === 'system' ? 5 : 0, name);
  }
  for (const path of [
    '/KeystoreEntries?$format=json&keystoreName=mine',
    `/KeystoreEntries('${hex('alpha')}')?$format=json&keystoreName=mine`,
    `/KeystoreEntries('${hex('alpha')}')/Certificate/$value?$format=json&keystoreName=SYSTEM`,
  ]) {
    const r = await h.admin.get(path);
    assert.equal(r.status, 400, path);
    const name = /keystoreName=(\w+)/.exec(path)?.[1];
    assert.equal(r.json.error.message.value, `Keystore name '${name}' is invalid.`);
  }
  // An entry of system is not in another keystore.
  const other = await h.admin.get(`/KeystoreEntries('${hex('alpha')}')?$format=json&keystoreName=backup_admin_system`);
  assert.equal(other.status, 404);
  assert.equal(other.json.error.message.value, "Alias 'alpha' not found in the keystore");
});

test('rootCA is accepted on a certificate export and changes nothing for a certificate entry', async () => {
  const plain = await h.admin.get(`/KeystoreEntries('${hex('alpha')}')/Certificate/$value`);
  const root = await h.admin.get(`/KeystoreEntries('${hex('alpha')}')/Certificate/$value?rootCA=TRUE`);
  assert.equal(root.status, 200);
  assert.equal(root.text, plain.text);
  const bad = await h.admin.get(`/KeystoreEntries('${hex('alpha')}')/Certificate/$value?rootCA=yes&$format=json`);
  assert.equal(bad.status, 400);
});

test('system query options not served get 501 naming the option (D8)', async () => {
  for (const option of ['$expand', '$search', '$levels', '$count']) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&${option}=x`);
    assert.equal(r.status, 501, option);
    assert.equal(r.json.error.code, 'Not Implemented');
    assert.equal(r.json.error.message.value, `The system query option '${option}' is not supported.`);
  }
  // A single entry takes no filter or order.
  const one = await h.admin.get(`/KeystoreEntries('${hex('alpha')}')?$format=json&$filter=true`);
  assert.equal(one.status, 501);
  // Custom options that mean nothing here are ignored, as OData says.
  const r = await h.admin.get('/KeystoreEntries?$format=json&sap-client=100');
  assert.equal(r.status, 200);
});

test('paths: unknown sets 404, known but unserved 501, wrong methods 405, malformed keys 400', async () => {
  const cases: [string, number][] = [
    ['/Nothing', 404],
    ['/KeystoreEntries/Nope', 404],
    [`/KeystoreEntries('${hex('alpha')}')/Nope`, 404],
    [`/KeystoreEntries('${hex('alpha')}')/Certificate/$value/more`, 404],
    ['/RuntimeSyncInfos', 501],
    ['/$batch', 501],
    ["/CertificateResources('41')/$value", 405],
    ["/KeystoreEntries('41'", 400],
    ['/KeystoreEntries(41)', 400],
    ["/KeystoreEntries('4''1')", 400],
    [`/KeystoreEntries('${hex('alpha')}')/$count`, 400],
  ];
  for (const [path, status] of cases) {
    const r = await h.admin.get(`${path}${path.includes('?') ? '&' : '?'}$format=json`);
    assert.equal(r.status, status, `${path}: ${r.text}`);
    assert.ok(r.json?.error?.message?.value, `${path}: ${r.text}`);
  }
  // A broken percent-encoding is refused by Fastify's router before any route runs: 400, in Fastify's JSON.
  assert.equal((await h.admin.get('/KeystoreEntries/%E0%A4%A')).status, 400);
  const allow = await h.admin.get("/CertificateResources('41')/$value");
  assert.equal(allow.headers.get('allow'), 'PUT');
});
