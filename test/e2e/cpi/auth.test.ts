// §1.1, D25: credentials, roles per project, tenants, and SAP's token endpoint.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic } from '../../helpers/server.js';
import { Client, cli, curl, fixture, type Harness, hex, startCpi, toBody, trustTestCa, userClient } from './support.js';

let h: Harness;

before(async () => {
  h = await startCpi();
  await trustTestCa(h.admin);
});
after(() => h.stop());

const tokenUrl = () => `${h.server.url}/oauth/token`;

test('401 with a Basic challenge for missing, wrong or malformed credentials, on every kind of path', async () => {
  const headers: (Record<string, string> | undefined)[] = [
    undefined,
    { authorization: basic(h.server.adminUser, 'wrong password') },
    { authorization: basic('nobody', 'whatever-password') },
    { authorization: 'Basic !!!' },
    { authorization: 'Bearer not-a-token' },
    { authorization: 'Digest something' },
  ];
  for (const path of [
    '/api/v1/',
    '/api/v1/$metadata',
    '/api/v1/KeystoreEntries',
    '/api/v1/Nothing',
    '/t/x/y/api/v1/',
  ]) {
    for (const h2 of headers) {
      const r = await fetch(`${h.server.url}${path}`, { headers: h2 });
      const text = await r.text();
      assert.equal(r.status, 401, `${path} ${JSON.stringify(h2)}: ${text}`);
      assert.equal(r.headers.get('www-authenticate'), 'Basic realm="openkeystore"');
      assert.match(text, /Unauthorized/);
    }
  }
  // A write without credentials is refused before anything else, CSRF included, and writes nothing.
  const before = await h.admin.aliases();
  const put = await fetch(`${h.server.url}/api/v1/CertificateResources('${hex('anon')}')/$value`, {
    method: 'PUT',
    body: toBody(fixture('mycertificate.pem')),
  });
  assert.equal(put.status, 401);
  assert.deepEqual(await h.admin.aliases(), before);
});

test('a viewer reads but may not write (403, nothing written); an editor writes', async () => {
  const viewer = await userClient(h, 'vera', 'viewer');
  const list = await viewer.get('/KeystoreEntries?$format=json');
  assert.equal(list.status, 200, list.text);
  const cert = await viewer.get(`/KeystoreEntries('${hex('test-root-ca')}')/Certificate/$value`);
  assert.equal(cert.status, 200);
  const before = await h.admin.aliases();
  const put = await viewer.putCertificate('by viewer', fixture('mycertificate.pem'));
  assert.equal(put.status, 403, put.text);
  assert.equal(put.json.error.code, 'Forbidden');
  assert.match(put.json.error.message.value, /vera/);
  const del = await viewer.write('DELETE', `/KeystoreEntries('${hex('test-root-ca')}')`, undefined, {
    accept: 'application/json',
  });
  assert.equal(del.status, 403);
  assert.deepEqual(await h.admin.aliases(), before);

  const editor = await userClient(h, 'eddie', 'editor');
  const ok = await editor.putCertificate('by editor', fixture('mycertificate.pem'));
  assert.equal(ok.status, 204, ok.text);
  const entry = await h.admin.get(`/KeystoreEntries('${hex('by editor')}')?$format=json`);
  assert.equal(entry.json.d.CreatedBy, 'eddie');
  assert.equal(entry.json.d.LastModifiedBy, 'eddie');
});

test('a user without a role on the project may not even read', async () => {
  const stranger = await userClient(h, 'stranger', null);
  const r = await stranger.get('/KeystoreEntries?$format=json');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'Forbidden');
  // The CSRF fetch itself needs only valid credentials: the host root answers it, the service root still refuses.
  const root = await fetch(`${h.server.url}/`, {
    headers: { authorization: stranger.authorization, 'x-csrf-token': 'Fetch' },
  });
  assert.equal(root.status, 200);
  assert.ok(root.headers.get('x-csrf-token'));
  const service = await fetch(`${h.server.url}/api/v1/`, {
    headers: { authorization: stranger.authorization, 'x-csrf-token': 'Fetch' },
  });
  assert.equal(service.status, 403);
});

