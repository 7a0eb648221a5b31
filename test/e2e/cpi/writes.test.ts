// §3.4 and §3.7: certificate import in SAP's check order, returned entries, delete; refusals leave the store as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, fixture, fixtureText, type Harness, hex, pemToDer, startCpi, trustTestCa } from './support.js';

let h: Harness;

before(async () => {
  h = await startCpi();
  await trustTestCa(h.admin);
});
after(() => h.stop());

/** Runs a refused request and checks that the keystore is exactly as before. */
async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
  const before = await h.admin.get('/KeystoreEntries?$format=json');
  const result = await fn();
  const after = await h.admin.get('/KeystoreEntries?$format=json');
  assert.deepEqual(after.json, before.json, 'a refused write changed the keystore');
  return result;
}

const BIG = Buffer.alloc(20 * 1024 * 1024, 0x41);

test('409 for a certificate without a trust path; its body is the refused KeystoreEntry in JSON (D17)', async () => {
  const r = await unchanged(() => h.admin.putCertificate('untrusted', fixture('selfsigned.pem')));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'Conflict');
  const refused = JSON.parse(r.json.error.message.value);
  assert.equal(refused.d.__metadata.type, 'com.sap.hci.api.KeystoreEntry');
  assert.equal(refused.d.Alias, 'untrusted');
  assert.equal(refused.d.Hexalias, hex('untrusted'));
  assert.equal(refused.d.Validity, 'notTrusted');
  assert.equal(refused.d.Status, 'notImported');
  assert.equal(refused.d.SubjectDN, 'CN=untrusted.example.com, O=Somebody Else, C=DE');
  assert.match(refused.d.FingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  // Verified by the user, the same certificate goes in.
  const ok = await h.admin.putCertificate('untrusted', fixture('selfsigned.pem'), 'fingerprintVerified=True');
  assert.equal(ok.status, 204, ok.text);
});

test('a leaf is trusted once its CA is in the keystore', async () => {
  const fresh = await h.admin.putCertificate('ec before', fixture('ec-leaf.pem'));
  assert.equal(fresh.status, 204, fresh.text);
});

test('reserved aliases: 403 with SAP texts, checked before size and content', async () => {
  const cases: [string, string][] = [
    ['sap_x', "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP."],
    ['SAP_cloudintegrationcertificate', "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP."],
    ['hcicertificate', "The alias is not allowed. The alias 'hcicertificate' is reserved for SAP."],
    ['hcicertificate1', "The alias is not allowed. The alias 'hcicertificate1' is reserved for SAP."],
    ['hcimsgcertificate', "The alias is not allowed. The alias 'hcimsgcertificate' is reserved for SAP."],
  ];
  for (const [alias, text] of cases) {
    for (const body of [fixture('mycertificate.pem'), fixture('garbage.bin'), BIG]) {
      const r = await unchanged(() => h.admin.putCertificate(alias, body, 'fingerprintVerified=true'));
      assert.equal(r.status, 403, `${alias}: ${r.text}`);
      assert.equal(r.json.error.code, 'Forbidden');
      assert.equal(r.json.error.message.value, text);
    }
    const del = await unchanged(() =>
      h.admin.write('DELETE', `/KeystoreEntries('${hex(alias)}')`, undefined, { accept: 'application/json' }),
    );
    assert.equal(del.status, 403, del.text);
    assert.equal(del.json.error.message.value, text);
  }
});

