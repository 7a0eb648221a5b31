// "Bad input gets a clear 4xx in that API's own error format, and leaves the store as it was."
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, type Harness, hex, startCpi, trustTestCa } from './support.js';

let h: Harness;

before(async () => {
  h = await startCpi();
  await trustTestCa(h.admin);
});
after(() => h.stop());

test('odd paths, keys, names and options are 4xx OData errors, never 5xx', async () => {
  const reads = [
    "/KeystoreEntries('00')",
    "/KeystoreEntries('410041')/Certificate/$value",
    "/KeystoreEntries('C3')",
    "/KeystoreEntries('')",
    "/KeystoreEntries('FFFE')",
    `/KeystoreEntries('${'41'.repeat(250)}')`,
    `/KeystoreEntries('${'41'.repeat(1500)}')`,
    "/KeystoreEntries(Hexalias='41',Index=0)",
    "/KeystoreEntries(Hexalias='41',Hexalias='42')",
    "/KeystoreEntries('41',)",
    '/KeystoreEntries()',
    '/KeystoreEntries(%27%27%27)',
    '/Keystore Entries',
    '/KeystoreEntries/$value',
    '/KeystoreEntries/$count/$count',
    '/$metadata/more',
    '/%24metadata',
    '/KeystoreEntries?$select=',
    '/KeystoreEntries?$select=,',
    '/KeystoreEntries?$top=99999999999',
    '/KeystoreEntries?$skip=%00',
    '/KeystoreEntries?keystoreName=%00',
    '/KeystoreEntries?keystoreName=',
    '/KeystoreEntries?$format=json&$format=json',
    '/KeystoreEntries?$inlinecount=allpages&$inlinecount=allpages',
  ];
  for (const path of reads) {
    const r = await h.admin.get(path, { accept: 'application/json' });
    assert.ok(r.status < 500, `${path}: ${r.status} ${r.text}`);
    if (r.status >= 400) assert.ok(r.json?.error?.message?.value, `${path}: ${r.text}`);
  }
  for (const root of [
    '/t/%00/production/api/v1/',
    '/t/default/%00/api/v1/KeystoreEntries',
    '/t/%E2%82/x/api/v1/',
    '/t//production/api/v1/',
  ]) {
    const r = await fetch(`${h.server.url}${root}`, {
      headers: { authorization: h.admin.authorization, accept: 'application/json' },
    });
    assert.ok(r.status >= 400 && r.status < 500, `${root}: ${r.status}`);
  }
});

test('odd writes are 4xx and write nothing', async () => {
  const before = await h.admin.get('/KeystoreEntries?$format=json');
  const writes: [string, string][] = [
    ['PUT', "/CertificateResources('00')/$value"],
    ['PUT', "/CertificateResources('0A')/$value"],
    ['PUT', "/CertificateResources('')/$value"],
    ['PUT', '/CertificateResources/$value'],
    ['PUT', "/CertificateResources('41')"],
    ['PUT', `/CertificateResources('${'41'.repeat(251)}')/$value`],
    ['PUT', "/CertificateResources('41')/$value?update=maybe"],
    ['PUT', "/CertificateResources('41')/$value?fingerprintVerified="],
    ['PUT', "/CertificateResources('41')/$value?returnKeystoreEntries=1"],
    ['DELETE', "/KeystoreEntries('00')"],
    ['DELETE', '/KeystoreEntries'],
    ['DELETE', "/KeystoreEntries('41')?activate=true"],
    ['DELETE', "/KeystoreEntries('41')?keystoreName=nope"],
    ['POST', '/KeystoreEntries'],
    ['MERGE', "/KeystoreEntries('41')"],
    ['PATCH', "/KeystoreEntries('41')"],
  ];
  for (const [method, path] of writes) {
    const r = await h.admin.write(method, path, fixture('mycertificate.pem'), { accept: 'application/json' });
    assert.ok(r.status >= 400 && r.status < 600 && r.status !== 500, `${method} ${path}: ${r.status} ${r.text}`);
    assert.ok(r.json?.error?.message?.value, `${method} ${path}: ${r.text}`);
  }
  const after = await h.admin.get('/KeystoreEntries?$format=json');
  assert.deepEqual(after.json, before.json);
});

test('HEAD answers like GET without a body', async () => {
  const r = await fetch(`${h.server.url}/api/v1/KeystoreEntries('${hex('test-root-ca')}')/Certificate/$value`, {
    method: 'HEAD',
    headers: { authorization: h.admin.authorization },
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pkix-cert');
  assert.equal(await r.text(), '');
});

test('the server is still up and answers after all of it', async () => {
  assert.equal((await fetch(`${h.server.url}/health`)).status, 200);
  assert.deepEqual(await h.admin.aliases(), ['test-root-ca']);
});
