import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, type RunningServer, startServer } from '../helpers/server.js';

// Failed logins are limited per client and name on every face; each answers 429 in its own format.
let server: RunningServer;

before(async () => {
  server = await startServer({ env: { OPENKEYSTORE_LOGIN_FAILURES: '3', OPENKEYSTORE_LOGIN_WINDOW_SECONDS: '60' } });
});
after(() => server.stop());

async function failUntilThrottled(send: () => Promise<Response>): Promise<Response> {
  for (let i = 0; i < 3; i++) {
    const r = await send();
    await r.arrayBuffer();
    assert.equal(r.status, 401, `attempt ${i + 1} is an ordinary failure`);
  }
  return send();
}

test('SAP face: the fourth wrong password gets an OData 429 with Retry-After, and so does the right one', async () => {
  const wrong = () =>
    fetch(`${server.url}/api/v1/KeystoreEntries?$format=json`, {
      headers: { authorization: basic('sap-user', 'nope') },
    });
  const r = await failUntilThrottled(wrong);
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  const body = (await r.json()) as { error: { code: string; message: { value: string } } };
  assert.equal(body.error.code, 'Too Many Requests');
});

test('Apinizer face: Basic and the token endpoint are throttled with Apinizer error bodies', async () => {
  const r = await failUntilThrottled(() =>
    fetch(`${server.url}/apiops/projects/`, { headers: { authorization: basic('ops-user', 'nope') } }),
  );
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.deepEqual(await r.json(), {
    error: 'too_many_requests',
    error_description: 'Too many failed logins! Try again later.',
  });

  const token = (secret: string) =>
    fetch(`${server.url}/apiops/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'token-user', client_secret: secret }),
    });
  const t = await failUntilThrottled(() => token('nope'));
  assert.equal(t.status, 429);
  assert.ok(Number(t.headers.get('retry-after')) > 0);
});

test('SAP token endpoint: throttled after repeated bad client secrets; others are not affected', async () => {
  const token = (user: string, secret: string) =>
    fetch(`${server.url}/oauth/token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { authorization: basic(user, secret) },
    });
  const t = await failUntilThrottled(() => token('oauth-user', 'nope'));
  assert.equal(t.status, 429);
  assert.equal(((await t.json()) as { error: string }).error, 'slow_down');
  const admin = await token(server.adminUser, server.adminPassword);
  assert.equal(admin.status, 200, 'another name from the same client still gets in');
});