test('bad Hexalias: 400 with the hexBinary texts, before size and content (D9)', async () => {
  const cases: [string, string][] = [
    ['ABC', 'hexBinary needs to be even-length: ABC'],
    ['ZZZ', 'hexBinary needs to be even-length: ZZZ'],
    ['ZZ', 'contains illegal character for hexBinary: ZZ'],
    ['6G', 'contains illegal character for hexBinary: 6G'],
    ['41 42', 'hexBinary needs to be even-length: 41 42'],
  ];
  for (const [key, text] of cases) {
    for (const body of [fixture('mycertificate.pem'), BIG]) {
      const r = await unchanged(() =>
        h.admin.write('PUT', `/CertificateResources('${encodeURIComponent(key)}')/$value`, body, {
          accept: 'application/json',
        }),
      );
      assert.equal(r.status, 400, `${key}: ${r.text}`);
      assert.equal(r.json.error.message.value, text);
    }
    const get = await h.admin.get(`/KeystoreEntries('${encodeURIComponent(key)}')?$format=json`);
    assert.equal(get.status, 400);
    assert.equal(get.json.error.message.value, text);
    const del = await h.admin.write('DELETE', `/KeystoreEntries('${encodeURIComponent(key)}')`, undefined, {
      accept: 'application/json',
    });
    assert.equal(del.status, 400);
    assert.equal(del.json.error.message.value, text);
  }
  const long = await h.admin.get(`/KeystoreEntries('${'41'.repeat(1001)}')?$format=json`);
  assert.equal(long.status, 400);
  const tooLongAlias = await h.admin.putCertificate(
    'a'.repeat(251),
    fixture('mycertificate.pem'),
    'fingerprintVerified=true',
  );
  assert.equal(tooLongAlias.status, 400, tooLongAlias.text);
});

test('413 for a body over 10 240 bytes, declared or streamed; exactly 10 240 is taken', async () => {
  const r = await unchanged(() => h.admin.putCertificate('big', BIG, 'fingerprintVerified=true'));
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'Payload Too Large');
  // Without a Content-Length: the reader counts.
  const streamed = await unchanged(async () => {
    const chunks = [fixture('mycertificate.pem'), Buffer.alloc(20_000, 0x20)];
    const body = new ReadableStream({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    return h.admin.write('PUT', `/CertificateResources('${hex('streamed')}')/$value?fingerprintVerified=true`, body, {
      accept: 'application/json',
    });
  });
  assert.equal(streamed.status, 413, streamed.text);
  const pem = fixture('mycertificate.pem');
  const exact = Buffer.concat([pem, Buffer.alloc(10_240 - pem.length, 0x0a)]);
  assert.equal(exact.length, 10_240);
  const ok = await h.admin.putCertificate('exactly at the limit', exact, 'fingerprintVerified=true');
  assert.equal(ok.status, 204, ok.text);
  const over = await unchanged(() =>
    h.admin.putCertificate('one over', Buffer.concat([exact, Buffer.from('\n')]), 'fingerprintVerified=true'),
  );
  assert.equal(over.status, 413);
});

test('415 for what is not a certificate: garbage, truncated DER, a CRL, nothing', async () => {
  for (const [name, body] of [
    ['garbage', fixture('garbage.bin')],
    ['truncated', fixture('truncated.der')],
    ['crl', fixture('ca.crl.pem')],
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('hello world')],
  ] as const) {
    const r = await unchanged(() => h.admin.putCertificate(`not-${name}`, body, 'fingerprintVerified=true'));
    assert.equal(r.status, 415, `${name}: ${r.text}`);
    assert.equal(r.json.error.code, 'Unsupported Media Type');
    assert.ok(r.json.error.message.value.length > 0);
  }
});

test('every body form of D10 is read, whatever the Content-Type says', async () => {
  const pem = fixtureText('mycertificate.pem');
  const der = pemToDer(pem);
  const forms: [string, Buffer, string | undefined][] = [
    ['pem', Buffer.from(pem), 'application/pkix-cert'],
    ['bracketed', Buffer.from(`[${pem.trim()}]`), undefined],
    ['base64', Buffer.from(der.toString('base64')), 'text/plain'],
    ['der', der, 'application/octet-stream'],
    ['json', Buffer.from(JSON.stringify(pem)), 'application/json'],
    ['odd type', Buffer.from(pem), 'this is not/a media type;;'],
  ];
  for (const [name, body, type] of forms) {
    const r = await h.admin.write('PUT', `/CertificateResources('${hex(`form ${name}`)}')/$value`, body, {
      accept: 'application/json',
      ...(type ? { 'content-type': type } : {}),
    });
    assert.equal(r.status, 204, `${name}: ${r.text}`);
    const get = await h.admin.get(`/KeystoreEntries('${hex(`form ${name}`)}')/Certificate/$value`);
    assert.deepEqual(pemToDer(get.text), der, name);
  }
});

