// Seed 002: GET /apiops/projects/{p}/certificates/{name}/export/ answers a ZIP of one DER file per environment.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import {
  assertError,
  createEnvironment,
  createProject,
  curl,
  fixture,
  fixturesDir,
  form,
  type Harness,
  rawHeader,
  run,
  startApiOps,
} from './support.js';

/** The entry names of a ZIP in central-directory order, as `unzip -Z1` lists them. */
async function zipNames(file: string): Promise<string[]> {
  const r = await run('unzip', ['-Z1', file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString('utf8').split('\n').filter(Boolean);
}

describe('certificate export (seed 002)', () => {
  let h: Harness;
  let work: string;
  const der = fixture('certificate.der');

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-export-'));
    await createProject(h.server, 'MyProject');
    // Created out of name order, so that the ZIP's order can only come from certificateEnvironmentList.
    for (const env of ['staging', 'production', 'test']) await createEnvironment(h.server, 'MyProject', env);
    // §3.3's curl, three environments listed in an order of their own.
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}/apiops/projects/MyProject/certificates/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'certificateName=my-certificate',
        '-F',
        'alias=my-cert-alias',
        '-F',
        'certificateDescription=SSL certificate for API',
        '-F',
        'environmentList=test,production,staging',
        '-F',
        'pemEncodedFile=@certificate.pem',
      ],
      fixturesDir,
    );
    assert.equal(r.status, 200, r.body.toString());
  });

  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  test('the seed curl downloads a ZIP with one DER .cer per environment, in certificateEnvironmentList order', async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}/apiops/projects/MyProject/certificates/my-certificate/export/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '--output',
        'my-certificate-certificates.zip',
      ],
      work,
    );
    assert.equal(r.status, 200);
    assert.equal(rawHeader(r.rawHeaders, 'content-type'), 'application/octet-stream');
    assert.equal(
      rawHeader(r.rawHeaders, 'content-disposition'),
      'attachment; filename="my-certificate-certificates.zip"',
    );
    const zipFile = join(work, 'my-certificate-certificates.zip');
    const bytes = readFileSync(zipFile);
    assert.equal(Number(rawHeader(r.rawHeaders, 'content-length')), bytes.length);

    const listed = await run('unzip', ['-l', zipFile]);
    assert.equal(listed.code, 0, listed.stderr);
    const names = await zipNames(zipFile);
    assert.deepEqual(names, ['my-certificate-test.cer', 'my-certificate-production.cer', 'my-certificate-staging.cer']);

    const get = await h.call('GET', '/apiops/projects/MyProject/certificates/my-certificate/');
    assert.deepEqual(
      get.json.resultList[0].certificateEnvironmentList.map((e: { environmentName: string }) => e.environmentName),
      ['test', 'production', 'staging'],
    );

    const files = unzipSync(new Uint8Array(bytes));
    assert.deepEqual(Object.keys(files), names);
    for (const name of names) assert.deepEqual(Buffer.from(files[name]!), der, `${name} is the imported DER`);
    // openssl reads each entry as DER, straight from the archive.
    const unpacked = join(work, 'unpacked');
    const unzip = await run('unzip', ['-o', '-d', unpacked, zipFile]);
    assert.equal(unzip.code, 0, unzip.stderr);
    for (const name of names) {
      const x = await run('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-in', join(unpacked, name)]);
      assert.equal(x.code, 0, x.stderr);
      assert.match(x.stdout.toString(), /CN\s*=\s*example\.com/);
    }
  });

  test('export-file/ is the same download; environmentName limits it to one environment', async () => {
    const download = (path: string) =>
      fetch(`${h.server.url}/apiops/projects/MyProject/certificates/my-certificate/${path}`, {
        headers: { authorization: `Bearer ${h.token}` },
      });
    const whole = await download('export/');
    const alias = await download('export-file/');
    assert.equal(alias.status, 200);
    assert.equal(alias.headers.get('content-disposition'), whole.headers.get('content-disposition'));
    assert.deepEqual(Buffer.from(await alias.arrayBuffer()), Buffer.from(await whole.arrayBuffer()));

    const one = await fetch(
      `${h.server.url}/apiops/projects/MyProject/certificates/my-certificate/export-file/?environmentName=production`,
      { headers: { authorization: `Bearer ${h.token}` } },
    );
    assert.equal(one.status, 200);
    const files = unzipSync(new Uint8Array(await one.arrayBuffer()));
    assert.deepEqual(Object.keys(files), ['my-certificate-production.cer']);
    assert.deepEqual(Buffer.from(files['my-certificate-production.cer']!), der);

    const unknown = await h.call(
      'GET',
      '/apiops/projects/MyProject/certificates/my-certificate/export/?environmentName=uat',
    );
    assertError(
      unknown,
      400,
      'bad_request',
      'Environment (uat) is not found or user does not have privilege to access it!',
    );
  });

  test('the same state exports to the same bytes', async () => {
    const get = async () =>
      Buffer.from(
        await (
          await fetch(`${h.server.url}/apiops/projects/MyProject/certificates/my-certificate/export/`, {
            headers: { authorization: `Bearer ${h.token}` },
          })
        ).arrayBuffer(),
      );
    assert.deepEqual(await get(), await get());
  });

  test('an unknown certificate answers the seed error body', async () => {
    const r = await curl(
      [
        '-X',
        'GET',
        `${h.server.url}/apiops/projects/MyProject/certificates/no-such-certificate/export/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
      ],
      work,
    );
    assert.equal(r.status, 400);
    assert.match(rawHeader(r.rawHeaders, 'content-type') ?? '', /^application\/json/);
    assert.equal(
      r.body.toString(),
      '{"error":"bad_request","error_description":"Certificate (name: no-such-certificate) is not found!"}',
    );
    const viaFetch = await h.call('GET', '/apiops/projects/MyProject/certificates/my-certificate2/export-file/');
    assertError(viaFetch, 400, 'bad_request', 'Certificate (name: my-certificate2) is not found!');
  });

  test('an unknown project answers the project text, not the certificate one', async () => {
    const r = await h.call('GET', '/apiops/projects/NoProject/certificates/my-certificate/export/');
    assertError(
      r,
      400,
      'bad_request',
      'Project (NoProject) is not found or user does not have privilege to access it!',
    );
  });

  test('a DER upload exports the very DER bytes', async () => {
    const partner = fixture('partner-ca.der');
    const created = await h.call('POST', '/apiops/projects/MyProject/certificates/', {
      body: form({ certificateName: 'partner-ca', alias: 'partner-ca', environmentList: 'production' }, [
        ['pemEncodedFile', 'partner-ca.der', partner],
      ]),
    });
    assert.equal(created.status, 200, created.text);
    const res = await fetch(`${h.server.url}/apiops/projects/MyProject/certificates/partner-ca/export/`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(Object.keys(files), ['partner-ca-production.cer']);
    assert.deepEqual(Buffer.from(files['partner-ca-production.cer']!), partner);
  });
});

describe('hostile names in an export', () => {
  let h: Harness;
  let work: string;

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-hostile-'));
    // Environment names may hold quotes (not slashes or control characters: the store refuses those).
    await createEnvironment(h.server, 'default', 'qa"1');
    await createEnvironment(h.server, 'default', 'qa_1');
  });

  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  const create = async (name: string, environments: string) => {
    const r = await h.call('POST', '/apiops/projects/default/certificates/', {
      body: form(
        { certificateName: name, alias: `alias-${Math.random().toString(36).slice(2)}`, environmentList: environments },
        [['pemEncodedFile', 'certificate.pem', fixture('certificate.pem')]],
      ),
    });
    assert.equal(r.status, 200, r.text);
  };

  const exportWithCurl = async (name: string, out: string) =>
    curl(
      [
        '-X',
        'GET',
        `${h.server.url}/apiops/projects/default/certificates/${encodeURIComponent(name)}/export/`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '--output',
        out,
      ],
      work,
    );

  test('CR/LF, quotes and slashes can neither add a header nor leave the archive folder', async () => {
    const name = 'evil"\r\nX-Injected: yes/../..\\x';
    await create(name, 'production');
    const got = await h.call('GET', `/apiops/projects/default/certificates/${encodeURIComponent(name)}/`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.resultList[0].name, name, 'the name is kept as given; only the download names are made safe');

    const r = await exportWithCurl(name, 'evil.zip');
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.rawHeaders, /^x-injected/im);
    assert.equal(
      rawHeader(r.rawHeaders, 'content-disposition'),
      'attachment; filename="evil___X-Injected_ yes_.._.._x-certificates.zip"',
    );
    const names = await zipNames(join(work, 'evil.zip'));
    assert.deepEqual(names, ['evil___X-Injected_ yes_.._.._x-production.cer']);
    // Unpacked, the file lands in the target folder itself.
    const target = join(work, 'evil-out');
    const unzip = await run('unzip', ['-o', '-d', target, join(work, 'evil.zip')]);
    assert.equal(unzip.code, 0, unzip.stderr);
    assert.deepEqual(readFileSync(join(target, names[0]!)), fixture('certificate.der'));
  });

  test('environments whose names meet once made safe get distinct entries', async () => {
    await create('twins', 'qa"1,qa_1');
    const r = await exportWithCurl('twins', 'twins.zip');
    assert.equal(r.status, 200);
    assert.deepEqual(await zipNames(join(work, 'twins.zip')), ['twins-qa_1.cer', 'twins-qa_1-2.cer']);
  });

  test('a non-ASCII name keeps an ASCII filename and gives the real one in filename*', async () => {
    const name = 'Zertifikat-Größe €';
    await create(name, 'production');
    const r = await exportWithCurl(name, 'umlaut.zip');
    assert.equal(r.status, 200);
    assert.equal(
      rawHeader(r.rawHeaders, 'content-disposition'),
      `attachment; filename="Zertifikat-Gr__e _-certificates.zip"; filename*=UTF-8''${encodeURIComponent(`${name}-certificates.zip`)}`,
    );
    // Info-ZIP reads the Unicode Path field, fflate (like Windows, macOS, 7-Zip) the UTF-8 flag.
    assert.deepEqual(await zipNames(join(work, 'umlaut.zip')), [`${name}-production.cer`]);
    const files = unzipSync(new Uint8Array(readFileSync(join(work, 'umlaut.zip'))));
    assert.deepEqual(Object.keys(files), [`${name}-production.cer`]);
  });

  test('a direction override can not disguise the extension', async () => {
    const name = 'invoice\u202Egpj.exe';
    await create(name, 'production');
    const r = await exportWithCurl(name, 'rlo.zip');
    assert.equal(r.status, 200);
    assert.equal(
      rawHeader(r.rawHeaders, 'content-disposition'),
      'attachment; filename="invoice_gpj.exe-certificates.zip"',
    );
  });
});
