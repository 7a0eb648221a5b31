// The two SAP help pages the CPI face is built from, replayed with curl exactly as they are written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic } from '../../helpers/server.js';
import { curl, fixture, fixtureText, type Harness, pemToDer, startCpi, trustTestCa } from './support.js';

let h: Harness;
let auth: string;

before(async () => {
  h = await startCpi();
  auth = basic(h.server.adminUser, h.server.adminPassword);
  await trustTestCa(h.admin);
});
after(() => h.stop());

async function csrfToken(): Promise<string> {
  const r = await curl(['-H', `Authorization: ${auth}`, '-H', 'X-CSRF-Token: Fetch', `${h.server.url}/api/v1/`]);
  assert.equal(r.status, 200);
  const token = r.headers.get('x-csrf-token');
  assert.ok(token);
  return token;
}

test('seed 000: a certificate stored as smtp.mail.yahoo.com exports as PEM under its lowercase Hexalias', async () => {
  // The leaf is signed by the trusted test CA, so it imports without fingerprintVerified.
  const put = await h.admin.putCertificate('smtp.mail.yahoo.com', fixture('smtp.mail.yahoo.com.der'));
  assert.equal(put.status, 204, put.text);

  const r = await curl([
    '-H',
    `Authorization: ${auth}`,
    `${h.server.url}/api/v1/KeystoreEntries('736d74702e6d61696c2e7961686f6f2e636f6d')/Certificate/$value`,
  ]);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers.get('content-type'), 'application/pkix-cert');
  const pem = r.body.toString('utf8');
  assert.match(
    pem,
    /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/,
  );
  assert.deepEqual(pemToDer(pem), fixture('smtp.mail.yahoo.com.der'));
});

test('seed 001: PUT CertificateResources with the bracketed PEM body creates mycertificate', async () => {
  const pem = fixtureText('mycertificate.pem').trim();
  const body = Buffer.from(`[${pem}]`);
  assert.match(body.toString(), /^\[-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\]$/);
  const token = await csrfToken();
  const put = await curl(
    [
      '-X',
      'PUT',
      '-H',
      `Authorization: ${auth}`,
      '-H',
      `X-CSRF-Token: ${token}`,
      '--data-binary',
      '@-',
      `${h.server.url}/api/v1/CertificateResources('6d796365727469666963617465')/$value`,
    ],
    body,
  );
  assert.equal(put.status, 204, put.body.toString());
  assert.equal(put.body.length, 0);

  const list = await h.admin.get('/KeystoreEntries?$format=json');
  const entry = (list.json.d.results as { Alias: string; Hexalias: string; Type: string }[]).find(
    (e) => e.Alias === 'mycertificate',
  );
  assert.ok(entry, list.text);
  assert.equal(entry.Hexalias, '6D796365727469666963617465');
  assert.equal(entry.Type, 'Certificate');

  const get = await curl([
    '-H',
    `Authorization: ${auth}`,
    `${h.server.url}/api/v1/KeystoreEntries('6D796365727469666963617465')/Certificate/$value`,
  ]);
  assert.equal(get.status, 200);
  assert.deepEqual(pemToDer(get.body.toString()), pemToDer(pem));
});

test("the help's hex example: 6D7920616C696173 is the alias 'my alias', in any case", async () => {
  const put = await h.admin.write(
    'PUT',
    "/CertificateResources('6D7920616C696173')/$value",
    fixture('mycertificate.pem'),
  );
  assert.equal(put.status, 204, put.text);
  const entry = await h.admin.get("/KeystoreEntries('6d7920616c696173')?$format=json");
  assert.equal(entry.status, 200, entry.text);
  assert.equal(entry.json.d.Alias, 'my alias');
  assert.equal(entry.json.d.Hexalias, '6D7920616C696173');
  // Percent-encoded quotes and dollar sign, as browsers and some clients send them.
  const encoded = await h.admin.get('/KeystoreEntries(%276D7920616C696173%27)/Certificate/%24value');
  assert.equal(encoded.status, 200, encoded.text);
  assert.deepEqual(pemToDer(encoded.text), pemToDer(fixtureText('mycertificate.pem')));
});