test('create, update and the alias checks of §3.4', async () => {
  const first = await h.admin.putCertificate('rotating', fixture('mycertificate.pem'));
  assert.equal(first.status, 204, first.text);
  const again = await unchanged(() => h.admin.putCertificate('rotating', fixture('ec-leaf.pem')));
  assert.equal(again.status, 400);
  assert.equal(again.json.error.message.value, 'Keystore entry with alias "rotating" already exists');
  const missing = await unchanged(() => h.admin.putCertificate('not there', fixture('ec-leaf.pem'), 'update=true'));
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.message.value, 'Keystore entry with alias "not there" does not exist');
  const badFlag = await unchanged(() => h.admin.putCertificate('rotating', fixture('ec-leaf.pem'), 'update=yes'));
  assert.equal(badFlag.status, 400);
  const update = await h.admin.putCertificate('rotating', fixture('ec-leaf.pem'), 'update=TRUE');
  assert.equal(update.status, 204, update.text);
  const get = await h.admin.get(`/KeystoreEntries('${hex('rotating')}')/Certificate/$value`);
  assert.deepEqual(pemToDer(get.text), pemToDer(fixtureText('ec-leaf.pem')));
});

test('returnKeystoreEntries=true: 200 with every entry, the written one new or changed, the rest unchanged', async () => {
  const created = await h.admin.putCertificate('listed', fixture('mycertificate.pem'), 'returnKeystoreEntries=true');
  assert.equal(created.status, 200, created.text);
  assert.equal(created.headers.get('content-type'), 'application/json;charset=utf-8');
  const results = created.json.d.results as { Alias: string; Status: string }[];
  assert.deepEqual(
    results.map((e) => e.Alias),
    await h.admin.aliases(),
  );
  for (const e of results) assert.equal(e.Status, e.Alias === 'listed' ? 'new' : 'unchanged', e.Alias);
  const changed = await h.admin.putCertificate(
    'listed',
    fixture('ec-leaf.pem'),
    'update=true&returnKeystoreEntries=True',
  );
  assert.equal(changed.status, 200);
  const mine = (changed.json.d.results as { Alias: string; Status: string }[]).find((e) => e.Alias === 'listed');
  assert.equal(mine?.Status, 'changed');
});

test('DELETE: 204, 404 when missing, 200 with the entry as removed when asked (D20)', async () => {
  await h.admin.putCertificate('to delete', fixture('mycertificate.pem'));
  await h.admin.putCertificate('to delete too', fixture('mycertificate.pem'));
  const del = await h.admin.write('DELETE', `/KeystoreEntries('${hex('to delete')}')`);
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '');
  assert.ok(!(await h.admin.aliases()).includes('to delete'));
  const again = await h.admin.write('DELETE', `/KeystoreEntries('${hex('to delete')}')`, undefined, {
    accept: 'application/json',
  });
  assert.equal(again.status, 404);
  assert.equal(again.json.error.message.value, "Alias 'to delete' not found in the keystore");
  const remaining = await h.admin.aliases();
  const listed = await h.admin.write(
    'DELETE',
    `/KeystoreEntries('${hex('to delete too')}')?returnKeystoreEntries=true`,
  );
  assert.equal(listed.status, 200, listed.text);
  const results = listed.json.d.results as { Alias: string; Status: string }[];
  assert.deepEqual(
    results.map((e) => e.Alias),
    remaining,
  );
  for (const e of results) assert.equal(e.Status, e.Alias === 'to delete too' ? 'removed' : 'unchanged');
});

test('a write under the tenant root lands in the same keystore as /api/v1', async () => {
  const tenant = new Client(h.server, h.admin.authorization, '/t/default/production/api/v1');
  const r = await tenant.putCertificate('via tenant root', fixture('mycertificate.pem'));
  assert.equal(r.status, 204, r.text);
  assert.ok((await h.admin.aliases()).includes('via tenant root'));
  assert.deepEqual(await tenant.aliases(), await h.admin.aliases());
});
