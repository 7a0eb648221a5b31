import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { basic, type RunningServer, startServer } from '../helpers/server.js';

// A URL with broken percent-encoding never reaches a route; each face still answers in its own error format.
let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

/** fetch() would refuse or re-encode such a URL: send it raw. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('bad percent-encoding: OData error on the SAP face, Apinizer body on API Ops, JSON on REST', async () => {
  const auth = { authorization: basic(server.adminUser, server.adminPassword) };
  const sap = await rawGet("/api/v1/KeystoreEntries('%ZZ')", { ...auth, accept: 'application/json' });
  assert.equal(sap.status, 400);
  assert.equal(JSON.parse(sap.body).error.code, 'Bad Request');
  const sapXml = await rawGet("/api/v1/KeystoreEntries('%ZZ')", auth);
  assert.match(
    sapXml.body,
    /^<\?xml[^>]*\?><error xmlns="http:\/\/schemas.microsoft.com\/ado\/2007\/08\/dataservices\/metadata"><code>Bad Request<\/code>/,
  );
  const ops = await rawGet('/apiops/projects/%ZZ/', auth);
  assert.equal(ops.status, 400);
  assert.equal(JSON.parse(ops.body).error, 'bad_request');
  const rest = await rawGet('/v1/projects/%ZZ', auth);
  assert.equal(rest.status, 400);
  assert.equal(JSON.parse(rest.body).error, 'bad_request');
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
});