test('tenants: /t/{project}/{environment}/api/v1 serves another environment; unknown ones are 404 in the negotiated format', async () => {
  await cli(h.server, 'environments', 'create', 'default', 'test env', '--type', 'TEST');
  const tenant = new Client(h.server, h.admin.authorization, `/t/default/${encodeURIComponent('test env')}/api/v1`);
  assert.deepEqual(await tenant.aliases(), []);
  const put = await tenant.putCertificate('tenant only', fixture('selfsigned.pem'), 'fingerprintVerified=true');
  assert.equal(put.status, 204, put.text);
  assert.deepEqual(await tenant.aliases(), ['tenant only']);
  assert.ok(!(await h.admin.aliases()).includes('tenant only'));
  const links = await tenant.get(`/KeystoreEntries('${hex('tenant only')}')?$format=json`);
  assert.equal(
    links.json.d.__metadata.uri,
    `${h.server.url}/t/default/test%20env/api/v1/KeystoreEntries('${hex('tenant only')}')`,
  );

  for (const root of ['/t/nope/production/api/v1', '/t/default/nope/api/v1']) {
    const direct = await fetch(`${h.server.url}${root}/KeystoreEntries?$format=json`, {
      headers: { authorization: h.admin.authorization },
    });
    assert.equal(direct.status, 404, root);
    const body = (await direct.json()) as { error: { code: string; message: { value: string } } };
    assert.equal(body.error.code, 'Not Found');
    assert.match(body.error.message.value, /nope/);
    const xml = await fetch(`${h.server.url}${root}/`, { headers: { authorization: h.admin.authorization } });
    assert.equal(xml.status, 404);
    assert.match(await xml.text(), /^<\?xml[\s\S]*<code>Not Found<\/code>/);
  }
});

async function token(body: URLSearchParams | null, init: { query?: string; authorization?: string } = {}) {
  const r = await fetch(`${tokenUrl()}${init.query ? `?${init.query}` : ''}`, {
    method: 'POST',
    headers: {
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(init.authorization ? { authorization: init.authorization } : {}),
    },
    body,
  });
  return { status: r.status, headers: r.headers, json: (await r.json()) as Record<string, unknown> };
}

test('/oauth/token: client credentials from Basic, form fields or the query; the token works as Bearer', async () => {
  const out = await cli(h.server, 'clients', 'create', h.server.adminUser, '--description', 'cpi test');
  const clientId = /client_id=(\S+)/.exec(out)?.[1] ?? '';
  const clientSecret = /client_secret=(\S+)/.exec(out)?.[1] ?? '';
  assert.ok(clientId && clientSecret, out);
  const grant = new URLSearchParams({ grant_type: 'client_credentials' });
  const answers = [
    await token(grant, { authorization: basic(clientId, clientSecret) }),
    await token(
      new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    ),
    // contiva: everything in the query, no body.
    await token(null, {
      query: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    }),
  ];
  for (const a of answers) {
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.deepEqual(Object.keys(a.json).sort(), ['access_token', 'expires_in', 'jti', 'scope', 'token_type']);
    assert.equal(a.json.token_type, 'bearer');
    assert.equal(a.json.expires_in, 43199);
    assert.equal(a.headers.get('cache-control'), 'no-store');
    const bearer = new Client(h.server, `Bearer ${a.json.access_token}`);
    const list = await bearer.get('/KeystoreEntries?$format=json');
    assert.equal(list.status, 200, list.text);
    const put = await bearer.putCertificate(`bearer ${String(a.json.jti)}`, fixture('mycertificate.pem'));
    assert.equal(put.status, 204, put.text);
  }
  // curl as the premsaidaggolu client does it: -u id:secret and a form body.
  const r = await curl(['-u', `${clientId}:${clientSecret}`, '-d', 'grant_type=client_credentials', tokenUrl()]);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body.toString()).token_type, 'bearer');
});

test('/oauth/token errors are OAuth JSON: invalid_client 401, unsupported_grant_type and invalid_request 400', async () => {
  const wrong = await token(new URLSearchParams({ grant_type: 'client_credentials' }), {
    authorization: basic(h.server.adminUser, 'not the password'),
  });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error, 'invalid_client');
  assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="openkeystore"');
  const none = await token(new URLSearchParams({ grant_type: 'client_credentials' }));
  assert.equal(none.status, 401);
  assert.equal(none.json.error, 'invalid_client');
  const password = await token(new URLSearchParams({ grant_type: 'password', username: 'a', password: 'b' }), {
    authorization: basic(h.server.adminUser, h.server.adminPassword),
  });
  assert.equal(password.status, 400);
  assert.equal(password.json.error, 'unsupported_grant_type');
  const missing = await token(new URLSearchParams({}), {
    authorization: basic(h.server.adminUser, h.server.adminPassword),
  });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error, 'invalid_request');
  for (const a of [wrong, none, password, missing]) assert.equal(typeof a.json.error_description, 'string');
  const big = await fetch(tokenUrl(), { method: 'POST', body: Buffer.alloc(100_000, 0x61) });
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { error: string }).error, 'invalid_request');
});
