import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthOptions, AuthService } from '../../../src/auth/service.js';
import { type Config, loadConfig } from '../../../src/config.js';
import { openStore, type Store } from '../../../src/store/open.js';

/** A clock the tests move by hand, so expiry and cache lifetimes are tested without sleeping. */
export class Clock {
  t = Date.UTC(2030, 0, 1);
  now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface AuthFixture {
  store: Store;
  config: Config;
  clock: Clock;
  auth: AuthService;
  /** Another server on the same store: its own caches, the same clock. */
  otherServer(options?: AuthOptions): AuthService;
  close(): Promise<void>;
}

/** A real SQLite store in a temp folder with an AuthService on it. */
export async function authFixture(options: AuthOptions = {}): Promise<AuthFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'oks-auth-'));
  const store = await openStore({ dataDir: dir });
  const config = loadConfig({}, { dataDir: dir, accessTokenTtlSeconds: 3600 });
  const clock = new Clock();
  return {
    store,
    config,
    clock,
    auth: new AuthService(store, config, { now: clock.now, ...options }),
    otherServer: (o = {}) => new AuthService(store, config, { now: clock.now, ...options, ...o }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PASSWORD = 'correct horse battery staple';
