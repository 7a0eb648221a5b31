// §3.7 POST …/certificates/import-file/: a single certificate or the export ZIP, environmentMapping,
// unresolvedReferences, only the named environments replaced; hostile archives refused, the store unchanged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { craftZip } from '../../helpers/zip-craft.js';
import {
  assertError,
  createEnvironment,
  createProject,
  createUser,
  curl,
  fixture,
  form,
  type Harness,
  startApiOps,
  storeSnapshot,
} from './support.js';

const pem = fixture('certificate.pem');
const der = fixture('certificate.der');
const partnerDer = fixture('partner-ca.der');

/** The DER of every environment of a certificate, from its export ZIP. */
async function exported(h: Harness, project: string, name: string): Promise<Record<string, Buffer>> {
  const res = await fetch(
    `${h.server.url}/apiops/projects/${encodeURIComponent(project)}/certificates/${encodeURIComponent(name)}/export/`,
    { headers: { authorization: `Bearer ${h.token}` } },
  );
  assert.equal(res.status, 200);
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
}

describe('certificate import-file', () => {
  let h: Harness;
  let work: string;
  const importPath = (project: string) => `/apiops/projects/${project}/certificates/import-file/`;

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-import-'));
    await createProject(h.server, 'Source');
    await createProject(h.server, 'Target');
    await createProject(h.server, 'Mapped');
    for (const env of ['production', 'staging', 'test']) {
      await createEnvironment(h.server, 'Source', env);
      await createEnvironment(h.server, 'Target', env);
    }
    await createEnvironment(h.server, 'Mapped', 'Production');
    await createEnvironment(h.server, 'Mapped', 'UAT');
    await createUser(h.server, 'vera', 'vera-password-1', 'viewer', 'Target');
    const created = await h.call('POST', '/apiops/projects/Source/certificates/', {
      body: form(
        {
          certificateName: 'partner-ca',
          alias: 'partner-ca',
          certificateDescription: 'Partner root',
          environmentList: 'production,staging,test',
        },
        [['pemEncodedFile', 'certificate.pem', pem]],
      ),
    });
    assert.equal(created.status, 200, created.text);
    // Staging gets other material, so each environment's bytes are told apart in the round trip.
    const staging = await h.call('POST', importPath('Source'), {
      body: form({ certificateName: 'partner-ca', alias: 'partner-ca', environmentList: 'staging' }, [
        ['certificateFile', 'partner-ca.der', partnerDer],
      ]),
    });
    assert.deepEqual(staging.json, { status: 'SUCCESS', success: true });
    const res = await fetch(`${h.server.url}/apiops/projects/Source/certificates/partner-ca/export/`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    writeFileSync(join(work, 'partner-ca-certificates.zip'), Buffer.from(await res.arrayBuffer()));
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  /** A write that must be refused with this text and leave the store exactly as it was. */
  async function refused(project: string, body: FormData, description: string) {
    const state = await storeSnapshot(h.server);
    const r = await h.call('POST', importPath(project), { body });
    assertError(r, 400, 'bad_request', description);
    assert.equal(await storeSnapshot(h.server), state, 'the store is unchanged');
  }

  test('export ZIP → import-file into another project → export gives the same DER in every environment', async () => {
    const source = await exported(h, 'Source', 'partner-ca');
    assert.deepEqual(source['partner-ca-staging.cer'], partnerDer);
    assert.deepEqual(source['partner-ca-production.cer'], der);
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${importPath('Target')}`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'certificateFile=@partner-ca-certificates.zip',
        '-F',
        'certificateName=partner-ca',
        '-F',
        'alias=partner-ca',
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(JSON.parse(r.body.toString()), { status: 'SUCCESS', success: true });
    assert.deepEqual(await exported(h, 'Target', 'partner-ca'), source);
    // Imported again: the same state, nothing new to say.
    const again = await h.call('POST', importPath('Target'), {
      body: form({ certificateName: 'partner-ca', alias: 'partner-ca' }, [
        ['certificateFile', 'partner-ca-certificates.zip', zipOf(source)],
      ]),
    });
    assert.deepEqual(again.json, { status: 'SUCCESS', success: true });
    assert.deepEqual(await exported(h, 'Target', 'partner-ca'), source);
  });

  test('environmentMapping renames and leaves out; other entries are reported in unresolvedReferences', async () => {
    const source = await exported(h, 'Source', 'partner-ca');
    writeFileSync(join(work, 'mapped.zip'), zipOf({ ...source, 'README.txt': Buffer.from('how this was made') }));
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${importPath('Mapped')}`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'certificateFile=@mapped.zip',
        '-F',
        'certificateName=partner-ca',
        '-F',
        'alias=partner-ca',
        '-F',
        'certificateDescription=Mapped copy',
        '-F',
        'environmentMapping={"staging":"UAT","production":"Production","test":""}',
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    const body = JSON.parse(r.body.toString());
    assert.deepEqual(body, {
      status: 'SUCCESS',
      success: true,
      unresolvedReferences: [
        "Environment (test) was deliberately left out by the caller's mapping.",
        'Archive entry (README.txt) does not name an environment of certificate (partner-ca) and was not imported.',
      ],
    });
    const got = await h.call('GET', '/apiops/projects/Mapped/certificates/partner-ca/');
    const item = got.json.resultList[0];
    assert.equal(item.description, 'Mapped copy');
    const byEnv = Object.fromEntries(
      item.certificateEnvironmentList.map((e: { environmentName: string; base64EncodedContent: string }) => [
        e.environmentName,
        e.base64EncodedContent,
      ]),
    );
    assert.deepEqual(byEnv, { Production: der.toString('base64'), UAT: partnerDer.toString('base64') });
  });

  test('a single file replaces only the listed environments; the others keep theirs', async () => {
    await h.call('POST', '/apiops/projects/Target/certificates/', {
      body: form({ certificateName: 'only-some', alias: 'only-some', environmentList: 'production,staging,test' }, [
        ['pemEncodedFile', 'certificate.pem', pem],
      ]),
    });
    const r = await h.call('POST', importPath('Target'), {
      body: form({ certificateName: 'only-some', alias: 'only-some', environmentList: 'staging' }, [
        ['certificateFile', 'partner-ca.der', partnerDer],
      ]),
    });
    assert.deepEqual(r.json, { status: 'SUCCESS', success: true });
    const after = await exported(h, 'Target', 'only-some');
    assert.deepEqual(after['only-some-production.cer'], der);
    assert.deepEqual(after['only-some-test.cer'], der);
    assert.deepEqual(after['only-some-staging.cer'], partnerDer);
    // A new alias in one environment replaces that environment's entry; the description stays when not sent.
    const alias = await h.call('POST', importPath('Target'), {
      body: form({ certificateName: 'only-some', alias: 'renamed', environmentList: 'test' }, [
        ['certificateFile', 'certificate.pem', pem],
      ]),
    });
    assert.equal(alias.status, 200, alias.text);
    const got = await h.call('GET', '/apiops/projects/Target/certificates/only-some/');
    const aliases = got.json.resultList[0].certificateEnvironmentList.map(
      (e: { environmentName: string; alias: string }) => `${e.environmentName}:${e.alias}`,
    );
    assert.deepEqual(aliases.sort(), ['production:only-some', 'staging:only-some', 'test:renamed']);
  });

  test('a PEM with the fields as query parameters creates the certificate (A8)', async () => {
    const r = await h.call(
      'POST',
      `${importPath('Target')}?certificateName=from-query&alias=from-query&environmentList=production`,
      { body: form({}, [['certificateFile', 'certificate.pem', pem]]) },
    );
    assert.deepEqual(r.json, { status: 'SUCCESS', success: true });
    assert.deepEqual((await exported(h, 'Target', 'from-query'))['from-query-production.cer'], der);
  });

  test('every documented message, in A9 order, with the store unchanged', async () => {
    const file: [string, string, Buffer] = ['certificateFile', 'certificate.pem', pem];
    await refused(
      'Target',
      form({ alias: 'a', environmentList: 'production' }, [file]),
      'certificateName value can not be empty!',
    );
    await refused(
      'Target',
      form({ certificateName: 'x', environmentList: 'production' }, [file]),
      'alias value can not be empty!',
    );
    await refused('Target', form({ certificateName: 'x', alias: 'x' }), 'certificateFile value can not be empty!');
    await refused(
      'Target',
      form({ certificateName: 'x', alias: 'x' }, [file]),
      'environmentList value can not be empty!',
    );
    await refused(
      'NoSuchProject',
      form({ certificateName: 'x', alias: 'x', environmentList: 'production' }, [file]),
      'Project (NoSuchProject) is not found or user does not have privilege to access it!',
    );
    await refused(
      'Target',
      form({ certificateName: 'x', alias: 'x', environmentList: 'production,uat' }, [file]),
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    await refused(
      'Target',
      form({ certificateName: 'x', alias: 'partner-ca', environmentList: 'production' }, [file]),
      'Alias (partner-ca) is already used for another certificate, try changing this value!',
    );
    await refused(
      'Target',
      form({ certificateName: 'x', alias: 'x', environmentList: 'production' }, [
        ['certificateFile', 'notes.txt', fixture('not-a-certificate.txt')],
      ]),
      (
        await h.call('POST', '/apiops/projects/Target/certificates/', {
          body: form({ certificateName: 'x', alias: 'x', environmentList: 'production' }, [
            ['pemEncodedFile', 'notes.txt', fixture('not-a-certificate.txt')],
          ]),
        })
      ).json.error_description,
    );
    await refused(
      'Target',
      form({ certificateName: 'x', alias: 'x', environmentList: 'production', environmentMapping: '["production"]' }, [
        file,
      ]),
      'environmentMapping value must be a JSON object of environment names!',
    );
    const readme = zipOf({ 'README.txt': Buffer.from('nothing here'), 'other-production.cer': der });
    await refused(
      'Target',
      form({ certificateName: 'partner-ca', alias: 'partner-ca' }, [['certificateFile', 'a.zip', readme]]),
      'This archive holds no importable material for certificate (partner-ca)! Entries must be named <certificateName>-<environmentName>.cer, as the export writes them.',
    );
    await refused(
      'Target',
      form({ certificateName: 'partner-ca', alias: 'partner-ca' }, [
        ['certificateFile', 'a.zip', zipOf({ 'partner-ca-uat.cer': der })],
      ]),
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    await refused(
      'Target',
      form({ certificateName: 'partner-ca', alias: 'partner-ca', environmentMapping: '{"uat":"production"}' }, [
        ['certificateFile', 'a.zip', zipOf({ 'partner-ca-uat.cer': der, 'partner-ca-production.cer': der })],
      ]),
      'More than one archive entry maps to environment (production)!',
    );
  });

  test('a viewer gets the permission text; no token gets the 401 text', async () => {
    const token = (
      await h.call('POST', '/apiops/auth/token', {
        token: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=vera&client_secret=vera-password-1',
      })
    ).json.access_token as string;
    const state = await storeSnapshot(h.server);
    const r = await h.call('POST', importPath('Target'), {
      token,
      body: form({ certificateName: 'v', alias: 'v', environmentList: 'production' }, [
        ['certificateFile', 'certificate.pem', pem],
      ]),
    });
    assertError(r, 400, 'bad_request', 'User does not have required permission for this operation!');
    const anonymous = await h.call('POST', importPath('Target'), { token: null, body: form({}) });
    assertError(
      anonymous,
      401,
      'unauthorized_client',
      'Empty Key! Client must be authenticated to access this resource.',
    );
    assert.equal(await storeSnapshot(h.server), state);
  });

  test('hostile archives are refused with the documented body, the store unchanged', async () => {
    const fields = { certificateName: 'partner-ca', alias: 'partner-ca' };
    const send = (zip: Buffer) => form(fields, [['certificateFile', 'hostile.zip', zip]]);
    // A zip bomb: 100 MB of zeros declared as 1 KB, and one declared as what it is.
    const zeros = Buffer.alloc(100 * 1024 * 1024);
    await refused(
      'Target',
      send(craftZip([{ name: 'partner-ca-production.cer', data: zeros, deflate: true, declaredSize: 1024 }])),
      'The uploaded archive expands beyond the allowed size!',
    );
    await refused(
      'Target',
      send(craftZip([{ name: 'partner-ca-production.cer', data: zeros, deflate: true }])),
      'The uploaded archive expands beyond the allowed size!',
    );
    for (const name of ['../partner-ca-production.cer', '/etc/partner-ca-production.cer', 'a/../../x.cer'])
      await refused(
        'Target',
        send(
          craftZip([
            { name: 'partner-ca-test.cer', data: der },
            { name, data: der },
          ]),
        ),
        `Archive entry (${name}) points outside the archive!`,
      );
    const many = craftZip(
      Array.from({ length: 10_000 }, (_, i) => ({ name: `partner-ca-e${i}.cer`, data: Buffer.from('x') })),
    );
    await refused('Target', send(many), 'The uploaded archive holds more than 1000 entries!');
    await refused(
      'Target',
      send(Buffer.from('PK\u0003\u0004garbage')),
      'The uploaded archive is not a valid ZIP file!',
    );
  });

  test('names with quotes, newlines and slashes are matched in their safe form, and exported safely', async () => {
    const name = 'odd "name"\nwith/slash';
    // In the query string (A8): a form field's LF would travel as CRLF, as multipart normalises line ends.
    const query = `?certificateName=${encodeURIComponent(name)}`;
    const created = await h.call('POST', `${importPath('Source')}${query}`, {
      body: form({ alias: 'odd-alias', environmentList: 'production' }, [['certificateFile', 'certificate.pem', pem]]),
    });
    assert.equal(created.status, 200, created.text);
    const res = await fetch(`${h.server.url}/apiops/projects/Source/certificates/${encodeURIComponent(name)}/export/`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-disposition'),
      'attachment; filename="odd _name__with_slash-certificates.zip"',
    );
    const zip = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(Object.keys(unzipSync(new Uint8Array(zip))), ['odd _name__with_slash-production.cer']);
    const r = await h.call('POST', `${importPath('Target')}${query}`, {
      body: form({ alias: 'odd-alias' }, [['certificateFile', 'x.zip', zip]]),
    });
    assert.deepEqual(r.json, { status: 'SUCCESS', success: true });
    assert.deepEqual((await exported(h, 'Target', name))['odd _name__with_slash-production.cer'], der);
  });
});

describe('the admin project is global (A19)', () => {
  let h: Harness;

  before(async () => {
    h = await startApiOps();
    await createProject(h.server, 'admin');
    await createEnvironment(h.server, 'admin', 'production');
    await createEnvironment(h.server, 'default', 'staging');
  });
  after(() => h.stop());

  const create = (project: string, name: string, alias: string, environmentList: string) =>
    h.call('POST', `/apiops/projects/${project}/certificates/`, {
      body: form({ certificateName: name, alias, environmentList }, [['pemEncodedFile', 'certificate.pem', pem]]),
    });

  test("an alias of admin's certificates is taken in every project's environment of that name", async () => {
    assert.equal((await create('admin', 'global-root', 'global-root', 'production')).status, 200);
    const state = await storeSnapshot(h.server);
    assertError(
      await create('default', 'local', 'global-root', 'production'),
      400,
      'bad_request',
      'Alias (global-root) is already used for another certificate, try changing this value!',
    );
    assertError(
      await h.call('POST', '/apiops/projects/default/certificates/import-file/', {
        body: form({ certificateName: 'local', alias: 'global-root', environmentList: 'production' }, [
          ['certificateFile', 'certificate.der', der],
        ]),
      }),
      400,
      'bad_request',
      'Alias (global-root) is already used for another certificate, try changing this value!',
    );
    assert.equal(await storeSnapshot(h.server), state);
    // Another environment name is another scope.
    assert.equal((await create('default', 'local', 'global-root', 'staging')).status, 200);
  });

  test("and admin can't take an alias a project already uses in an environment of that name", async () => {
    assert.equal((await create('default', 'project-cert', 'project-alias', 'production')).status, 200);
    assertError(
      await create('admin', 'global-2', 'project-alias', 'production'),
      400,
      'bad_request',
      'Alias (project-alias) is already used for another certificate, try changing this value!',
    );
  });
});

function zipOf(files: Record<string, Buffer>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)]))));
}
