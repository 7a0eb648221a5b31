// §3.8 and A17: an environment's truststore listed (admin project only), exported as PEM files, imported.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  rawHeader,
  run,
  startApiOps,
  storeSnapshot,
} from './support.js';

const pem = fixture('certificate.pem');
const der = fixture('certificate.der');
const partnerPem = fixture('partner-ca.pem');
const partnerDer = fixture('partner-ca.der');

describe('truststore', () => {
  let h: Harness;
  let work: string;

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-truststore-'));
    await createProject(h.server, 'admin');
    await createProject(h.server, 'Payments');
    await createProject(h.server, 'Hidden');
    await createEnvironment(h.server, 'admin', 'production');
    await createEnvironment(h.server, 'Payments', 'production');
    await createEnvironment(h.server, 'Payments', 'staging');
    await createEnvironment(h.server, 'Hidden', 'production');
    await createEnvironment(h.server, 'Hidden', 'dev');
    await createUser(h.server, 'paula', 'paula-password-1', 'editor', 'Payments');
    await createUser(h.server, 'paula-admin', 'paula-password-1', 'viewer', 'admin');
    await createUser(h.server, 'paula-viewer', 'paula-password-1', 'viewer', 'Payments');
    const create = async (project: string, name: string, envs: string, bytes = pem) => {
      const r = await h.call('POST', `/apiops/projects/${project}/certificates/`, {
        body: form({ certificateName: name, alias: `${name}-alias`, environmentList: envs }, [
          ['pemEncodedFile', 'c.pem', bytes],
        ]),
      });
      assert.equal(r.status, 200, r.text);
    };
    await create('admin', 'global-root', 'production', partnerPem);
    await create('Payments', 'bank-api', 'production,staging');
    await create('Hidden', 'secret-partner', 'production');
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  const tokenOf = async (user: string) =>
    (
      await h.call('POST', '/apiops/auth/token', {
        token: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${user}&client_secret=paula-password-1`,
      })
    ).json.access_token as string;

  test('the admin project lists every certificate with an entry for the environment (A17)', async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}/apiops/projects/admin/certificates/truststore/production/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
      ],
      work,
    );
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body.toString());
    assert.equal(body.status, 'SUCCESS');
    assert.equal(body.success, true);
    assert.equal(body.resultCount, 3);
    // By project (Hidden, Payments, admin: code point order in both stores), then by name.
    assert.deepEqual(
      body.resultList.map((c: { name: string }) => c.name),
      ['secret-partner', 'bank-api', 'global-root'],
    );
    const bank = body.resultList.find((c: { name: string }) => c.name === 'bank-api');
    assert.deepEqual(Object.keys(bank), ['name', 'description', 'certificateEnvironmentList']);
    assert.equal(bank.certificateEnvironmentList.length, 1);
    assert.equal(bank.certificateEnvironmentList[0].environmentName, 'production');
    assert.equal(bank.certificateEnvironmentList[0].base64EncodedContent, der.toString('base64'));

    // A caller sees only the projects it may see.
    const limited = await h.call('GET', '/apiops/projects/admin/certificates/truststore/production/', {
      token: await tokenOf('paula-admin'),
    });
    assert.deepEqual(
      limited.json.resultList.map((c: { name: string }) => c.name),
      ['global-root'],
    );
  });

  test('the list refuses other projects, blank and unknown environments', async () => {
    assertError(
      await h.call('GET', '/apiops/projects/Payments/certificates/truststore/production/'),
      400,
      'bad_request',
      'Truststore can only be queried in the admin project!',
    );
    assertError(
      await h.call('GET', '/apiops/projects/admin/certificates/truststore/%20/'),
      400,
      'bad_request',
      'environmentName value can not be empty!',
    );
    assertError(
      await h.call('GET', '/apiops/projects/admin/certificates/truststore/'),
      400,
      'bad_request',
      'environmentName value can not be empty!',
    );
    assertError(
      await h.call('GET', '/apiops/projects/admin/certificates/truststore/uat/'),
      400,
      'bad_request',
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
    assertError(
      await h.call('GET', '/apiops/projects/Nope/certificates/truststore/production/'),
      400,
      'bad_request',
      'Project (Nope) is not found or user does not have privilege to access it!',
    );
  });

  test("export: {env}-truststore.zip of PEM <alias>.cer, the project's and admin's global ones", async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}/apiops/projects/Payments/certificates/truststore/production/export-file/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '--output',
        'production-truststore.zip',
      ],
      work,
    );
    assert.equal(r.status, 200);
    assert.equal(rawHeader(r.rawHeaders, 'content-type'), 'application/octet-stream');
    assert.equal(rawHeader(r.rawHeaders, 'content-disposition'), 'attachment; filename="production-truststore.zip"');
    const zip = readFileSync(join(work, 'production-truststore.zip'));
    assert.equal(Number(rawHeader(r.rawHeaders, 'content-length')), zip.length);
    const files = unzipSync(new Uint8Array(zip));
    assert.deepEqual(Object.keys(files).sort(), ['bank-api-alias.cer', 'global-root-alias.cer']);
    assert.equal(Buffer.from(files['bank-api-alias.cer']!).toString(), pem.toString().replace(/\r\n/g, '\n'));
    const out = join(work, 'unpacked');
    assert.equal((await run('unzip', ['-o', '-d', out, join(work, 'production-truststore.zip')])).code, 0);
    const x = await run('openssl', ['x509', '-outform', 'DER', '-in', join(out, 'global-root-alias.cer')]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(x.stdout, partnerDer, 'openssl reads the PEM back to the stored DER');
  });

  test('aliases with quotes and slashes become safe entry names; the environment name a safe file name', async () => {
    await createEnvironment(h.server, 'Payments', 'qa "eu"');
    const r = await h.call('POST', '/apiops/projects/Payments/certificates/', {
      body: form({ certificateName: 'odd', alias: '../a/b"c', environmentList: 'qa "eu"' }, [
        ['pemEncodedFile', 'c.pem', pem],
      ]),
    });
    assert.equal(r.status, 200, r.text);
    const res = await fetch(
      `${h.server.url}/apiops/projects/Payments/certificates/truststore/${encodeURIComponent('qa "eu"')}/export-file/`,
      { headers: { authorization: `Bearer ${h.token}` } },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="qa _eu_-truststore.zip"');
    assert.deepEqual(Object.keys(unzipSync(new Uint8Array(await res.arrayBuffer()))), ['.._a_b_c.cer']);
  });

  test('export errors: nothing deployed, unknown environment', async () => {
    assertError(
      await h.call('GET', '/apiops/projects/Hidden/certificates/truststore/dev/export-file/'),
      400,
      'bad_request',
      'Environment (dev) reported no truststore certificate! The workers may be unreachable, or nothing is deployed to them.',
    );
    assertError(
      await h.call('GET', '/apiops/projects/Payments/certificates/truststore/dev/export-file/'),
      400,
      'bad_request',
      'Environment (dev) is not found or user does not have privilege to access it!',
    );
  });

  test('import: each file a certificate named {namePrefix}{file name}, per-file results', async () => {
    const bundle = zipSync({
      'partner-root-ca.pem': new Uint8Array(partnerPem),
      'notes.cer': new Uint8Array(0),
      'readme.txt': new Uint8Array(Buffer.from('not a certificate')),
      '__MACOSX/._partner-root-ca.pem': new Uint8Array(Buffer.from('junk')),
    });
    writeFileSync(join(work, 'bundle.zip'), bundle);
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}/apiops/projects/Payments/certificates/truststore/staging/import-file/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'truststoreFile=@bundle.zip',
        '-F',
        'namePrefix=tp-',
      ],
      work,
    );
    assert.equal(r.status, 200, r.body.toString());
    const body = JSON.parse(r.body.toString());
    assert.deepEqual(Object.keys(body), ['status', 'success', 'resultList', 'resultCount', 'unresolvedReferences']);
    assert.deepEqual(body.resultList, ['tp-partner-root-ca']);
    assert.equal(body.resultCount, 1);
    assert.equal(body.unresolvedReferences.length, 2);
    assert.equal(
      body.unresolvedReferences[0],
      'Certificate (tp-notes) could not be imported: Could not parse certificate: empty input',
    );
    assert.match(
      body.unresolvedReferences[1],
      /^Certificate \(tp-readme\) could not be imported: Could not parse certificate: /,
    );
    const got = await h.call('GET', '/apiops/projects/Payments/certificates/tp-partner-root-ca/');
    const entry = got.json.resultList[0].certificateEnvironmentList[0];
    assert.equal(entry.environmentName, 'staging');
    assert.equal(entry.alias, 'tp-partner-root-ca');
    assert.equal(entry.base64EncodedContent, partnerDer.toString('base64'));
  });

  test('import of a single file into an existing certificate replaces only this environment', async () => {
    const r = await h.call('POST', '/apiops/projects/Payments/certificates/truststore/staging/import-file/', {
      token: await tokenOf('paula'),
      body: form({}, [['truststoreFile', 'bank-api.der', partnerDer]]),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { status: 'SUCCESS', success: true, resultList: ['bank-api'], resultCount: 1 });
    const got = await h.call('GET', '/apiops/projects/Payments/certificates/bank-api/');
    const byEnv = Object.fromEntries(
      got.json.resultList[0].certificateEnvironmentList.map(
        (e: { environmentName: string; base64EncodedContent: string; alias: string }) => [
          e.environmentName,
          [e.alias, e.base64EncodedContent],
        ],
      ),
    );
    assert.deepEqual(byEnv, {
      production: ['bank-api-alias', der.toString('base64')],
      staging: ['bank-api', partnerDer.toString('base64')],
    });
  });

  test('import failures: nothing importable, no file, hostile archives; the store unchanged', async () => {
    const path = '/apiops/projects/Payments/certificates/truststore/production/import-file/';
    const refused = async (body: FormData, description: string, token = h.token) => {
      const state = await storeSnapshot(h.server);
      assertError(await h.call('POST', path, { body, token }), 400, 'bad_request', description);
      assert.equal(await storeSnapshot(h.server), state);
    };
    await refused(
      form({}, [['truststoreFile', 'bad.zip', Buffer.from(zipSync({ 'empty.cer': new Uint8Array(0) }))]]),
      'No certificate in this bundle could be imported! Certificate (empty) could not be imported: Could not parse certificate: empty input',
    );
    // The alias is taken by another certificate in this environment.
    await refused(
      form({}, [['truststoreFile', 'global-root-alias.pem', pem]]),
      'No certificate in this bundle could be imported! Certificate (global-root-alias) could not be imported: Alias (global-root-alias) is already used for another certificate, try changing this value!',
    );
    await refused(form({ namePrefix: 'x' }), 'The uploaded bundle holds no certificate file!');
    await refused(
      form({}, [['truststoreFile', 'empty.zip', Buffer.from(zipSync({ 'folder/': new Uint8Array(0) }))]]),
      'The uploaded bundle holds no certificate file!',
    );
    await refused(
      form({}, [['truststoreFile', 'evil.zip', craftZip([{ name: '../../etc/evil.cer', data: der }])]]),
      'Archive entry (../../etc/evil.cer) points outside the archive!',
    );
    await refused(
      form({}, [
        [
          'truststoreFile',
          'bomb.zip',
          craftZip([{ name: 'b.cer', data: Buffer.alloc(64 * 1024 * 1024), deflate: true }]),
        ],
      ]),
      'The uploaded archive expands beyond the allowed size!',
    );
    await refused(
      form({}, [['truststoreFile', 'x.pem', pem]]),
      'User does not have required permission for this operation!',
      await tokenOf('paula-viewer'),
    );
    const unknownEnv = await h.call('POST', '/apiops/projects/Payments/certificates/truststore/uat/import-file/', {
      body: form({}, [['truststoreFile', 'x.pem', pem]]),
    });
    assertError(
      unknownEnv,
      400,
      'bad_request',
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
  });
});
