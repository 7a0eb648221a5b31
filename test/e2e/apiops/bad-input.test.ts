// Bad input of every kind gets a 400 in Apinizer's body, never a 500, and leaves the store as it was.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertError, curl, fixture, form, type Harness, startApiOps, storeSnapshot } from './support.js';

describe('bad input', () => {
  let h: Harness;
  let work: string;
  const path = '/apiops/projects/default/certificates/';

  before(async () => {
    h = await startApiOps();
    work = mkdtempSync(join(tmpdir(), 'oks-apiops-bad-'));
    writeFileSync(join(work, 'certificate.pem'), fixture('certificate.pem'));
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await h.stop();
  });

  /** Sends a raw body; asserts a 400 bad_request (with this text, when given) and an unchanged store. */
  async function refusedRaw(contentType: string, body: BodyInit, description?: string) {
    const state = await storeSnapshot(h.server);
    const r = await h.call('POST', path, { headers: { 'content-type': contentType }, body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'bad_request', r.text);
    if (description) assert.equal(r.json.error_description, description);
    assert.equal(await storeSnapshot(h.server), state);
    return r;
  }

  test('a 20 MB upload (A12) with the reference curl answers "Uploaded file is too large!"', async () => {
    writeFileSync(join(work, 'huge.pem'), randomBytes(20 * 1024 * 1024));
    const state = await storeSnapshot(h.server);
    const r = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${path}`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-F',
        'certificateName=huge',
        '-F',
        'alias=huge',
        '-F',
        'environmentList=production',
        '-F',
        'pemEncodedFile=@huge.pem',
      ],
      work,
    );
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body.toString()), {
      error: 'bad_request',
      error_description: 'Uploaded file is too large!',
    });
    assert.equal(await storeSnapshot(h.server), state);
    // The connection survived the refusal: the next request on a new one works as ever.
    assert.equal((await h.call('GET', path)).status, 200);
  });

  test('just over the 1 MB limit is too large; a body beyond the server limit is refused unread', async () => {
    const over = Buffer.concat([fixture('certificate.pem'), Buffer.alloc(1024 * 1024, 0x20)]);
    const state = await storeSnapshot(h.server);
    const r = await h.call('POST', path, {
      body: form({ certificateName: 'big', alias: 'big', environmentList: 'production' }, [
        ['pemEncodedFile', 'big.pem', over],
      ]),
    });
    assertError(r, 400, 'bad_request', 'Uploaded file is too large!');
    const field = await h.call('POST', path, {
      body: form(
        {
          certificateName: 'big',
          alias: 'big',
          environmentList: 'production',
          certificateDescription: 'd'.repeat(70_000),
        },
        [['pemEncodedFile', 'c.pem', fixture('certificate.pem')]],
      ),
    });
    assertError(field, 400, 'bad_request', 'certificateDescription value is too long!');

    writeFileSync(join(work, 'enormous.bin'), Buffer.alloc(30 * 1024 * 1024));
    const unread = await curl(
      [
        '-X',
        'POST',
        `${h.server.url}${path}`,
        '-H',
        `Authorization: Bearer ${h.token}`,
        '-H',
        'Content-Type: multipart/form-data; boundary=x',
        '--data-binary',
        '@enormous.bin',
      ],
      work,
    ).catch((e: Error) => ({ status: 0, body: Buffer.from(e.message) }));
    // curl may see the connection closed while it still sends; when it reads the answer, it is the 400.
    if (unread.status !== 0) {
      assert.equal(unread.status, 400);
      assert.deepEqual(JSON.parse(unread.body.toString()), {
        error: 'bad_request',
        error_description: 'Uploaded file is too large!',
      });
    }
    assert.equal(await storeSnapshot(h.server), state);
  });

  test('garbage in a multipart body', async () => {
    await refusedRaw(
      'multipart/form-data',
      'no boundary at all',
      'The request body is not a valid multipart/form-data message!',
    );
    await refusedRaw(
      'multipart/form-data; boundary=zzz',
      '--zzz\r\nContent-Disposition: form-data; name="certificateName"\r\n\r\nc\r\n--zzz\r\nContent-Disposition: form-data; name="pemEncodedFile"; filename="c.pem"\r\n\r\n-----BEGIN CERT',
    );
    await refusedRaw('multipart/form-data; boundary=zzz', randomBytes(4096));
    await refusedRaw(
      'multipart/form-data; boundary=zzz',
      '--zzz\r\nContent-Disposition: form-data; name="certificateName"\r\nContent-Type: application/json\r\n\r\n{not json\r\n--zzz--\r\n',
      'A form field sent as application/json does not hold valid JSON!',
    );
    const many = `${Array.from({ length: 60 }, (_, i) => `--zzz\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('')}--zzz--\r\n`;
    await refusedRaw('multipart/form-data; boundary=zzz', many, 'The request holds too many form fields or files!');
    await refusedRaw(
      'multipart/form-data; boundary=zzz',
      '--zzz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nv\r\n--zzz--\r\n',
    );
  });

  test('a content type the operation does not take, and broken JSON', async () => {
    await refusedRaw(
      'text/plain',
      'certificateName=x',
      'Content-Type (text/plain) is not supported by this operation!',
    );
    await refusedRaw(
      'application/json',
      '{"certificateName":"c","alias":"a","environmentList":"production"}',
      'Content-Type (application/json) is not supported by this operation!',
    );
    await refusedRaw(
      'application/x-www-form-urlencoded',
      'certificateName=c',
      'Content-Type (application/x-www-form-urlencoded) is not supported by this operation!',
    );
    await refusedRaw('application/json', '{"certificateName":', 'The request body can not be read!');
  });

  test('a file that is no certificate, and an upload of several files', async () => {
    const r = await h.call('POST', path, {
      body: form({ certificateName: 'junk', alias: 'junk', environmentList: 'production' }, [
        ['pemEncodedFile', 'junk.bin', randomBytes(2048)],
      ]),
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'bad_request');
    // The first file of the field counts; extra files in other fields are ignored.
    const two = await h.call('POST', path, {
      body: form({ certificateName: 'two', alias: 'two', environmentList: 'production' }, [
        ['pemEncodedFile', 'c.pem', fixture('certificate.pem')],
        ['pemEncodedFile', 'p.pem', fixture('partner-ca.pem')],
        ['somethingElse', 'x.bin', randomBytes(10)],
      ]),
    });
    assert.equal(two.status, 200, two.text);
    const got = await h.call('GET', `${path}two/`);
    assert.equal(
      got.json.resultList[0].certificateEnvironmentList[0].base64EncodedContent,
      fixture('certificate.der').toString('base64'),
    );
  });

  test('an unknown operation under /apiops answers 400, not a framework 404', async () => {
    assertError(
      await h.call('GET', '/apiops/nothing/here'),
      400,
      'bad_request',
      'No API Ops operation is found for GET /apiops/nothing/here!',
    );
    assertError(
      await h.call('PATCH', '/apiops/projects/default/certificates/x/'),
      400,
      'bad_request',
      'No API Ops operation is found for PATCH /apiops/projects/default/certificates/x/!',
    );
  });
});
