// Writers racing for one name or one alias end in one winner and Apinizer's texts, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixture, form, type Harness, startApiOps } from './support.js';

describe('concurrent writes', () => {
  let h: Harness;
  const path = '/apiops/projects/default/certificates/';
  const pem = fixture('certificate.pem');

  before(async () => {
    h = await startApiOps();
  });
  after(() => h.stop());

  const create = (name: string, alias: string) =>
    h.call('POST', path, {
      body: form({ certificateName: name, alias, environmentList: 'production' }, [['pemEncodedFile', 'c.pem', pem]]),
    });

  test('creates of one name: one succeeds, the others are told it exists', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => create('contested', `contested-${i}`)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 400, 400, 400, 400, 400, 400, 400]);
    for (const r of answers.filter((a) => a.status === 400))
      assert.equal(r.json.error_description, 'Certificate (name: contested) is already exist!');
  });

  test('creates of one alias in one environment: one succeeds, the others are told it is used', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create(`alias-race-${i}`, 'contested-alias')),
    );
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 400, 400, 400, 400, 400, 400, 400]);
    for (const r of answers.filter((a) => a.status === 400))
      assert.equal(
        r.json.error_description,
        'Alias (contested-alias) is already used for another certificate, try changing this value!',
      );
  });

  test('replaces of one certificate all succeed and leave exactly one entry', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.call('PUT', `${path}contested/`, {
          body: form({ alias: 'contested-final', environmentList: 'production' }, [['pemEncodedFile', 'c.pem', pem]]),
        }),
      ),
    );
    for (const r of answers) assert.equal(r.status, 200, r.text);
    const got = await h.call('GET', `${path}contested/`);
    assert.equal(got.json.resultList[0].certificateEnvironmentList.length, 1);
    assert.equal(got.json.resultList[0].certificateEnvironmentList[0].alias, 'contested-final');
  });

  test('deletes of one certificate: one undeploys it, the others are told it is gone', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => h.call('DELETE', `${path}contested/`)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 400, 400, 400, 400, 400]);
    for (const r of answers.filter((a) => a.status === 400))
      assert.equal(r.json.error_description, 'Certificate (name: contested) is not found!');
  });
});
