// §1.2 and D4: where a CSRF token can be fetched, and that no write gets through without one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, startServer } from '../../helpers/server.js';
import { Client, fixture, type Harness, hex, startCpi, toBody, trustTestCa, userClient } from './support.js';

let h: Harness;
let auth: string;

before(async () => {
  h = await startCpi();
  auth = basic(h.server.adminUser, h.server.adminPassword);
  await trustTestCa(h.admin);
});
after(() => h.stop());

async function fetchToken(path: string, value = 'Fetch', authorization = auth) {
  const r = await fetch(`${h.server.url}${path}`, { headers: { authorization, 'x-csrf-token': value } });
  await r.arrayBuffer();
  return { status: r.status, token: r.headers.get('x-csrf-token'), cookies: r.headers.getSetCookie() };
}

async function putWith(token: string | undefined, alias = 'csrf-test', authorization = auth) {
  const headers: Record<string, string> = { authorization };
  if (token !== undefined) headers['x-csrf-token'] = token;
  const r = await fetch(`${h.server.url}/api/v1/CertificateResources('${hex(alias)}')/$value`, {
    method: 'PUT',
    headers,
    body: toBody(fixture('mycertificate.pem')),
  });
  return {
    status: r.status,
    header: r.headers.get('x-csrf-token'),
    type: r.headers.get('content-type'),
    text: await r.text(),
  };
}

test('a token comes with any GET that asks: host root, service root, $metadata, a 404 path; lowercase too', async () => {
  let n = 0;
  for (const [path, status] of [
    ['/', 200],
    ['/api/v1/', 200],
    ['/api/v1', 200],
    ['/api/v1/$metadata', 200],
    ['/api/v1/NoSuchSet', 404],
    ["/api/v1/KeystoreEntries('6E6F6E65')", 404],
    ['/nowhere/at/all', 404],
  ] as const) {
    for (const value of ['Fetch', 'fetch', 'FETCH']) {
      const r = await fetchToken(path, value);
      assert.equal(r.status, status, `${path} ${value}`);
      assert.match(r.token ?? '', /^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/, `${path} ${value}`);
      assert.ok(
        r.cookies.some((c) => /^JSESSIONID=[0-9a-f]+;.*HttpOnly/.test(c)),
        `${path}: ${r.cookies}`,
      );
      // Each token works for a write.
      const put = await putWith(r.token ?? '', `csrf-${n++}`);
      assert.equal(put.status, 204, `${path} ${value}: ${put.text}`);
    }
  }
});

test('without credentials there is no token: 401 with a Basic challenge, also at the host root', async () => {
  for (const path of ['/', '/api/v1/', '/api/v1/$metadata']) {
    const r = await fetch(`${h.server.url}${path}`, { headers: { 'x-csrf-token': 'Fetch' } });
    await r.arrayBuffer();
    assert.equal(r.status, 401, path);
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="openkeystore"');
    assert.equal(r.headers.get('x-csrf-token'), null);
  }
});

test('a GET without Fetch gets no token', async () => {
  const r = await fetch(`${h.server.url}/api/v1/`, { headers: { authorization: auth } });
  await r.arrayBuffer();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-csrf-token'), null);
});

test('writes without a valid token: 403, X-CSRF-Token: Required, text/plain, nothing written', async () => {
  const before = await h.admin.aliases();
  const bad = ['', 'Fetch', 'Required', 'garbage', 'zzzzzzzz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'];
  const good = (await fetchToken('/api/v1/')).token ?? '';
  // Tampered: the expiry pushed out by one, the signature kept.
  const [expiry = '', mac = ''] = good.split('.');
  bad.push(`${(Number.parseInt(expiry, 36) + 1).toString(36)}.${mac}`);
  for (const token of [undefined, ...bad]) {
    const r = await putWith(token);
    assert.equal(r.status, 403, `token ${token}`);
    assert.equal(r.header, 'Required');
    assert.match(r.type ?? '', /^text\/plain/);
    assert.equal(r.text, 'CSRF token validation failed');
  }
  for (const method of ['DELETE', 'POST', 'PATCH', 'MERGE']) {
    const r = await fetch(`${h.server.url}/api/v1/KeystoreEntries('${hex('test-root-ca')}')`, {
      method,
      headers: { authorization: auth },
    });
    assert.equal(r.status, 403, method);
    assert.equal(r.headers.get('x-csrf-token'), 'Required', method);
    assert.equal(await r.text(), 'CSRF token validation failed');
  }
  // Also on a path that does not exist, and under a tenant root.
  for (const path of ['/api/v1/Nothing', '/t/default/production/api/v1/KeystoreEntries']) {
    const r = await fetch(`${h.server.url}${path}`, { method: 'POST', headers: { authorization: auth } });
    assert.equal(r.status, 403, path);
    assert.equal(r.headers.get('x-csrf-token'), 'Required');
  }
  assert.deepEqual(await h.admin.aliases(), before);
});

