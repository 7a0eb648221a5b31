import { AuthService } from '../auth/service.js';
import { bootstrap } from '../bootstrap.js';
import { type Config, loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { KeystoreService } from '../keystore/service.js';
import { buildServer } from '../server.js';
import { openStore } from '../store/open.js';
import { loadMasterKey } from './master-key.js';

/** Opens the store and the services on it: what `serve` and every store-touching CLI command need. */
export async function openContext(config: Config = loadConfig()): Promise<AppContext> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSync: config.sqliteSync,
  });
  const keystore = new KeystoreService(store, { masterKey: loadMasterKey(config) });
  await keystore.keyring.verify();
  const auth = new AuthService(store, config);
  return { config, store, keystore, auth };
}

export async function serve(config: Config = loadConfig()): Promise<void> {
  const ctx = await openContext(config);
  // The first start hashes the admin's password (scrypt, on libuv's threads) while the routes are built and
  // compiled on the main thread: one waits for the other no longer (bench row 7, start to ready).
  const [app, first] = await Promise.all([
    buildServer(ctx).then(async (built) => {
      await built.ready();
      return built;
    }),
    bootstrap(ctx),
  ]);
  if (first.generatedPassword)
    process.stdout.write(
      `openkeystore: created admin user '${first.adminUser}' with password ${first.generatedPassword} (shown once; change it)\n`,
    );
  const tls = Boolean(config.tlsCert && config.tlsKey);
  if (!tls && !['127.0.0.1', 'localhost', '::1'].includes(config.host))
    app.log.warn(`listening on ${config.host} without TLS: credentials travel in clear text`);
  await app.listen({ host: config.host, port: config.port });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing requests in flight, then closing the store`);
    app
      .close()
      .then(() => ctx.store.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error(err);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
