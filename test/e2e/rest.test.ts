import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { basic, type RunningServer, startServer } from '../helpers/server.js';

describe('REST API /v1', () => {
  let s: RunningServer;
  let admin: string;
  const viewer = basic('vera', 'vera-password');

  before(async () => {
    s = await startServer();
    admin = basic(s.adminUser, s.adminPassword);
    const made = await runCli(
      ['users', 'create', 'vera', '--password', 'vera-password', '--role', 'viewer', '--project', 'default'],
      s,
    );
    assert.equal(made.code, 0, made.stderr);
  });
  after(() => s.stop());

  const call = (method: string, path: string, auth?: string, body?: unknown, contentType = 'application/json') =>
    fetch(`${s.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });

  async function expectError(r: Response, status: number, error: string) {
    assert.equal(r.status, status);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await r.json()) as { error: string; message: string };
    assert.equal(body.error, error);
    assert.equal(typeof body.message, 'string');
    assert.ok(body.message.length > 0);
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
    return body;
  }

  it('the first start made project default with environment production', async () => {
    const projects = await call('GET', '/v1/projects', admin);
    assert.equal(projects.status, 200);
    const { items } = (await projects.json()) as { items: { name: string }[] };
    assert.ok(items.some((p) => p.name === 'default'));
    const envs = await call('GET', '/v1/projects/default/environments', admin);
    assert.equal(envs.status, 200);
    const body = (await envs.json()) as { items: { project: string; name: string; type: string }[] };
    assert.deepEqual(
      body.items.map((e) => [e.project, e.name, e.type]),
      [['default', 'production', 'PRODUCTION']],
    );
  });

  it('creates and lists a project and its environments', async () => {
    const created = await call('POST', '/v1/projects', admin, { name: 'alpha', description: 'first' });
    assert.equal(created.status, 201);
    const p = (await created.json()) as { name: string; description: string; createdAt: string };
    assert.equal(p.name, 'alpha');
    assert.equal(p.description, 'first');
    assert.ok(!Number.isNaN(Date.parse(p.createdAt)));

    const env = await call('POST', '/v1/projects/alpha/environments', admin, {
      name: 'staging',
      type: 'SANDBOX',
      description: 'pre-prod',
    });
    assert.equal(env.status, 201);
    assert.deepEqual(
      { ...((await env.json()) as object), createdAt: undefined },
      { project: 'alpha', name: 'staging', type: 'SANDBOX', description: 'pre-prod', createdAt: undefined },
    );
    const noType = await call('POST', '/v1/projects/alpha/environments', admin, { name: 'dev' });
    assert.equal(noType.status, 201);

    const list = (await (await call('GET', '/v1/projects', admin)).json()) as { items: { name: string }[] };
    assert.deepEqual(
      list.items.map((x) => x.name),
      ['alpha', 'default'],
    );
    const envs = (await (await call('GET', '/v1/projects/alpha/environments', admin)).json()) as {
      items: { name: string }[];
    };
    assert.deepEqual(envs.items.map((x) => x.name).sort(), ['dev', 'staging']);
    const one = await call('GET', '/v1/projects/alpha', admin);
    assert.equal(((await one.json()) as { name: string }).name, 'alpha');
  });

  it('401 without or with wrong credentials, with a Basic challenge', async () => {
    const nul = `Basic ${Buffer.from('oks_cl_\u0000:x').toString('base64')}`;
    for (const auth of [
      undefined,
      basic(s.adminUser, 'wrong'),
      basic('ad\u0000min', 'x'),
      nul,
      'Bearer oks_pat_nope',
      'Basic %%%',
      'Negotiate abc',
    ]) {
      const r = await call('GET', '/v1/projects', auth);
      assert.equal(r.headers.get('www-authenticate'), 'Basic realm="openkeystore"');
      await expectError(r, 401, 'unauthorized');
    }
    // Unauthenticated writes are refused before the body is looked at.
    await expectError(await call('POST', '/v1/projects', undefined, '{bad json'), 401, 'unauthorized');
  });

  it('a viewer sees its projects only and may not create', async () => {
    const list = (await (await call('GET', '/v1/projects', viewer)).json()) as { items: { name: string }[] };
    assert.deepEqual(
      list.items.map((x) => x.name),
      ['default'],
    );
    assert.equal((await call('GET', '/v1/projects/default/environments', viewer)).status, 200);
    await expectError(await call('POST', '/v1/projects', viewer, { name: 'mine' }), 403, 'forbidden');
    // The missing right is reported before what is wrong with the body.
    await expectError(await call('POST', '/v1/projects', viewer, { nom: 1 }), 403, 'forbidden');
    await expectError(
      await call('POST', '/v1/projects/default/environments', viewer, { name: 'qa' }),
      403,
      'forbidden',
    );
    // A project the caller can't see looks exactly like one that doesn't exist.
    const hidden = await expectError(await call('GET', '/v1/projects/alpha/environments', viewer), 404, 'not_found');
    const missing = await expectError(await call('GET', '/v1/projects/zzz/environments', viewer), 404, 'not_found');
    assert.equal(hidden.message.replace('alpha', 'zzz'), missing.message);
    const after = (await (await call('GET', '/v1/projects', admin)).json()) as { items: { name: string }[] };
    assert.ok(!after.items.some((p) => p.name === 'mine'));
  });

  it('400 for bodies that fail the schema, and for unparsable JSON', async () => {
    await expectError(await call('POST', '/v1/projects', admin, {}), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, { name: '' }), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, { name: 'a/b' }), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, { name: ' padded ' }), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, '{"name": "x",'), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, ''), 400, 'invalid');
    await expectError(await call('POST', '/v1/projects', admin, '[1,2]'), 400, 'invalid');
    await expectError(
      await call('POST', '/v1/projects', admin, 'name=x', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await call('POST', '/v1/projects/default/environments', admin, { name: 'x', type: 'STAGING' }),
      400,
      'invalid',
    );
    await expectError(await call('POST', '/v1/projects/default/environments', admin, { type: 'TEST' }), 400, 'invalid');
    const list = (await (await call('GET', '/v1/projects', admin)).json()) as { items: { name: string }[] };
    assert.deepEqual(
      list.items.map((x) => x.name),
      ['alpha', 'default'],
      'nothing was created',
    );
  });

  it('404 for unknown projects and routes, 409 for names in use', async () => {
    await expectError(await call('GET', '/v1/projects/nope/environments', admin), 404, 'not_found');
    await expectError(await call('POST', '/v1/projects/nope/environments', admin, { name: 'x' }), 404, 'not_found');
    await expectError(await call('GET', '/v1/projects/nope', admin), 404, 'not_found');
    // PostgreSQL refuses a NUL in text: it must come back as not found, never as a 500.
    await expectError(await call('GET', '/v1/projects/a%00b/environments', admin), 404, 'not_found');
    await expectError(await call('POST', '/v1/projects/%00/environments', admin, { name: 'x' }), 404, 'not_found');
    await expectError(await call('GET', '/v1/nothing-here', admin), 404, 'not_found');
    await expectError(await call('POST', '/v1/projects', admin, { name: 'default' }), 409, 'already_exists');
    await expectError(
      await call('POST', '/v1/projects/default/environments', admin, { name: 'production' }),
      409,
      'already_exists',
    );
  });

  it('names with spaces and non-ASCII characters travel URL-encoded', async () => {
    const name = 'Ümlaut project';
    assert.equal((await call('POST', '/v1/projects', admin, { name })).status, 201);
    const r = await call('POST', `/v1/projects/${encodeURIComponent(name)}/environments`, admin, {
      name: 'prod',
      type: 'PRODUCTION',
    });
    assert.equal(r.status, 201);
    assert.equal(((await r.json()) as { project: string }).project, name);
  });
});

describe('first start without a configured admin password', () => {
  it('prints a random password once, which works, and not again on the next start', async () => {
    const env = { OPENKEYSTORE_ADMIN_PASSWORD: '' };
    const first = await startServer({ env });
    try {
      const m = /created admin user 'admin' with password (\S+)/.exec(first.output());
      assert.ok(m, first.output());
      const password = m[1]!;
      const r = await fetch(`${first.url}/v1/projects`, { headers: { authorization: basic('admin', password) } });
      assert.equal(r.status, 200);
      assert.equal(first.output().split(password).length - 1, 1, 'printed exactly once');
      await first.kill();

      const second = await startServer({
        env,
        dataDir: first.dataDir,
        ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
      });
      try {
        assert.doesNotMatch(second.output(), /password/);
        const again = await fetch(`${second.url}/v1/projects`, {
          headers: { authorization: basic('admin', password) },
        });
        assert.equal(again.status, 200);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