test("a token is bound to its user: another user's token is refused", async () => {
  const editor = await userClient(h, 'csrf-editor', 'editor');
  const editorToken = (await fetchToken('/api/v1/', 'Fetch', editor.authorization)).token ?? '';
  const before = await h.admin.aliases();
  const r = await putWith(editorToken, 'not-with-that-token');
  assert.equal(r.status, 403);
  assert.equal(r.header, 'Required');
  assert.deepEqual(await h.admin.aliases(), before);
  // The editor's own token works for the editor.
  const own = await putWith(editorToken, 'with-own-token', editor.authorization);
  assert.equal(own.status, 204, own.text);
});

test('a token fetched with Basic works with a Bearer token of the same user, and the cookie is optional', async () => {
  const token = (await fetchToken('/')).token ?? '';
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: h.server.adminUser,
    client_secret: h.server.adminPassword,
  });
  const t = await fetch(`${h.server.url}/oauth/token`, { method: 'POST', body: form });
  assert.equal(t.status, 200);
  const { access_token } = (await t.json()) as { access_token: string };
  const r = await putWith(token, 'via-bearer', `Bearer ${access_token}`);
  assert.equal(r.status, 204, r.text);
});

test('the tenant root gives tokens too, valid on every root of the server', async () => {
  const tenant = new Client(h.server, auth, '/t/default/production/api/v1');
  const token = await tenant.token();
  const r = await putWith(token, 'token-from-tenant-root');
  assert.equal(r.status, 204, r.text);
});

test('a token from one server is good on another server sharing the store (the secret is in the store)', async () => {
  // Servers sharing a database share the master key too; the first one's data folder holds its key file.
  const second = await startServer({
    dataDir: h.server.dataDir,
    ...(h.server.databaseUrl ? { databaseUrl: h.server.databaseUrl } : {}),
  });
  try {
    const token = (await fetchToken('/api/v1/')).token ?? '';
    const r = await fetch(`${second.url}/api/v1/CertificateResources('${hex('written-on-second')}')/$value`, {
      method: 'PUT',
      headers: { authorization: auth, 'x-csrf-token': token },
      body: toBody(fixture('mycertificate.pem')),
    });
    assert.equal(r.status, 204, await r.text());
  } finally {
    await second.kill();
  }
  assert.ok((await h.admin.aliases()).includes('written-on-second'));
});

test('a token expires after OPENKEYSTORE_CSRF_TTL_SECONDS', async () => {
  const short = await startServer({ env: { OPENKEYSTORE_CSRF_TTL_SECONDS: '1' } });
  try {
    const authorization = basic(short.adminUser, short.adminPassword);
    const r = await fetch(`${short.url}/api/v1/`, { headers: { authorization, 'x-csrf-token': 'Fetch' } });
    await r.arrayBuffer();
    const token = r.headers.get('x-csrf-token') ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const put = await fetch(
      `${short.url}/api/v1/CertificateResources('${hex('late')}')/$value?fingerprintVerified=true`,
      {
        method: 'PUT',
        headers: { authorization, 'x-csrf-token': token },
        body: toBody(fixture('mycertificate.pem')),
      },
    );
    assert.equal(put.status, 403);
    assert.equal(put.headers.get('x-csrf-token'), 'Required');
  } finally {
    await short.stop();
  }
});

test("Prideth's way: after a 403 Required, a GET with 'fetch' on the write URL itself yields the token", async () => {
  const url = `/api/v1/CertificateResources('${hex('prideth')}')/$value?fingerprintVerified=true`;
  const refused = await putWith(undefined, 'prideth');
  assert.equal(refused.header, 'Required');
  const r = await fetchToken(url, 'fetch');
  assert.equal(r.status, 405);
  assert.ok(r.token);
  const put = await putWith(r.token ?? '', 'prideth');
  assert.equal(put.status, 204, put.text);
});
