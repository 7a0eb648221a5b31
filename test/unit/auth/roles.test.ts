import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../../../src/auth/service.js';
import { DomainError } from '../../../src/keystore/errors.js';
import { Tenants } from '../../../src/keystore/tenants.js';
import { type AuthFixture, authFixture, PASSWORD } from './fixture.js';

describe('roles', () => {
  let f: AuthFixture;
  let p1: number;
  let p2: number;
  before(async () => {
    f = await authFixture();
    const tenants = new Tenants(f.store);
    p1 = (await tenants.createProject({ name: 'one' }, { name: 'test' })).id;
    p2 = (await tenants.createProject({ name: 'two' }, { name: 'test' })).id;
  });
  after(() => f.close());

  const user = (name: string) => f.auth.createUser(name, PASSWORD);

  it('a project role covers that project only, and the roles below it', async () => {
    const u = await user('viewer1');
    await f.auth.grantRole('viewer1', 'one', 'editor');
    assert.equal(await f.auth.can(u, p1, 'viewer'), true);
    assert.equal(await f.auth.can(u, p1, 'editor'), true);
    assert.equal(await f.auth.can(u, p1, 'admin'), false);
    assert.equal(await f.auth.can(u, p2, 'viewer'), false);
    assert.equal(await f.auth.can(u, null, 'viewer'), false, 'a project role is no global right');
  });

  it('a global role covers every project and global rights', async () => {
    const u = await user('root');
    await f.auth.grantRole('root', null, 'admin');
    for (const p of [p1, p2, null]) assert.equal(await f.auth.can(u, p, 'admin'), true);
    assert.deepEqual(await f.auth.bindings(u), [{ projectId: null, role: 'admin' }]);
  });

  it('a user without bindings can do nothing', async () => {
    const u = await user('nobody-special');
    assert.equal(await f.auth.can(u, p1, 'viewer'), false);
    assert.deepEqual(await f.auth.bindings(u), []);
  });

  it('granting again sets the role in that project, which also lowers it', async () => {
    const u = await user('changing');
    await f.auth.grantRole('changing', 'two', 'admin');
    await f.auth.grantRole('changing', 'two', 'viewer');
    assert.equal(await f.auth.can(u, p2, 'editor'), false);
    assert.equal(await f.auth.can(u, p2, 'viewer'), true);
    assert.deepEqual(await f.auth.bindings(u), [{ projectId: p2, role: 'viewer' }]);
  });

  it('project and global bindings combine to the higher one', async () => {
    const u = await user('mixed');
    await f.auth.grantRole('mixed', null, 'viewer');
    await f.auth.grantRole('mixed', 'one', 'admin');
    assert.equal(await f.auth.can(u, p1, 'admin'), true);
    assert.equal(await f.auth.can(u, p2, 'viewer'), true);
    assert.equal(await f.auth.can(u, p2, 'editor'), false);
  });

  it('creates a user with a role in one transaction', async () => {
    const u: Principal = await f.auth.createUser('born-editor', PASSWORD, { role: 'editor', project: 'one' });
    assert.equal(await f.auth.can(u, p1, 'editor'), true);
    // An unknown project leaves no half-made user behind.
    await assert.rejects(f.auth.createUser('orphan', PASSWORD, { role: 'viewer', project: 'nope' }), /not found/);
    assert.equal(await f.auth.userExists('orphan'), false);
  });

  it('refuses unknown users, projects and roles', async () => {
    const kind = (k: string) => (e: unknown) => e instanceof DomainError && e.kind === k;
    await assert.rejects(f.auth.grantRole('ghost', 'one', 'viewer'), kind('NotFound'));
    await assert.rejects(f.auth.grantRole('root', 'nope', 'viewer'), kind('NotFound'));
    // biome-ignore lint/suspicious/noExplicitAny: a caller outside TypeScript may send any string
    await assert.rejects(f.auth.grantRole('root', 'one', 'owner' as any), kind('Invalid'));
  });

  it('audits grants with user, role and scope', async () => {
    const grants = await f.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'role.grant').execute();
    const root = grants.find((g) => JSON.parse(g.detail ?? '{}').user === 'root');
    assert.deepEqual(JSON.parse(root?.detail ?? '{}'), { user: 'root', role: 'admin', scope: '*' });
    const viewer = grants.find((g) => JSON.parse(g.detail ?? '{}').user === 'viewer1');
    assert.equal(viewer?.project, 'one');
  });
});
