import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliResult, runCli } from '../helpers/cli.js';
import { basic, type RunningServer, startServer } from '../helpers/server.js';

const noStack = (r: CliResult) => assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

describe('CLI without a store', () => {
  const nowhere = { dataDir: join(tmpdir(), 'oks-cli-never-created') };

  it('prints usage for help, and exits 2 without a command', async () => {
    for (const args of [['help'], ['--help'], ['-h'], ['users', '--help']]) {
      const r = await runCli(args, nowhere);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: openkeystore <command>/);
      assert.match(r.stdout, /tokens create <user>/);
    }
    const none = await runCli([], nowhere);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage:/);
  });

  it('prints the version', async () => {
    const r = await runCli(['--version'], nowhere);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^openkeystore \d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with a hint for unknown commands, options and missing arguments', async () => {
    for (const args of [
      ['frobnicate'],
      ['projects', 'create'],
      ['projects', 'create', 'x', '--colour', 'red'],
      ['projects', 'rm', 'x'],
      ['tokens', 'create', 'bob', '--ttl', 'soon'],
      ['users', 'create', 'x', 'y'],
    ]) {
      const r = await runCli(args, nowhere);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^openkeystore: .+\nRun 'openkeystore help' for usage\.\n$/);
      noStack(r);
    }
  });

  it('migrate creates and migrates a new SQLite store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oks-cli-'));
    try {
      const r = await runCli(['migrate'], { dataDir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /openkeystore\.db is up to date/);
      assert.equal((await runCli(['migrate'], { dataDir })).code, 0, 'migrating twice is harmless');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('CLI on the store of a running server', () => {
  let s: RunningServer;
  const cli = (args: string[], input?: string) => runCli(args, s, input);
  const ok = async (args: string[], input?: string) => {
    const r = await cli(args, input);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const get = (path: string, authorization: string) => fetch(`${s.url}${path}`, { headers: { authorization } });

  before(async () => {
    s = await startServer();
  });
  after(() => s.stop());

  it('creates and lists projects and environments', async () => {
    await ok(['projects', 'create', 'shop', '--description', 'the web shop']);
    const list = await ok(['projects', 'list']);
    assert.match(list.stdout, /^default\t/m);
    assert.match(list.stdout, /^shop\tthe web shop$/m);
    const json = JSON.parse((await ok(['projects', 'list', '--json'])).stdout) as { name: string }[];
    assert.deepEqual(
      json.map((p) => p.name),
      ['default', 'shop'],
    );

    await ok(['environments', 'create', 'shop', 'qa', '--type', 'TEST', '--description', 'quality']);
    await ok(['environments', 'create', 'shop', 'live', '--type', 'PRODUCTION']);
    const envs = await ok(['environments', 'list', 'shop']);
    assert.match(envs.stdout, /^qa\tTEST\tquality$/m);
    assert.match(envs.stdout, /^live\tPRODUCTION\t$/m);
  });

  it('exits 1 with the store’s reason, without a stack trace', async () => {
    for (const [args, reason] of [
      [['projects', 'create', 'shop'], /Project 'shop' already exists/],
      [['environments', 'list', 'nope'], /Project 'nope' not found/],
      [['environments', 'create', 'shop', 'x', '--type', 'STAGING'], /type must be one of/],
      [['users', 'grant', 'ghost', 'viewer'], /User 'ghost' not found/],
      [['users', 'create', 'shorty', '--password', 'short'], /at least 8 characters/],
      [
        ['users', 'create', 'x', '--password', 'long-enough', '--role', 'owner'],
        /role must be viewer, editor or admin/,
      ],
      [['tokens', 'create', 'ghost'], /User 'ghost' not found/],
    ] as const) {
      const r = await cli([...args]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, reason);
      noStack(r);
    }
  });

  it('creates a user with a token that works over HTTP', async () => {
    await ok(['users', 'create', 'bob', '--password', 'bob-password', '--role', 'viewer', '--project', 'shop']);
    const r = await ok(['tokens', 'create', 'bob', '--name', 'ci']);
    const token = r.stdout.trim();
    assert.match(token, /^oks_pat_[A-Za-z0-9_-]{43}$/);
    assert.match(r.stderr, /shown only this once/);

    const projects = await get('/v1/projects', `Bearer ${token}`);
    assert.equal(projects.status, 200);
    assert.deepEqual(
      ((await projects.json()) as { items: { name: string }[] }).items.map((p) => p.name),
      ['shop'],
    );
    assert.equal((await get('/v1/projects', basic('bob', 'bob-password'))).status, 200);

    assert.match((await ok(['tokens', 'list', 'bob'])).stdout, /^ci\t\S+\tnever$/m);
    await ok(['tokens', 'revoke', 'bob', 'ci']);
    // The server caches a token lookup for up to 30 s; a fresh token shows revocation in the store itself.
    assert.equal((await ok(['tokens', 'list', 'bob'])).stdout, '');
  });

  it('a token with a lifetime expires', async () => {
    const token = (await ok(['tokens', 'create', 'bob', '--name', 'brief', '--ttl', '1'])).stdout.trim();
    assert.equal((await get('/v1/projects', `Bearer ${token}`)).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await get('/v1/projects', `Bearer ${token}`);
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), { error: 'unauthorized', message: 'The token has expired' });
  });

  it('reads a new password from standard input, and changes it', async () => {
    await ok(['users', 'create', 'carol'], 'carol-password\n');
    await ok(['users', 'grant', 'carol', 'admin', '--project', 'shop']);
    assert.equal((await get('/v1/projects/shop/environments', basic('carol', 'carol-password'))).status, 200);
    await ok(['users', 'passwd', 'carol'], 'carol-new-password\n');
    assert.equal((await get('/v1/projects', basic('carol', 'carol-password'))).status, 401);
    assert.equal((await get('/v1/projects', basic('carol', 'carol-new-password'))).status, 200);
    const empty = await cli(['users', 'create', 'dan'], '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no password/);
  });

  it('grants a global role', async () => {
    await ok(['users', 'create', 'erin', '--password', 'erin-password']);
    assert.deepEqual(
      ((await (await get('/v1/projects', basic('erin', 'erin-password'))).json()) as { items: [] }).items,
      [],
    );
    await ok(['users', 'grant', 'erin', 'editor']);
    const names = (
      (await (await get('/v1/projects', basic('erin', 'erin-password'))).json()) as { items: { name: string }[] }
    ).items;
    assert.deepEqual(
      names.map((p) => p.name),
      ['default', 'shop'],
    );
  });

  it('creates an API client whose id and secret work as Basic credentials', async () => {
    const r = await ok(['clients', 'create', 'bob', '--description', 'pipeline']);
    const id = /^client_id=(\S+)$/m.exec(r.stdout)?.[1];
    const secret = /^client_secret=(\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(id && secret, r.stdout);
    assert.equal((await get('/v1/projects', basic(id, secret))).status, 200);
    assert.equal((await get('/v1/projects', basic(id, `${secret}x`))).status, 401);
  });
});
