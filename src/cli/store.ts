import { type Config, loadConfig } from '../config.js';
import { openStore, type Store } from '../store/open.js';

/**
 * Opens only the store the server would use (no services on it), runs one command on it and closes it again:
 * for backup, restore and check, which work on tables rather than through the keystore's rules.
 */
export async function withStore<T>(
  fn: (store: Store, config: Config) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSync: config.sqliteSync,
    migrate: opts.migrate ?? true,
  });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
