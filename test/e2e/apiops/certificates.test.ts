// §3.2–§3.5: list, get, create, update and delete certificates, with the texts of §1.3 and A9's order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertError,
  createEnvironment,
  createProject,
  curl,
  fixture,
  fixturesDir,
  form,
  type Harness,
  startApiOps,
  storeSnapshot,
} from './support.js';

const pem = fixture('certificate.pem');
const der = fixture('certificate.der');
const partnerPem = fixture('partner-ca.pem');
const partnerDer = fixture('partner-ca.der');

const pemFile = (bytes = pem, name = 'certificate.pem'): [string, string, Buffer] => ['pemEncodedFile', name, bytes];

const deployed = (envs: string[]) => ({
  status: 'SUCCESS',
  success: true,
  deploymentResult: {
    success: true,
    message: 'Deployment completed successfully',
    environmentResults: envs.map((environmentName) => ({
      environmentName,
      success: true,
      message: 'Deployed successfully',
    })),
    detail: 'Deployment completed successfully',
    detailList: envs.map((envName) => ({ envName, success: true, detail: 'Deployed successfully' })),
  },
});

describe('certificates', () => {
  let h: Harness;
  const base = '/apiops/projects/MyProject/certificates';

  before(async () => {
    h = await startApiOps();
    await createProject(h.server, 'MyProject');
    await createEnvironment(h.server, 'MyProject', 'production', 'PRODUCTION');
    await createEnvironment(h.server, 'MyProject', 'staging', 'SANDBOX');
    await createEnvironment(h.server, 'MyProject', 'test', 'TEST');
  });
  after(() => h.stop());

  /** A write that must be refused with this text and leave the store exactly as it was. */
  async function refused(method: string, path: string, body: BodyInit | undefined, description: string) {
    const beforeState = await storeSnapshot(h.server);
    const r = await h.call(method, path, { body });
    assertError(r, 400, 'bad_request', description);
    assert.equal(await storeSnapshot(h.server), beforeState, 'the store is unchanged');
  }

  test('create with the reference curl answers the deployment envelope; get and list show the item', async () => {
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${base}/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'certificateName=my-certificate',
        '-F',
        'alias=my-cert-alias',
        '-F',
        'certificateDescription=SSL certificate for API',
        '-F',
        'environmentList=production,staging',
        '-F',
        'pemEncodedFile=@certificate.pem',
      ],
      fixturesDir,
    );
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(JSON.parse(r.body.toString()), deployed(['production', 'staging']));

    const got = await h.call('GET', `${base}/my-certificate/`);
    assert.equal(got.status, 200);
    const thumb = (await import('node:crypto')).createHash('sha1').update(der).digest('hex');
    const item = {
      environmentName: 'production',
      alias: 'my-cert-alias',
      startDate: got.json.resultList[0].certificateEnvironmentList[0].startDate,
      endDate: got.json.resultList[0].certificateEnvironmentList[0].endDate,
      base64EncodedContent: der.toString('base64'),
      sha1Thumbprint: thumb,
      subjectDn: 'CN=example.com, O=Example Inc, C=US',
    };
    assert.deepEqual(got.json, {
      status: 'SUCCESS',
      success: true,
      resultList: [
        {
          name: 'my-certificate',
          description: 'SSL certificate for API',
          certificateEnvironmentList: [item, { ...item, environmentName: 'staging' }],
        },
      ],
      resultCount: 1,
    });
    assert.match(item.startDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(item.endDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(item.sha1Thumbprint, /^[0-9a-f]{40}$/);
    assert.ok(item.base64EncodedContent.startsWith('MII'));

    const list = await h.call('GET', `${base}/`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, { ...got.json });
    // Without the trailing slash too (A7), no redirect.
    const bare = await h.call('GET', base);
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.json, list.json);
  });

  test('the list envelope counts every certificate; an empty project lists none', async () => {
    const empty = await h.call('GET', '/apiops/projects/default/certificates/');
    assert.deepEqual(empty.json, { status: 'SUCCESS', success: true, resultList: [], resultCount: 0 });
  });

  test('A8: text fields may come from the query string, environmentList as repeated fields', async () => {
    const q = new URLSearchParams({ certificateName: 'from-query', alias: 'from-query', environmentList: 'test' });
    const r = await h.call('POST', `${base}/?${q}`, { body: form({}, [pemFile(partnerPem)]) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, deployed(['test']));

    const repeated = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'repeated', alias: 'repeated', environmentList: ['staging', ' test , staging'] }, [
        pemFile(partnerPem),
      ]),
    });
    assert.equal(repeated.status, 200, repeated.text);
    assert.deepEqual(repeated.json, deployed(['staging', 'test']));
    const got = await h.call('GET', `${base}/repeated/`);
    assert.equal(got.json.resultList[0].description, '', 'A10: the description is optional');
    assert.equal(
      got.json.resultList[0].certificateEnvironmentList[0].base64EncodedContent,
      partnerDer.toString('base64'),
    );
  });

  test('A18: the file may be DER, bare base64, or a PEM bundle (the first certificate counts)', async () => {
    const bare = Buffer.from(partnerDer.toString('base64'));
    for (const [name, bytes, expected] of [
      ['as-der', partnerDer, partnerDer],
      ['as-base64', bare, partnerDer],
      ['as-bundle', fixture('bundle-partner-first.pem'), partnerDer],
    ] as const) {
      const r = await h.call('POST', `${base}/`, {
        body: form({ certificateName: name, alias: name, environmentList: 'production' }, [pemFile(bytes, 'upload')]),
      });
      assert.equal(r.status, 200, `${name}: ${r.text}`);
      const got = await h.call('GET', `${base}/${name}/`);
      assert.equal(
        got.json.resultList[0].certificateEnvironmentList[0].base64EncodedContent,
        expected.toString('base64'),
      );
    }
  });

  test('A9: the empty fields are reported in order, before the project is even looked at', async () => {
    const nowhere = '/apiops/projects/NoProject/certificates/';
    await refused('POST', nowhere, form({}), 'certificateName value can not be empty!');
    await refused('POST', nowhere, form({ certificateName: '  ' }), 'certificateName value can not be empty!');
    await refused('POST', nowhere, form({ certificateName: 'c' }), 'alias value can not be empty!');
    await refused(
      'POST',
      nowhere,
      form({ certificateName: 'c', alias: 'a' }),
      'pemEncodedFile value can not be empty!',
    );
    await refused(
      'POST',
      nowhere,
      form({ certificateName: 'c', alias: 'a', environmentList: 'production' }, [pemFile(Buffer.alloc(0))]),
      'pemEncodedFile value can not be empty!',
    );
    await refused(
      'POST',
      nowhere,
      form({ certificateName: 'c', alias: 'a', environmentList: ' , ' }, [pemFile()]),
      'environmentList value can not be empty!',
    );
    await refused(
      'POST',
      nowhere,
      form({ certificateName: 'c', alias: 'a', environmentList: 'production' }, [pemFile()]),
      'Project (NoProject) is not found or user does not have privilege to access it!',
    );
    // No body at all, not even multipart.
    await refused('POST', `${base}/`, undefined, 'certificateName value can not be empty!');
  });

  test('A9: then environments, then the certificate, then the name, then the alias', async () => {
    const notACertificate = fixture('not-a-certificate.txt');
    // An unknown environment is reported before the file is looked at.
    await refused(
      'POST',
      `${base}/`,
      form({ certificateName: 'c', alias: 'a', environmentList: 'production,uat' }, [pemFile(notACertificate)]),
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    // The file before the name: a taken name with a bad file reports the file.
    const beforeState = await storeSnapshot(h.server);
    const bad = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'my-certificate', alias: 'x', environmentList: 'production' }, [
        pemFile(notACertificate),
      ]),
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error, 'bad_request');
    assert.match(bad.json.error_description, /certificate/i);
    assert.doesNotMatch(bad.json.error_description, /already exist/);
    assert.equal(await storeSnapshot(h.server), beforeState);
    // A private key is not a certificate either.
    const key = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'key', alias: 'key', environmentList: 'production' }, [
        pemFile(fixture('private-key.pem')),
      ]),
    });
    assert.equal(key.status, 400, key.text);
    // The name before the alias: a taken name with a taken alias reports the name.
    await refused(
      'POST',
      `${base}/`,
      form({ certificateName: 'my-certificate', alias: 'my-cert-alias', environmentList: 'production' }, [pemFile()]),
      'Certificate (name: my-certificate) is already exist!',
    );
    // A free name with an alias another certificate holds in one of the environments.
    await refused(
      'POST',
      `${base}/`,
      form({ certificateName: 'other', alias: 'my-cert-alias', environmentList: 'test,staging' }, [pemFile()]),
      'Alias (my-cert-alias) is already used for another certificate, try changing this value!',
    );
  });

  test('an alias may repeat across environments of different certificates', async () => {
    // my-cert-alias is used in production and staging only.
    const r = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'alias-in-test', alias: 'my-cert-alias', environmentList: 'test' }, [pemFile()]),
    });
    assert.equal(r.status, 200, r.text);
  });

  test('update replaces the whole certificate: new content, exactly the listed environments', async () => {
    const r = await h.call('PUT', `${base}/my-certificate/`, {
      body: form({ alias: 'my-cert-alias', environmentList: 'staging', certificateDescription: 'renewed' }, [
        pemFile(partnerPem, 'partner-ca.pem'),
      ]),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, deployed(['staging']));
    const got = await h.call('GET', `${base}/my-certificate/`);
    const item = got.json.resultList[0];
    assert.equal(item.description, 'renewed');
    assert.deepEqual(
      item.certificateEnvironmentList.map((e: { environmentName: string; base64EncodedContent: string }) => [
        e.environmentName,
        e.base64EncodedContent,
      ]),
      [['staging', partnerDer.toString('base64')]],
    );
    assert.equal(item.certificateEnvironmentList[0].subjectDn, 'CN=Partner Root CA, OU=PKI, O=Partner GmbH, C=DE');

    // Its own alias is no conflict; and after the update production is free for others again.
    const again = await h.call('PUT', `${base}/my-certificate/?jwkUpdateAction=UPDATE&updateScope=ALL_PROJECTS`, {
      body: form({ alias: 'my-cert-alias', environmentList: 'production,staging' }, [pemFile()]),
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, deployed(['production', 'staging']));
  });

  test('update refusals: empty fields in order, unknown certificate, alias of another, options', async () => {
    const path = `${base}/my-certificate/`;
    await refused('PUT', path, form({}), 'alias value can not be empty!');
    await refused('PUT', path, form({ alias: 'a' }), 'pemEncodedFile value can not be empty!');
    await refused('PUT', path, form({ alias: 'a' }, [pemFile()]), 'environmentList value can not be empty!');
    await refused(
      'PUT',
      `${base}/nothing-here/`,
      form({ alias: 'a', environmentList: 'production' }, [pemFile()]),
      'Certificate (name: nothing-here) is not found!',
    );
    await refused(
      'PUT',
      path,
      form({ alias: 'my-cert-alias', environmentList: 'production,nowhere' }, [pemFile()]),
      'Environment (nowhere) is not found or user does not have privilege to access it!',
    );
    // alias-in-test holds my-cert-alias in test.
    await refused(
      'PUT',
      `${base}/alias-in-test/`,
      form({ alias: 'repeated', environmentList: 'test' }, [pemFile()]),
      'Alias (repeated) is already used for another certificate, try changing this value!',
    );
    await refused(
      'PUT',
      `${path}?jwkUpdateAction=SOMETIMES`,
      form({ alias: 'my-cert-alias', environmentList: 'production' }, [pemFile()]),
      'jwkUpdateAction value must be one of NULLIFY, UPDATE!',
    );
  });

  test('get and delete of an unknown certificate answer its text', async () => {
    const got = await h.call('GET', `${base}/nothing-here/`);
    assertError(got, 400, 'bad_request', 'Certificate (name: nothing-here) is not found!');
    await refused('DELETE', `${base}/nothing-here/`, undefined, 'Certificate (name: nothing-here) is not found!');
  });

  test('delete undeploys from every environment the certificate had, and it is gone', async () => {
    const r = await h.call('DELETE', `${base}/my-certificate/?jwkDeleteAction=NULLIFY`, {
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {
      status: 'SUCCESS',
      success: true,
      deploymentResult: {
        success: true,
        message: 'Undeployment completed successfully',
        environmentResults: ['production', 'staging'].map((environmentName) => ({
          environmentName,
          success: true,
          message: 'Undeployed successfully',
        })),
        detail: 'Undeployment completed successfully',
        detailList: ['production', 'staging'].map((envName) => ({
          envName,
          success: true,
          detail: 'Undeployed successfully',
        })),
      },
    });
    assertError(
      await h.call('GET', `${base}/my-certificate/`),
      400,
      'bad_request',
      'Certificate (name: my-certificate) is not found!',
    );
    // The name and the alias are free again.
    const again = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'my-certificate', alias: 'my-cert-alias', environmentList: 'production' }, [
        pemFile(),
      ]),
    });
    assert.equal(again.status, 200, again.text);
  });

  test('names and aliases the store refuses answer 400 with a reason', async () => {
    await refused(
      'POST',
      `${base}/`,
      form({ certificateName: 'n'.repeat(251), alias: 'a', environmentList: 'production' }, [pemFile()]),
      'certificateName value can not be longer than 250 characters!',
    );
    const reserved = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'sap', alias: 'sap_thing', environmentList: 'production' }, [pemFile()]),
    });
    assert.equal(reserved.status, 400, reserved.text);
    assert.equal(reserved.json.error, 'bad_request');
    const control = await h.call('POST', `${base}/`, {
      body: form({ certificateName: 'ctl', alias: 'a\u0007b', environmentList: 'production' }, [pemFile()]),
    });
    assert.equal(control.status, 400, control.text);
    await refused(
      'POST',
      `${base}/`,
      form({ certificateName: 'nul\u0000name', alias: 'a', environmentList: 'production' }, [pemFile()]),
      'Request values can not contain NUL characters!',
    );
    assertError(
      await h.call('GET', `${base}/a%00b/`),
      400,
      'bad_request',
      'Request values can not contain NUL characters!',
    );
  });
});
