// §3.9: projects and environments, with the envelopes of A2 and the environment fields of A16.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, createEnvironment, createProject, type Harness, startApiOps } from './support.js';

describe('projects and environments', () => {
  let h: Harness;

  before(async () => {
    h = await startApiOps();
    await createProject(h.server, 'MyProject');
    await createEnvironment(h.server, 'MyProject', 'production', 'PRODUCTION');
    await createEnvironment(h.server, 'MyProject', 'sandbox', 'SANDBOX');
  });
  after(() => h.stop());

  const environment = (name: string, type: string, description: string) => ({
    id: String,
    name,
    environmentName: name,
    description,
    type,
    status: 'PUBLISHED',
    accessUrl: '',
    deployed: true,
    redeployRequired: false,
  });

  /** Compares an item with an expected one whose `id: String` means "some string". */
  const like = (actual: Record<string, unknown>, expected: Record<string, unknown>) => {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) {
      if (v === String) assert.equal(typeof actual[k], 'string', k);
      else assert.deepEqual(actual[k], v, k);
    }
  };

  test('GET /apiops/projects/ lists the projects with their fields', async () => {
    const r = await h.call('GET', '/apiops/projects/');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'SUCCESS');
    assert.equal(r.json.success, true);
    assert.equal(r.json.resultCount, 2);
    assert.deepEqual(
      r.json.resultList.map((p: { name: string }) => p.name),
      ['MyProject', 'default'],
    );
    like(r.json.resultList[0], {
      name: 'MyProject',
      description: 'MyProject project',
      id: String,
      relativePath: '',
      enableRelativePath: false,
      tags: [],
    });
  });

  test('GET /apiops/projects/{p}/environments/ and the OLD alias /apiops/environments/{p} agree', async () => {
    const r = await h.call('GET', '/apiops/projects/MyProject/environments/');
    assert.equal(r.status, 200);
    assert.equal(r.json.resultCount, 2);
    like(r.json.resultList[0], environment('production', 'PRODUCTION', 'production stage'));
    like(r.json.resultList[1], environment('sandbox', 'SANDBOX', 'sandbox stage'));
    const old = await h.call('GET', '/apiops/environments/MyProject');
    assert.deepEqual(old.json, r.json);
    const oldSlash = await h.call('GET', '/apiops/environments/MyProject/');
    assert.deepEqual(oldSlash.json, r.json);
  });

  test('GET /apiops/environments/ lists every environment of every visible project', async () => {
    const r = await h.call('GET', '/apiops/environments/');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.resultList.map((e: { name: string }) => e.name).sort(), [
      'production',
      'production',
      'sandbox',
    ]);
    assert.equal(r.json.resultCount, 3);
  });

  test('an unknown project answers the project text on both paths', async () => {
    const text = 'Project (Nope) is not found or user does not have privilege to access it!';
    assertError(await h.call('GET', '/apiops/projects/Nope/environments/'), 400, 'bad_request', text);
    assertError(await h.call('GET', '/apiops/environments/Nope'), 400, 'bad_request', text);
  });
});
