// §3.10 JWKs from certificates and keystore entries; public parts unless an admin asks for private ones; the
// certificate options of §3.4/§3.5 (NULLIFY/UPDATE/DELETE, updateScope) applied on certificate changes.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  accessToken,
  assertError,
  createEnvironment,
  createProject,
  createUser,
  curl,
  fixture,
  fixturesDir,
  form,
  type Harness,
  rawHeader,
  run,
  startApiOps,
  storeSnapshot,
} from './support.js';

const pem = fixture('certificate.pem');
const der = fixture('certificate.der');

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** RFC 7638, computed here independently of the server. */
function thumbprint(jwk: Record<string, string>): string {
  const members =
    jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

describe('JWKs', () => {
  let h: Harness;
  let work: string;
  let editor: string;
  let otherRsaPem: Buffer;
  const base = '/apiops/projects/MyProject/jwks';
  const certificates = '/apiops/projects/MyProject/certificates';

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-jwks-'));
    await createProject(h.server, 'MyProject');
    await createProject(h.server, 'admin');
    await createEnvironment(h.server, 'MyProject', 'production');
    await createEnvironment(h.server, 'MyProject', 'staging');
    await createEnvironment(h.server, 'admin', 'production');
    await createUser(h.server, 'eddie', 'eddie-password-1', 'editor', 'MyProject');
    editor = await accessToken(h.server, 'eddie', 'eddie-password-1');
    const exported = await run('keytool', [
      '-exportcert',
      '-rfc',
      '-alias',
      'server',
      '-keystore',
      join(fixturesDir, 'server.jks'),
      '-storepass',
      'changeit',
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    otherRsaPem = exported.stdout;
    for (const [project, name] of [
      ['MyProject', 'signing-cert'],
      ['admin', 'global-cert'],
    ] as const) {
      const r = await h.call('POST', `/apiops/projects/${project}/certificates/`, {
        body: form({ certificateName: name, alias: name, environmentList: 'production' }, [
          ['pemEncodedFile', 'c.pem', pem],
        ]),
      });
      assert.equal(r.status, 200, r.text);
    }
    const ks = await h.call(
      'POST',
      '/apiops/projects/MyProject/keystores/',
      json({
        name: 'gateway',
        keyStoreEnvironmentList: [
          { environmentName: 'production', file: fixture('signer.p12').toString('base64'), password: 'p12-secret' },
          { environmentName: 'staging', file: fixture('server.jks').toString('base64'), password: 'changeit' },
        ],
      }),
    );
    assert.equal(ks.status, 200, ks.text);
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  async function refused(
    method: string,
    path: string,
    init: { body?: BodyInit; headers?: Record<string, string> },
    description: string,
  ) {
    const state = await storeSnapshot(h.server);
    assertError(await h.call(method, path, init), 400, 'bad_request', description);
    assert.equal(await storeSnapshot(h.server), state, 'the store is unchanged');
  }

  const getJwk = async (name: string, project = 'MyProject') => {
    const r = await h.call('GET', `/apiops/projects/${project}/jwks/${encodeURIComponent(name)}/`);
    assert.equal(r.status, 200, r.text);
    return r.json.resultList[0];
  };

  const exportJwk = async (name: string, query = '', token = h.token) => {
    const res = await fetch(`${h.server.url}${base}/${name}/export-file/${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { res, text: await res.text() };
  };

  test('create from a certificate with the reference body: public JWK with x5c, x5t#S256 and kid', async () => {
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${base}/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-H',
        'Content-Type: application/json',
        '-d',
        JSON.stringify({
          name: 'my-jwk',
          description: 'API signing key',
          sourceType: 'CERTIFICATE',
          certificateName: 'signing-cert',
          environmentName: 'production',
          useType: 'SIGNATURE',
          algorithm: 'RS256',
        }),
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(JSON.parse(r.body.toString()).deploymentResult.environmentResults[0].environmentName, 'production');

    const item = await getJwk('my-jwk');
    assert.deepEqual(
      { ...item, jwk: undefined },
      {
        name: 'my-jwk',
        description: 'API signing key',
        sourceType: 'CERTIFICATE',
        certificateName: 'signing-cert',
        certificateProjectName: 'MyProject',
        keystoreName: null,
        environmentName: 'production',
        alias: null,
        useType: 'SIGNATURE',
        algorithm: 'RS256',
        kid: item.jwk.kid,
        hasPrivateKey: false,
        jwk: undefined,
      },
    );
    const jwk = item.jwk;
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t#S256']);
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.use, 'sig');
    assert.equal(jwk.kid, thumbprint(jwk));
    assert.deepEqual(jwk.x5c, [der.toString('base64')]);
    assert.equal(jwk['x5t#S256'], createHash('sha256').update(der).digest('base64url'));
    const fromJwk = createPublicKey({ key: jwk, format: 'jwk' });
    assert.ok(fromJwk.equals(new X509Certificate(der).publicKey), 'the JWK is the certificate key');
    const list = await h.call('GET', `${base}/`);
    assert.equal(list.json.resultCount, 1);
    assert.deepEqual(list.json.resultList[0], item);
  });

  test('a keystore key entry gives a JWK with a private key that only an admin gets, and only when asked', async () => {
    const r = await h.call(
      'POST',
      `${base}/`,
      json({ name: 'signer-jwk', sourceType: 'KEYSTORE', keystoreName: 'gateway', environmentName: 'production' }),
    );
    assert.equal(r.status, 200, r.text);
    const item = await getJwk('signer-jwk');
    assert.equal(item.alias, null);
    assert.equal(item.hasPrivateKey, true);
    assert.equal(item.jwk.kty, 'EC');
    assert.equal(item.jwk.crv, 'P-256');
    assert.equal(item.algorithm, 'ES256');
    assert.equal(item.jwk.d, undefined);

    const plain = await exportJwk('signer-jwk');
    assert.equal(plain.res.status, 200);
    assert.equal(plain.res.headers.get('content-disposition'), 'attachment; filename="signer-jwk-jwk.json"');
    assert.deepEqual(JSON.parse(plain.text), { keys: [item.jwk] });

    const full = await exportJwk('signer-jwk', '?publicOnly=false');
    const key = JSON.parse(full.text).keys[0];
    assert.equal(typeof key.d, 'string');
    assert.equal(key.kid, item.jwk.kid);
    // The private JWK signs what the certificate in x5c verifies.
    const signature = sign('sha256', Buffer.from('payload'), createPrivateKey({ key, format: 'jwk' }));
    const cert = new X509Certificate(Buffer.from(item.jwk.x5c[0], 'base64'));
    assert.ok(verify('sha256', Buffer.from('payload'), cert.publicKey, signature));

    const byEditor = await h.call('GET', `${base}/signer-jwk/export-file/?publicOnly=false`, { token: editor });
    assertError(byEditor, 400, 'bad_request', 'User does not have required permission for this operation!');
    const editorPublic = await exportJwk('signer-jwk', '?publicOnly=true', editor);
    assert.equal(JSON.parse(editorPublic.text).keys[0].d, undefined);
    // A certificate's JWK has no private part to give.
    const certificateJwk = JSON.parse((await exportJwk('my-jwk', '?publicOnly=false')).text).keys[0];
    assert.equal(certificateJwk.d, undefined);
    assert.ok(!(await h.call('GET', `${base}/`)).text.includes('"d"'), 'lists never carry private parameters');
  });

  test('an alias names the entry; JKS entries too; the algorithm must fit the key', async () => {
    const r = await h.call(
      'POST',
      `${base}/`,
      json({
        name: 'server-enc',
        sourceType: 'KEYSTORE',
        keyStoreName: 'gateway',
        environmentName: 'staging',
        alias: 'server',
        useType: 'ENCRYPTION',
      }),
    );
    assert.equal(r.status, 200, r.text);
    const item = await getJwk('server-enc');
    assert.equal(item.jwk.use, 'enc');
    assert.equal(item.jwk.alg, 'RSA-OAEP-256');
    assert.equal(item.alias, 'server');
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'x', certificateName: 'signing-cert', environmentName: 'production', algorithm: 'ES256' }),
      'JWK can not be made: ES256 does not fit a RSA key for signatures; use one of RS256, RS384, RS512, PS256, PS384, PS512!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'x', sourceType: 'KEYSTORE', keystoreName: 'gateway', environmentName: 'staging', alias: 'nobody' }),
      'Alias (nobody) is not found in the keystore of environment (staging)!',
    );
  });

  test('a name with quotes, a newline and a slash is kept, and made safe in the download', async () => {
    const name = 'odd "jwk"\nwith/slash';
    const r = await h.call(
      'POST',
      `${base}/`,
      json({ name, certificateName: 'signing-cert', environmentName: 'production' }),
    );
    assert.equal(r.status, 200, r.text);
    assert.equal((await getJwk(name)).name, name);
    const res = await fetch(`${h.server.url}${base}/${encodeURIComponent(name)}/export-file/`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="odd _jwk__with_slash-jwk.json"');
    assert.equal((await h.call('DELETE', `${base}/${encodeURIComponent(name)}/`)).status, 200);
  });

  test('parse-from-certificate and parse-from-keystore preview the public JWK and store nothing', async () => {
    const state = await storeSnapshot(h.server);
    const fromCert = await h.call(
      'POST',
      `${base}/parse-from-certificate`,
      json({ certificateName: 'signing-cert', environmentName: 'production' }),
    );
    assert.equal(fromCert.status, 200, fromCert.text);
    assert.equal(fromCert.json.resultCount, 1);
    assert.equal(fromCert.json.resultList[0].kid, (await getJwk('my-jwk')).kid);
    const fromKeystore = await h.call(
      'POST',
      `${base}/parse-from-keystore`,
      json({ keystoreName: 'gateway', environmentName: 'production' }),
    );
    assert.equal(fromKeystore.status, 200, fromKeystore.text);
    assert.equal(fromKeystore.json.resultList[0].crv, 'P-256');
    assert.equal(fromKeystore.json.resultList[0].d, undefined);
    assert.equal(await storeSnapshot(h.server), state);
  });

  test('every message, with the store unchanged', async () => {
    const good = { name: 'x', certificateName: 'signing-cert', environmentName: 'production' };
    await refused('POST', `${base}/`, json({ ...good, name: '' }), 'JWK name can not be empty!');
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'x', environmentName: 'production' }),
      'sourceType value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, sourceType: 'URL' }),
      'sourceType value must be one of CERTIFICATE, KEYSTORE!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, certificateName: '', sourceType: 'CERTIFICATE' }),
      'certificateName value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, environmentName: '' }),
      'environmentName value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, useType: 'BOTH' }),
      'useType value must be one of SIGNATURE, ENCRYPTION!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, name: 'my-jwk' }),
      'JWK (name: my-jwk) is already exist! Try update operation if want to change its value.',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, certificateName: 'nope' }),
      'Certificate (name: nope) is not found!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, environmentName: 'uat' }),
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ ...good, environmentName: 'staging' }),
      'Certificate (name: signing-cert) has no entry for environment (staging)!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'x', sourceType: 'KEYSTORE', keystoreName: 'nope', environmentName: 'production' }),
      'Keystore (name: nope) is not found!',
    );
    await refused('PUT', `${base}/nope/`, json({ ...good, name: undefined }), 'JWK (name: nope) is not found!');
    await refused('PUT', `${base}/my-jwk/`, json({ ...good, name: 'other' }), 'JWK name can not be changed!');
    await refused('DELETE', `${base}/nope/`, {}, 'JWK (name: nope) is not found!');
    assertError(await h.call('GET', `${base}/nope/`), 400, 'bad_request', 'JWK (name: nope) is not found!');
    assertError(await h.call('GET', `${base}/nope/export-file/`), 400, 'bad_request', 'JWK (name: nope) is not found!');
    assertError(
      await h.call('GET', `${base}/my-jwk/export-file/?publicOnly=no`),
      400,
      'bad_request',
      'publicOnly value must be one of true, false!',
    );
    assertError(
      await h.call('GET', '/apiops/projects/Nope/jwks/'),
      400,
      'bad_request',
      'Project (Nope) is not found or user does not have privilege to access it!',
    );
  });

  test('update remakes the JWK; delete answers the undeployment envelope', async () => {
    const r = await h.call(
      'PUT',
      `${base}/server-enc/`,
      json({
        sourceType: 'KEYSTORE',
        keystoreName: 'gateway',
        environmentName: 'production',
        useType: 'ENCRYPTION',
        description: 'now EC',
      }),
    );
    assert.equal(r.status, 200, r.text);
    const item = await getJwk('server-enc');
    assert.equal(item.jwk.kty, 'EC');
    assert.equal(item.jwk.alg, 'ECDH-ES');
    assert.equal(item.description, 'now EC');
    const d = await h.call('DELETE', `${base}/server-enc/`);
    assert.equal(d.json.deploymentResult.message, 'Undeployment completed successfully');
    assertError(await h.call('GET', `${base}/server-enc/`), 400, 'bad_request', 'JWK (name: server-enc) is not found!');
  });

  test('certificate update: NULLIFY unlinks (the default), UPDATE and updateReferencedJwks=true remake', async () => {
    const put = (query: string, bytes: Buffer) =>
      h.call('PUT', `${certificates}/signing-cert/${query}`, {
        body: form({ alias: 'signing-cert', environmentList: 'production' }, [['pemEncodedFile', 'c.pem', bytes]]),
      });
    const before = await getJwk('my-jwk');
    assert.equal((await put('?jwkUpdateAction=UPDATE', otherRsaPem)).status, 200);
    const updated = await getJwk('my-jwk');
    assert.equal(updated.certificateName, 'signing-cert');
    assert.notEqual(updated.jwk.n, before.jwk.n);
    assert.equal(updated.jwk.kid, thumbprint(updated.jwk), 'a thumbprint kid follows the key');
    assert.equal(updated.jwk.x5c[0], new X509Certificate(otherRsaPem).raw.toString('base64'));

    assert.equal((await put('?updateReferencedJwks=true', pem)).status, 200);
    assert.deepEqual((await getJwk('my-jwk')).jwk, before.jwk);

    assert.equal((await put('', otherRsaPem)).status, 200);
    const unlinked = await getJwk('my-jwk');
    assert.equal(unlinked.certificateName, null);
    assert.equal(unlinked.certificateProjectName, null);
    assert.deepEqual(unlinked.jwk, before.jwk, 'an unlinked JWK keeps its key');
    assert.equal(unlinked.sourceType, 'CERTIFICATE');
  });

  test("a global certificate's JWKs follow it by updateScope; delete NULLIFY or DELETE", async () => {
    const r = await h.call(
      'POST',
      `${base}/`,
      json({ name: 'global-jwk', certificateName: 'global-cert', environmentName: 'production' }),
    );
    assert.equal(r.status, 200, r.text);
    const linked = await getJwk('global-jwk');
    assert.equal(linked.certificateProjectName, 'admin');
    const putGlobal = (query: string, bytes: Buffer) =>
      h.call('PUT', `/apiops/projects/admin/certificates/global-cert/${query}`, {
        body: form({ alias: 'global-cert', environmentList: 'production' }, [['pemEncodedFile', 'c.pem', bytes]]),
      });
    assert.equal((await putGlobal('?jwkUpdateAction=UPDATE&updateScope=SAME_PROJECT', otherRsaPem)).status, 200);
    assert.deepEqual(await getJwk('global-jwk'), linked, "another project's JWK is out of scope");
    assert.equal((await putGlobal('?jwkUpdateAction=UPDATE&updateScope=ALL_PROJECTS', otherRsaPem)).status, 200);
    const followed = await getJwk('global-jwk');
    assert.equal(followed.jwk.x5c[0], new X509Certificate(otherRsaPem).raw.toString('base64'));
    assert.equal(followed.certificateProjectName, 'admin');

    // Delete with NULLIFY (the default) keeps the JWK, unlinked; with DELETE the JWK goes with it.
    await h.call(
      'POST',
      `${base}/`,
      json({ name: 'doomed-jwk', certificateName: 'signing-cert', environmentName: 'production' }),
    );
    const gone = await h.call('DELETE', '/apiops/projects/admin/certificates/global-cert/');
    assert.equal(gone.status, 200, gone.text);
    assert.equal((await getJwk('global-jwk')).certificateName, null);
    const deleted = await curl(
      [
        '-X',
        'DELETE',
        `${h.server.url}${certificates}/signing-cert/?jwkDeleteAction=DELETE`,
        '-H',
        `Authorization: Bearer ${h.token}`,
      ],
      work,
    );
    assert.equal(deleted.status, 200);
    assert.equal(rawHeader(deleted.rawHeaders, 'content-type')?.startsWith('application/json'), true);
    assertError(await h.call('GET', `${base}/doomed-jwk/`), 400, 'bad_request', 'JWK (name: doomed-jwk) is not found!');
    assertError(
      await h.call('DELETE', `${certificates}/nope/?jwkDeleteAction=MAYBE`),
      400,
      'bad_request',
      'jwkDeleteAction value must be one of NULLIFY, DELETE!',
    );
  });
});
