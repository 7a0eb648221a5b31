import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { AuthService } from '../../src/auth/service.js';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { KeystoreService } from '../../src/keystore/service.js';
import { openStore } from '../../src/store/open.js';
import { postgresAdminUrl } from '../helpers/server.js';

/** A store location that several "servers" (contexts) can open at once. */
interface Location {
  databaseUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

function sqliteLocation(): Location {
  const dataDir = mkdtempSync(join(tmpdir(), 'oks-boot-'));
  return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function postgresLocation(): Promise<Location> {
  const name = `oks_boot_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: tmpdir(),
    async drop() {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function open(loc: Location, env: Record<string, string> = {}): Promise<AppContext> {
  const config = loadConfig(env, { dataDir: loc.dataDir, databaseUrl: loc.databaseUrl });
  const store = await openStore({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl });
  return { config, store, keystore: new KeystoreService(store), auth: new AuthService(store, config) };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`bootstrap on ${dialect}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    const location = async () => {
      const loc = dialect === 'sqlite' ? sqliteLocation() : await postgresLocation();
      cleanup.push(loc.drop);
      return loc;
    };
    const context = async (loc: Location, env?: Record<string, string>) => {
      const ctx = await open(loc, env);
      cleanup.push(() => ctx.store.close());
      return ctx;
    };

    it('makes default/production and an admin with a random password, once', async () => {
      const ctx = await context(await location());
      const first = await bootstrap(ctx);
      assert.equal(first.adminUser, 'admin');
      assert.match(first.generatedPassword ?? '', /^[A-Za-z0-9_-]{24}$/);
      const envs = await ctx.keystore.tenants.listEnvironments('default');
      assert.deepEqual(
        envs.map((e) => [e.name, e.type]),
        [['production', 'PRODUCTION']],
      );
      const admin = await ctx.auth.authenticateBasic('admin', first.generatedPassword!);
      assert.ok(admin && (await ctx.auth.can(admin, null, 'admin')));
      assert.deepEqual(await bootstrap(ctx), { adminUser: 'admin' }, 'a second start changes nothing');
    });

    // Several servers share a PostgreSQL database, never a SQLite file. (In one process, better-sqlite3's
    // synchronous busy wait would also block the very connection it waits for.)
    const shared = { skip: dialect === 'sqlite' ? 'servers share PostgreSQL only' : false };
    it('lets several servers start at once: one project, one admin, one printed password', shared, async () => {
      const loc = await location();
      // Opened one after the other: concurrent migration is the store's business (PostgreSQL locks it);
      // what is tested here is bootstrap itself racing.
      const contexts: AppContext[] = [];
      for (let i = 0; i < 4; i++) contexts.push(await context(loc));
      const results = await Promise.all(contexts.map((c) => bootstrap(c)));
      const passwords = results.flatMap((r) => (r.generatedPassword ? [r.generatedPassword] : []));
      assert.equal(passwords.length, 1);
      const ctx = contexts[0]!;
      assert.deepEqual(
        (await ctx.keystore.tenants.listProjects()).map((p) => p.name),
        ['default'],
      );
      assert.equal((await ctx.keystore.tenants.listEnvironments('default')).length, 1);
      assert.ok(await ctx.auth.authenticateBasic('admin', passwords[0]!));
    });

    it('uses the configured admin and never changes an existing password', async () => {
      const loc = await location();
      const ctx = await context(loc, { OPENKEYSTORE_ADMIN_USER: 'root', OPENKEYSTORE_ADMIN_PASSWORD: 'configured-pw' });
      assert.deepEqual(await bootstrap(ctx), { adminUser: 'root' });
      assert.ok(await ctx.auth.authenticateBasic('root', 'configured-pw'));

      // Later start with another password for the same user: the stored one stays.
      const later = await context(loc, {
        OPENKEYSTORE_ADMIN_USER: 'root',
        OPENKEYSTORE_ADMIN_PASSWORD: 'other-password',
      });
      await bootstrap(later);
      assert.equal(await later.auth.authenticateBasic('root', 'other-password'), null);
      assert.ok(await later.auth.authenticateBasic('root', 'configured-pw'));

      // A new admin name with a password on a store in use: that user is added, as global admin.
      const added = await context(loc, {
        OPENKEYSTORE_ADMIN_USER: 'second',
        OPENKEYSTORE_ADMIN_PASSWORD: 'second-pw-1',
      });
      assert.deepEqual(await bootstrap(added), { adminUser: 'second' });
      const second = await added.auth.authenticateBasic('second', 'second-pw-1');
      assert.ok(second && (await added.auth.can(second, null, 'admin')));
      assert.deepEqual(
        (await added.keystore.tenants.listProjects()).map((p) => p.name),
        ['default'],
      );

      // Without a configured password, a store with users gets no new admin.
      const plain = await context(loc, { OPENKEYSTORE_ADMIN_USER: 'third' });
      assert.deepEqual(await bootstrap(plain), { adminUser: 'third' });
      assert.equal(await plain.auth.userExists('third'), false);
    });

    it('gives a store with projects but no users its admin, without a default project', async () => {
      const ctx = await context(await location());
      await ctx.keystore.tenants.createProject({ name: 'made-by-cli' }, { name: 'cli' });
      const r = await bootstrap(ctx);
      assert.ok(r.generatedPassword);
      assert.deepEqual(
        (await ctx.keystore.tenants.listProjects()).map((p) => p.name),
        ['made-by-cli'],
      );
    });
  });
}
