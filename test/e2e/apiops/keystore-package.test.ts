// §3.10 keystore packages: `keystores/{name}/export/?encrypt=` and `keystores/import/`, plain (files without
// passwords) and sealed with the X-Apinizer-Package-Passphrase header (passwords included).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { craftZip } from '../../helpers/zip-craft.js';
import {
  accessToken,
  assertError,
  createEnvironment,
  createProject,
  createUser,
  curl,
  fixture,
  form,
  type Harness,
  rawHeader,
  startApiOps,
  storeSnapshot,
} from './support.js';

const serverJks = fixture('server.jks');
const signerP12 = fixture('signer.p12');
const PASSPHRASE = 'correct horse battery staple';

describe('keystore packages', () => {
  let h: Harness;
  let work: string;
  const source = '/apiops/projects/Dev/keystores';
  const target = '/apiops/projects/Prod/keystores';

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-package-'));
    await createProject(h.server, 'Dev');
    await createProject(h.server, 'Prod');
    await createEnvironment(h.server, 'Dev', 'dev');
    await createEnvironment(h.server, 'Dev', 'test');
    await createEnvironment(h.server, 'Prod', 'production');
    await createEnvironment(h.server, 'Prod', 'test');
    const r = await h.call('POST', `${source}/`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gateway',
        description: 'Gateway identity',
        keyStoreEnvironmentList: [
          { environmentName: 'dev', file: serverJks.toString('base64'), password: 'changeit', keyStoreType: 'JKS' },
          { environmentName: 'test', file: signerP12.toString('base64'), password: 'p12-secret', alias: 'signer' },
        ],
      }),
    });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  const exportPackage = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.server.url}${source}/gateway/export/${query}`, {
      headers: { authorization: `Bearer ${h.token}`, ...headers },
    });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  const exportFile = async (path: string) => {
    const res = await fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${h.token}` } });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };

  async function refused(init: { body?: BodyInit; headers?: Record<string, string> }, description: string) {
    const state = await storeSnapshot(h.server);
    assertError(await h.call('POST', `${target}/import/`, init), 400, 'bad_request', description);
    assert.equal(await storeSnapshot(h.server), state, 'the store is unchanged');
  }

  test('a plain package holds keystore.json and the files as uploaded, never the passwords', async () => {
    const { res, bytes } = await exportPackage('');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="gateway-keystore-package.zip"');
    const files = unzipSync(new Uint8Array(bytes));
    assert.deepEqual(Object.keys(files), ['keystore.json', 'dev.jks', 'test.p12']);
    assert.deepEqual(Buffer.from(files['dev.jks']!), serverJks);
    assert.deepEqual(Buffer.from(files['test.p12']!), signerP12);
    const manifest = JSON.parse(Buffer.from(files['keystore.json']!).toString());
    assert.equal(manifest.format, 'openkeystore.apiops.keystore-package');
    assert.equal(manifest.version, 1);
    assert.equal(manifest.name, 'gateway');
    assert.deepEqual(manifest.keyStoreEnvironmentList[1], {
      environmentName: 'test',
      keyStoreType: 'PKCS12',
      alias: 'signer',
      file: 'test.p12',
      sha256: manifest.keyStoreEnvironmentList[1].sha256,
    });
    assert.ok(!bytes.includes(Buffer.from('changeit')) && !bytes.includes(Buffer.from('p12-secret')));
    assert.deepEqual((await exportPackage('?encrypt=false')).bytes, bytes, 'encrypt=false is the same package');
  });

  test('a plain package imports into another project with mapping and passwords; files byte-identical', async () => {
    const { bytes } = await exportPackage('');
    const r = await h.call('POST', `${target}/import/`, {
      body: form(
        {
          environmentMapping: '{"dev":"production"}',
          keyStorePasswords: '{"dev":"changeit","test":"p12-secret"}',
        },
        [['file', 'gateway-keystore-package.zip', bytes]],
      ),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.deploymentResult.environmentResults.map((e: { environmentName: string }) => e.environmentName),
      ['production', 'test'],
    );
    assert.deepEqual(await exportFile(`${target}/gateway/export-file/?environmentName=production`), serverJks);
    assert.deepEqual(await exportFile(`${target}/gateway/export-file/?environmentName=test`), signerP12);
    const got = await h.call('GET', `${target}/gateway/`);
    assert.equal(got.json.resultList[0].description, 'Gateway identity');
  });

  test('encrypt=true seals the package, passwords inside; curl imports it with the passphrase header', async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}${source}/gateway/export/?encrypt=true`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-H',
        `X-Apinizer-Package-Passphrase: ${PASSPHRASE}`,
        '--output',
        'gateway.zip.enc',
      ],
      work,
    );
    assert.equal(r.status, 200);
    assert.equal(
      rawHeader(r.rawHeaders, 'content-disposition'),
      'attachment; filename="gateway-keystore-package.zip.enc"',
    );
    const sealed = readFileSync(join(work, 'gateway.zip.enc'));
    assert.equal(sealed.subarray(0, 6).toString(), 'OKSPKG');
    assert.ok(!sealed.includes(serverJks.subarray(0, 64)), 'the files are not readable in it');

    const imported = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${target}/import/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-H',
        `X-Apinizer-Package-Passphrase: ${PASSPHRASE}`,
        '-F',
        'file=@gateway.zip.enc',
        '-F',
        'name=gateway-copy',
        '-F',
        'environmentMapping={"dev":"production","test":""}',
      ],
      work,
    );
    assert.equal(imported.status, 200, imported.body.toString());
    assert.deepEqual(await exportFile(`${target}/gateway-copy/export-file/?environmentName=production`), serverJks);
    const got = await h.call('GET', `${target}/gateway-copy/`);
    assert.deepEqual(
      got.json.resultList[0].keyStoreEnvironmentList.map((e: { environmentName: string }) => e.environmentName),
      ['production'],
    );
  });

  test('export refusals: no passphrase, a short one, a bad encrypt value, not an admin', async () => {
    const missing = await h.call('GET', `${source}/gateway/export/?encrypt=true`);
    assertError(missing, 400, 'bad_request', 'X-Apinizer-Package-Passphrase header value can not be empty!');
    const short = await h.call('GET', `${source}/gateway/export/?encrypt=true`, {
      headers: { 'x-apinizer-package-passphrase': 'short' },
    });
    assertError(
      short,
      400,
      'bad_request',
      'X-Apinizer-Package-Passphrase header value must have at least 8 characters!',
    );
    assertError(
      await h.call('GET', `${source}/gateway/export/?encrypt=maybe`),
      400,
      'bad_request',
      'encrypt value must be one of true, false!',
    );
    assertError(
      await h.call('GET', `${source}/nope/export/`),
      400,
      'bad_request',
      'Keystore (name: nope) is not found!',
    );
    await createUser(h.server, 'eddie', 'eddie-password-1', 'editor', 'Dev');
    const editor = await accessToken(h.server, 'eddie', 'eddie-password-1');
    assertError(
      await h.call('GET', `${source}/gateway/export/`, { token: editor }),
      400,
      'bad_request',
      'User does not have required permission for this operation!',
    );
  });

  test('import refusals leave the store unchanged', async () => {
    const plain = (await exportPackage('')).bytes;
    const sealed = (await exportPackage('?encrypt=true', { 'x-apinizer-package-passphrase': PASSPHRASE })).bytes;
    const file = (bytes: Buffer, fields: Record<string, string> = {}) =>
      form({ name: 'refused', ...fields }, [['file', 'p', bytes]]);
    await refused({ body: form({ name: 'x' }) }, 'file value can not be empty!');
    await refused(
      { body: file(sealed) },
      'This package is encrypted! Send its passphrase in the X-Apinizer-Package-Passphrase header.',
    );
    await refused(
      { body: file(sealed), headers: { 'x-apinizer-package-passphrase': 'not the passphrase' } },
      'The package can not be decrypted with the given passphrase!',
    );
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    await refused(
      { body: file(tampered), headers: { 'x-apinizer-package-passphrase': PASSPHRASE } },
      'The package can not be decrypted with the given passphrase!',
    );
    await refused(
      { body: file(plain, { keyStorePasswords: '{"dev":"changeit"}' }) },
      'Keystore package holds no password for environment (test)! Send it in password or keyStorePasswords.',
    );
    await refused(
      { body: file(plain, { password: 'wrong-one', environmentMapping: '{"dev":"production"}' }) },
      'Keystore file of environment (production) can not be opened with the given password!',
    );
    await refused(
      { body: file(plain, { password: 'changeit', environmentMapping: '{"test":"production","dev":"production"}' }) },
      'Environment (production) is listed more than once!',
    );
    await refused(
      { body: file(plain, { password: 'changeit', environmentMapping: '{"test":""}' }) },
      'Environment (dev) is not found or user does not have privilege to access it!',
    );
    await refused({ body: file(fixture('certificate.der')) }, 'The uploaded archive is not a valid ZIP file!');
    await refused(
      { body: file(Buffer.from(zipSync({ 'README.txt': new Uint8Array(1) }))) },
      'The uploaded file is not a keystore package!',
    );
    // A package whose file was changed after export.
    const files = unzipSync(new Uint8Array(plain));
    files['dev.jks'] = new Uint8Array(signerP12);
    await refused(
      { body: file(Buffer.from(zipSync(files)), { password: 'x' }) },
      'The keystore package is damaged: file (dev.jks) does not match its checksum!',
    );
    await refused(
      { body: file(craftZip([{ name: '../keystore.json', data: Buffer.from('{}') }])) },
      'Archive entry (../keystore.json) points outside the archive!',
    );
    await refused(
      { body: file(craftZip([{ name: 'keystore.json', data: Buffer.alloc(40 * 1024 * 1024), deflate: true }])) },
      'The uploaded archive expands beyond the allowed size!',
    );
  });
});
