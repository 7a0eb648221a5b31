// §3.10 keystores: JKS and PKCS#12 files made by keytool, uploaded, validated, listed without secrets, and
// given back byte for byte by export-file/; update, delete, import-file and every message.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
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

const serverJks = fixture('server.jks');
const signerP12 = fixture('signer.p12');
const truststoreJks = fixture('truststore.jks');
const truststoreP12 = fixture('truststore.p12');

const deployed = (envs: string[], undeploy = false) => {
  const w = undeploy
    ? { overall: 'Undeployment completed successfully', each: 'Undeployed successfully' }
    : { overall: 'Deployment completed successfully', each: 'Deployed successfully' };
  return {
    status: 'SUCCESS',
    success: true,
    deploymentResult: {
      success: true,
      message: w.overall,
      environmentResults: envs.map((environmentName) => ({ environmentName, success: true, message: w.each })),
      detail: w.overall,
      detailList: envs.map((envName) => ({ envName, success: true, detail: w.each })),
    },
  };
};

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('keystores', () => {
  let h: Harness;
  let work: string;
  let editor: string;
  let viewer: string;
  const base = '/apiops/projects/MyProject/keystores';

  const myKeystore = {
    name: 'my-keystore',
    description: 'Gateway identity',
    keyStoreEnvironmentList: [
      {
        environmentName: 'production',
        file: serverJks.toString('base64'),
        password: 'changeit',
        alias: 'server',
        keyStoreType: 'JKS',
      },
      {
        environmentName: 'staging',
        file: signerP12.toString('base64'),
        password: 'p12-secret',
        keyStoreType: 'PKCS12',
      },
    ],
  };

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-keystores-'));
    await createProject(h.server, 'MyProject');
    await createProject(h.server, 'Other');
    for (const env of ['production', 'staging', 'test']) await createEnvironment(h.server, 'MyProject', env);
    await createEnvironment(h.server, 'Other', 'production');
    await createUser(h.server, 'eddie', 'eddie-password-1', 'editor', 'MyProject');
    await createUser(h.server, 'vera', 'vera-password-1', 'viewer', 'MyProject');
    editor = await accessToken(h.server, 'eddie', 'eddie-password-1');
    viewer = await accessToken(h.server, 'vera', 'vera-password-1');
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  async function refused(
    method: string,
    path: string,
    init: { body?: BodyInit; headers?: Record<string, string>; token?: string },
    description: string,
  ) {
    const state = await storeSnapshot(h.server);
    const r = await h.call(method, path, init);
    assertError(r, 400, 'bad_request', description);
    assert.equal(await storeSnapshot(h.server), state, 'the store is unchanged');
  }

  const download = async (path: string, token = h.token) => {
    const res = await fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  test('create with curl and JSON: keytool files per environment; get and list show no secret', async () => {
    writeFileSync(join(work, 'create.json'), JSON.stringify(myKeystore));
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${base}/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-H',
        'Content-Type: application/json',
        '--data-binary',
        '@create.json',
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(JSON.parse(r.body.toString()), deployed(['production', 'staging']));

    const got = await h.call('GET', `${base}/my-keystore/`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.resultCount, 1);
    const item = got.json.resultList[0];
    assert.equal(item.name, 'my-keystore');
    assert.equal(item.description, 'Gateway identity');
    const [production, staging] = item.keyStoreEnvironmentList;
    assert.deepEqual(
      { ...production, entryList: undefined },
      {
        environmentName: 'production',
        alias: 'server',
        keyStoreType: 'JKS',
        fileSize: serverJks.length,
        sha256Thumbprint: sha256(serverJks),
        entryList: undefined,
      },
    );
    assert.deepEqual(
      production.entryList.map((e: { alias: string; entryType: string }) => [e.alias, e.entryType]),
      [
        ['partner-ca', 'TrustedCertificateEntry'],
        ['server', 'PrivateKeyEntry'],
      ],
    );
    const server = production.entryList[1];
    assert.equal(server.subjectDn, 'CN=api.example.com, O=Example Inc, C=US');
    assert.match(server.startDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.match(server.sha1Thumbprint, /^[0-9a-f]{40}$/);
    // The first key entry is the alias when none is given.
    assert.equal(staging.alias, 'signer');
    assert.equal(staging.keyStoreType, 'PKCS12');
    for (const secret of ['changeit', 'p12-secret', serverJks.toString('base64').slice(0, 40)])
      assert.ok(!got.text.includes(secret), 'no password or file in the answer');

    const list = await h.call('GET', `${base}/`);
    assert.equal(list.json.resultCount, 1);
    assert.deepEqual(list.json.resultList[0], item);
  });

  test('export-file/ gives each environment its original file, byte for byte; keytool reads it', async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}${base}/my-keystore/export-file/?environmentName=production`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '--output',
        'exported.jks',
      ],
      work,
    );
    assert.equal(r.status, 200);
    assert.equal(rawHeader(r.rawHeaders, 'content-type'), 'application/octet-stream');
    assert.equal(rawHeader(r.rawHeaders, 'content-disposition'), 'attachment; filename="my-keystore-production.jks"');
    const exported = readFileSync(join(work, 'exported.jks'));
    assert.deepEqual(exported, serverJks);
    assert.equal(Number(rawHeader(r.rawHeaders, 'content-length')), serverJks.length);
    const listed = await run('keytool', ['-list', '-keystore', join(work, 'exported.jks'), '-storepass', 'changeit']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout.toString(), /server, .*PrivateKeyEntry/);

    const p12 = await download(`${base}/my-keystore/export-file/?environmentName=staging`);
    assert.equal(p12.res.headers.get('content-disposition'), 'attachment; filename="my-keystore-staging.p12"');
    assert.deepEqual(p12.bytes, signerP12);

    const all = await download(`${base}/my-keystore/export-file/`);
    assert.equal(all.res.headers.get('content-disposition'), 'attachment; filename="my-keystore-keystores.zip"');
    const files = unzipSync(new Uint8Array(all.bytes));
    assert.deepEqual(Object.keys(files), ['my-keystore-production.jks', 'my-keystore-staging.p12']);
    assert.deepEqual(Buffer.from(files['my-keystore-production.jks']!), serverJks);
    assert.deepEqual(Buffer.from(files['my-keystore-staging.p12']!), signerP12);
  });

  test('export-file/ errors: an environment without a file, an unknown one, an unknown keystore', async () => {
    assertError(
      await h.call('GET', `${base}/my-keystore/export-file/?environmentName=test`),
      400,
      'bad_request',
      'Keystore (name: my-keystore) has no file for environment (test)!',
    );
    assertError(
      await h.call('GET', `${base}/my-keystore/export-file/?environmentName=uat`),
      400,
      'bad_request',
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    assertError(
      await h.call('GET', `${base}/nope/export-file/`),
      400,
      'bad_request',
      'Keystore (name: nope) is not found!',
    );
  });

  test('private material leaves only to project admins; a viewer may read, not write', async () => {
    assertError(
      await h.call('GET', `${base}/my-keystore/export-file/?environmentName=production`, { token: editor }),
      400,
      'bad_request',
      'User does not have required permission for this operation!',
    );
    assert.equal((await h.call('GET', `${base}/my-keystore/`, { token: viewer })).status, 200);
    await refused(
      'POST',
      `${base}/`,
      { ...json({ ...myKeystore, name: 'by-viewer' }), token: viewer },
      'User does not have required permission for this operation!',
    );
    await refused(
      'DELETE',
      `${base}/my-keystore/`,
      { token: viewer },
      'User does not have required permission for this operation!',
    );
    assertError(
      await h.call('GET', `${base}/`, { token: null }),
      401,
      'unauthorized_client',
      'Empty Key! Client must be authenticated to access this resource.',
    );
  });

  test('create refuses, in order, with the store unchanged', async () => {
    const env = myKeystore.keyStoreEnvironmentList[0]!;
    const withEnv = (patch: Record<string, unknown>) => ({
      name: 'k2',
      keyStoreEnvironmentList: [{ ...env, ...patch }],
    });
    await refused(
      'POST',
      `${base}/`,
      json(myKeystore),
      'Keystore (name: my-keystore) is already exist! Try update operation if want to change its value.',
    );
    await refused('POST', `${base}/`, json({ ...myKeystore, name: '  ' }), 'Keystore name can not be empty!');
    await refused('POST', `${base}/`, json({ name: 'k2' }), 'keyStoreEnvironmentList value can not be empty!');
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'k2', keyStoreEnvironmentList: [] }),
      'keyStoreEnvironmentList value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ environmentName: '' })),
      'environmentName value can not be empty!',
    );
    await refused('POST', `${base}/`, json(withEnv({ file: '' })), 'file value can not be empty!');
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ file: 'not base64!' })),
      'file value of environment (production) is not valid base64!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ keyStoreType: 'PEM' })),
      'keyStoreType value must be one of JKS, JCEKS, PKCS12!',
    );
    await refused('POST', `${base}/`, json(withEnv({ password: 42 })), 'password value must be a text!');
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ environmentName: 'uat' })),
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    await refused(
      'POST',
      `${base}/`,
      json({ name: 'k2', keyStoreEnvironmentList: [env, env] }),
      'Environment (production) is listed more than once!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ password: 'wrong-password' })),
      'Keystore file of environment (production) can not be opened with the given password!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ keyStoreType: 'PKCS12' })),
      'Keystore file of environment (production) is a JKS keystore, not PKCS12!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ file: fixture('certificate.der').toString('base64'), keyStoreType: undefined })),
      'Keystore file of environment (production) is not a JKS or PKCS12 keystore!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ file: signerP12.toString('base64'), password: 'p12-wrong', keyStoreType: 'PKCS12' })),
      'Keystore file of environment (production) can not be opened with the given password!',
    );
    await refused(
      'POST',
      `${base}/`,
      json(withEnv({ alias: 'nobody' })),
      'Alias (nobody) is not found in the keystore of environment (production)!',
    );
    await refused(
      'POST',
      '/apiops/projects/NoProject/keystores/',
      json(myKeystore),
      'Project (NoProject) is not found or user does not have privilege to access it!',
    );
    await refused(
      'POST',
      `${base}/`,
      { headers: { 'content-type': 'application/json' }, body: '[1,2]' },
      'The request body must be a JSON object!',
    );
    await refused('POST', `${base}/`, {}, 'The request body must be a JSON object!');
  });

  test('update replaces the environments; one without a file keeps its stored file', async () => {
    const r = await h.call(
      'PUT',
      `${base}/my-keystore/`,
      json({
        name: 'my-keystore',
        description: 'Only production now',
        keyStoreEnvironmentList: [
          { environmentName: 'production', alias: 'partner-ca' },
          {
            environmentName: 'test',
            file: truststoreP12.toString('base64'),
            password: 'trust-pass',
            keyStoreType: 'PKCS12',
          },
        ],
      }),
    );
    assert.deepEqual(r.json, deployed(['production', 'test']));
    const got = (await h.call('GET', `${base}/my-keystore/`)).json.resultList[0];
    assert.equal(got.description, 'Only production now');
    assert.deepEqual(
      got.keyStoreEnvironmentList.map((e: { environmentName: string; alias: string; keyStoreType: string }) => [
        e.environmentName,
        e.alias,
        e.keyStoreType,
      ]),
      [
        ['production', 'partner-ca', 'JKS'],
        ['test', '', 'PKCS12'],
      ],
    );
    assert.deepEqual((await download(`${base}/my-keystore/export-file/?environmentName=production`)).bytes, serverJks);
    assert.deepEqual((await download(`${base}/my-keystore/export-file/?environmentName=test`)).bytes, truststoreP12);
    await refused(
      'PUT',
      `${base}/my-keystore/`,
      json({ keyStoreEnvironmentList: [{ environmentName: 'production', password: 'not-it' }] }),
      'Keystore file of environment (production) can not be opened with the given password!',
    );
    await refused(
      'PUT',
      `${base}/my-keystore/`,
      json({ keyStoreEnvironmentList: [{ environmentName: 'staging' }] }),
      'file value can not be empty!',
    );
    await refused(
      'PUT',
      `${base}/my-keystore/`,
      json({ name: 'renamed', keyStoreEnvironmentList: [{ environmentName: 'production' }] }),
      'Keystore name can not be changed!',
    );
    await refused(
      'PUT',
      `${base}/nope/`,
      json({ keyStoreEnvironmentList: [{ environmentName: 'production' }] }),
      'Keystore (name: nope) is not found!',
    );
  });

  test('import-file/ takes one keytool file for the named environments; export-file/ gives it back', async () => {
    writeFileSync(join(work, 'truststore.jks'), truststoreJks);
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${base}/import-file/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'name=partner-trust',
        '-F',
        'environmentName=production,staging',
        '-F',
        'password=trust-pass',
        '-F',
        'keyStoreType=JKS',
        '-F',
        'file=@truststore.jks',
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(JSON.parse(r.body.toString()), deployed(['production', 'staging']));
    for (const env of ['production', 'staging'])
      assert.deepEqual(
        (await download(`${base}/partner-trust/export-file/?environmentName=${env}`)).bytes,
        truststoreJks,
      );
    // Again for one environment: only that one is replaced.
    const again = await h.call('POST', `${base}/import-file/`, {
      body: form({ name: 'partner-trust', environmentName: 'staging', password: 'p12-secret' }, [
        ['file', 'signer.p12', signerP12],
      ]),
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(
      (await download(`${base}/partner-trust/export-file/?environmentName=production`)).bytes,
      truststoreJks,
    );
    assert.deepEqual((await download(`${base}/partner-trust/export-file/?environmentName=staging`)).bytes, signerP12);

    const file: [string, string, Buffer] = ['file', 'truststore.jks', truststoreJks];
    await refused(
      'POST',
      `${base}/import-file/`,
      { body: form({ environmentName: 'production' }, [file]) },
      'Keystore name can not be empty!',
    );
    await refused(
      'POST',
      `${base}/import-file/`,
      { body: form({ name: 'x', environmentName: 'production' }) },
      'file value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/import-file/`,
      { body: form({ name: 'x' }, [file]) },
      'environmentName value can not be empty!',
    );
    await refused(
      'POST',
      `${base}/import-file/`,
      { body: form({ name: 'x', environmentName: 'production', password: 'wrong' }, [file]) },
      'Keystore file of environment (production) can not be opened with the given password!',
    );
    await refused(
      'POST',
      `${base}/import-file/`,
      {
        body: form({ name: 'x', environmentName: 'production' }, [
          ['file', 'x.zip', Buffer.from('PK\u0003\u0004rest')],
        ]),
      },
      'keystores/import-file/ takes one JKS or PKCS12 file; import a keystore package with keystores/import/!',
    );
  });

  test('names with quotes, newlines and slashes are kept, and made safe in downloads', async () => {
    const name = 'odd "ks"\nwith/slash';
    const r = await h.call(
      'POST',
      `${base}/`,
      json({
        name,
        keyStoreEnvironmentList: [
          { environmentName: 'production', file: truststoreJks.toString('base64'), password: 'trust-pass' },
        ],
      }),
    );
    assert.equal(r.status, 200, r.text);
    const got = await h.call('GET', `${base}/${encodeURIComponent(name)}/`);
    assert.equal(got.json.resultList[0].name, name);
    const { res, bytes } = await download(
      `${base}/${encodeURIComponent(name)}/export-file/?environmentName=production`,
    );
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="odd _ks__with_slash-production.jks"');
    assert.deepEqual(bytes, truststoreJks);
  });

  test('delete answers the undeployment envelope and removes the keystore', async () => {
    const r = await curl(
      ['-X', 'DELETE', `${h.server.url}${base}/partner-trust/`, '-H', `Authorization: Bearer ${h.token}`],
      fixturesDir,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), deployed(['production', 'staging'], true));
    assertError(
      await h.call('GET', `${base}/partner-trust/`),
      400,
      'bad_request',
      'Keystore (name: partner-trust) is not found!',
    );
    await refused('DELETE', `${base}/partner-trust/`, {}, 'Keystore (name: partner-trust) is not found!');
  });
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
