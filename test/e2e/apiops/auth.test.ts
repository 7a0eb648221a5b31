// §3.1 token endpoint, the 401 texts of §1.2, and who may read or write (§1.1, A5).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic } from '../../helpers/server.js';
import {
  accessToken,
  assertError,
  call,
  createEnvironment,
  createProject,
  createUser,
  curl,
  fixture,
  fixturesDir,
  form,
  type Harness,
  personalToken,
  startApiOps,
  storeSnapshot,
} from './support.js';

const formBody = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('API Ops authentication and permissions', () => {
  let h: Harness;

  before(async () => {
    h = await startApiOps();
    await createProject(h.server, 'MyProject');
    await createEnvironment(h.server, 'MyProject', 'production', 'PRODUCTION');
    await createProject(h.server, 'Hidden');
    await createUser(h.server, 'vera', 'vera-password-1', 'viewer', 'MyProject');
    await createUser(h.server, 'eddie', 'eddie-password-1', 'editor', 'MyProject');
  });
  after(() => h.stop());

  test('the reference curl gets a Bearer token that then works', async () => {
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}/apiops/auth/token`,
        '-H',
        'Content-Type: application/x-www-form-urlencoded',
        '-d',
        `grant_type=client_credentials&client_id=eddie&client_secret=eddie-password-1`,
      ],
      fixturesDir,
    );
    assert.equal(r.status, 200, r.body.toString());
    const body = JSON.parse(r.body.toString());
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.access_token, 'string');
    assert.ok(Number.isInteger(body.expires_in) && body.expires_in > 0);
    const list = await h.call('GET', '/apiops/projects/MyProject/certificates/', { token: body.access_token });
    assert.equal(list.status, 200, list.text);
    // With the trailing slash too.
    const slash = await call(
      h.server,
      'POST',
      '/apiops/auth/token/',
      formBody({ grant_type: 'client_credentials', client_id: 'eddie', client_secret: 'eddie-password-1' }),
    );
    assert.equal(slash.status, 200, slash.text);
  });

  test('token errors: a grant type other than client_credentials, and bad credentials', async () => {
    for (const grant of ['password', '']) {
      const r = await call(
        h.server,
        'POST',
        '/apiops/auth/token',
        formBody({ grant_type: grant, client_id: 'eddie', client_secret: 'eddie-password-1' }),
      );
      assertError(r, 400, 'unsupported_grant_type', 'GrantType value must be client_credentials!');
    }
    const wrong = await call(
      h.server,
      'POST',
      '/apiops/auth/token',
      formBody({ grant_type: 'client_credentials', client_id: 'eddie', client_secret: 'nope' }),
    );
    assertError(wrong, 401, 'unauthorized_client', 'Bad credentials');
    const nobody = await call(
      h.server,
      'POST',
      '/apiops/auth/token',
      formBody({ grant_type: 'client_credentials', client_id: 'ghost', client_secret: 'x' }),
    );
    assertError(nobody, 401, 'unauthorized_client', 'Bad credentials');
    const missing = await call(h.server, 'POST', '/apiops/auth/token', formBody({ grant_type: 'client_credentials' }));
    assertError(missing, 401, 'unauthorized_client', 'Bad credentials');
    // A body that is not a form holds no grant type.
    const plain = await call(h.server, 'POST', '/apiops/auth/token', {
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=client_credentials',
    });
    assertError(plain, 400, 'unsupported_grant_type', 'GrantType value must be client_credentials!');
    const broken = await call(h.server, 'POST', '/apiops/auth/token', {
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":',
    });
    assertError(broken, 400, 'bad_request', 'The request body can not be read!');
    const huge = await call(
      h.server,
      'POST',
      '/apiops/auth/token',
      formBody({ grant_type: 'client_credentials', client_id: 'x'.repeat(20_000) }),
    );
    assertError(huge, 400, 'bad_request', 'Request body is too large!');
    // RFC 6749 §2.3.1: the client's credentials as HTTP Basic.
    const viaBasic = await call(h.server, 'POST', '/apiops/auth/token', {
      ...formBody({ grant_type: 'client_credentials' }),
      authorization: basic('eddie', 'eddie-password-1'),
    });
    assert.equal(viaBasic.status, 200, viaBasic.text);
  });

  test('401 texts: no credential, an unknown token, an expired token', async () => {
    const path = '/apiops/projects/MyProject/certificates/';
    assertError(
      await h.call('GET', path, { token: null }),
      401,
      'unauthorized_client',
      'Empty Key! Client must be authenticated to access this resource.',
    );
    assertError(
      await h.call('GET', path, { token: 'not-a-real-token' }),
      401,
      'unauthorized_client',
      'Token is not valid!',
    );
    assertError(
      await h.call('GET', path, { authorization: basic('eddie', 'wrong') }),
      401,
      'unauthorized_client',
      'Token is not valid!',
    );
    const shortLived = await personalToken(h.server, 'eddie', 1);
    await new Promise((r) => setTimeout(r, 1500));
    assertError(await h.call('GET', path, { token: shortLived }), 401, 'unauthorized_client', 'Token was expired!');
    // Writes too, before the body is looked at.
    assertError(
      await h.call('POST', path, { token: null, body: form({ certificateName: 'x' }) }),
      401,
      'unauthorized_client',
      'Empty Key! Client must be authenticated to access this resource.',
    );
  });

  test('personal access tokens and Basic work as credentials', async () => {
    const pat = await personalToken(h.server, 'vera');
    assert.equal((await h.call('GET', '/apiops/projects/MyProject/certificates/', { token: pat })).status, 200);
    const viaBasic = await h.call('GET', '/apiops/projects/MyProject/certificates/', {
      authorization: basic('vera', 'vera-password-1'),
    });
    assert.equal(viaBasic.status, 200, viaBasic.text);
  });

  test('a viewer reads but may not write; the store is unchanged', async () => {
    const editor = await accessToken(h.server, 'eddie', 'eddie-password-1');
    const viewer = await accessToken(h.server, 'vera', 'vera-password-1');
    const created = await h.call('POST', '/apiops/projects/MyProject/certificates/', {
      token: editor,
      body: form({ certificateName: 'by-editor', alias: 'by-editor', environmentList: 'production' }, [
        ['pemEncodedFile', 'certificate.pem', fixture('certificate.pem')],
      ]),
    });
    assert.equal(created.status, 200, created.text);

    assert.equal(
      (await h.call('GET', '/apiops/projects/MyProject/certificates/by-editor/', { token: viewer })).status,
      200,
    );
    assert.equal(
      (await h.call('GET', '/apiops/projects/MyProject/certificates/by-editor/export/', { token: viewer })).status,
      200,
    );
    const state = await storeSnapshot(h.server);
    const writes: [string, string, BodyInit | undefined][] = [
      [
        'POST',
        '/apiops/projects/MyProject/certificates/',
        form({ certificateName: 'by-viewer', alias: 'by-viewer', environmentList: 'production' }, [
          ['pemEncodedFile', 'certificate.pem', fixture('certificate.pem')],
        ]),
      ],
      [
        'PUT',
        '/apiops/projects/MyProject/certificates/by-editor/',
        form({ alias: 'by-editor', environmentList: 'production' }, [
          ['pemEncodedFile', 'partner-ca.pem', fixture('partner-ca.pem')],
        ]),
      ],
      ['DELETE', '/apiops/projects/MyProject/certificates/by-editor/', undefined],
    ];
    for (const [method, path, body] of writes) {
      const r = await h.call(method, path, { token: viewer, body });
      assertError(r, 400, 'bad_request', 'User does not have required permission for this operation!');
    }
    assert.equal(await storeSnapshot(h.server), state);
  });

  test('a project the caller has no role in answers like a missing one', async () => {
    const viewer = await accessToken(h.server, 'vera', 'vera-password-1');
    const text = 'Project (Hidden) is not found or user does not have privilege to access it!';
    assertError(
      await h.call('GET', '/apiops/projects/Hidden/certificates/', { token: viewer }),
      400,
      'bad_request',
      text,
    );
    assertError(
      await h.call('GET', '/apiops/projects/Hidden/environments/', { token: viewer }),
      400,
      'bad_request',
      text,
    );
    assertError(
      await h.call('DELETE', '/apiops/projects/Hidden/certificates/x/', { token: viewer }),
      400,
      'bad_request',
      text,
    );
    const projects = await h.call('GET', '/apiops/projects/', { token: viewer });
    assert.deepEqual(
      projects.json.resultList.map((p: { name: string }) => p.name),
      ['MyProject'],
    );
    const envs = await h.call('GET', '/apiops/environments/', { token: viewer });
    assert.deepEqual(
      envs.json.resultList.map((e: { name: string }) => e.name),
      ['production'],
    );
  });
});
