import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { Keyring } from '../keystore/keyring.js';
import { BackupFormatError, parseHeader } from '../store/backup-format.js';
import { firstDataKey } from '../store/data-keys-repo.js';
import { RestoreRefused, restoreStore } from '../store/dump.js';
import { appliedMigrations, MIGRATIONS, migrateStore, type Store } from '../store/open.js';
import { summary } from './backup.js';
import { readGzipLines } from './backup-file.js';
import { note, parseCommand, print } from './context.js';
import { loadMasterKey } from './master-key.js';
import { withStore } from './store.js';

/**
 * `openkeystore restore FILE [--force]`: loads a backup into the configured store, SQLite or PostgreSQL whatever
 * the backup came from, in one transaction. A store that holds anything is refused unless --force, which
 * replaces its contents. The store is first brought to the backup's schema level, and after the restore to
 * this openkeystore's.
 */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, ['FILE'], { force: { type: 'boolean' } });
  const [file] = positionals as [string];
  const lines = readGzipLines(file);
  try {
    const first = await lines.next();
    const header = parseHeader(first.done ? undefined : first.value);
    const level = header.migrations;
    if (level.some((m, i) => MIGRATIONS[i] !== m))
      throw new RestoreRefused(
        `the backup's schema (${level.join(', ')}) is newer than this openkeystore's: restore it with the version that made it`,
      );
    return await withStore(
      async (store, config) => {
        const applied = await appliedMigrations(store.db);
        if (applied.length > level.length || applied.some((m, i) => level[i] !== m))
          throw new RestoreRefused(
            `the store's schema (${applied.join(', ')}) is newer than the backup's (${level.join(', ')}): ` +
              'restore into a new, empty database or data folder; it is brought up to date after the restore',
          );
        const target = level[level.length - 1];
        if (target !== undefined) await migrateStore(store, target);
        const end = await restoreStore(store, lines, { force: values.force === true });
        await migrateStore(store);
        print(`Restored ${file === '-' ? 'standard input' : file} into ${store.location}: ${summary(end)}`);
        await checkMasterKey(store, config);
        if (values.force)
          note('Restart every server running on this store: they keep keys and secrets they read before the restore.');
        return 0;
      },
      { migrate: false },
    );
  } catch (e) {
    if (e instanceof RestoreRefused || e instanceof BackupFormatError) {
      note(`openkeystore: ${e.message}; nothing was restored`);
      return 1;
    }
    throw e;
  } finally {
    await lines.return(undefined);
  }
}

/**
 * Private keys in the backup are sealed by its data key, which the source's master key wraps: a server on the
 * restored store can use them only with that same master key. Say so now rather than at the first key export.
 */
async function checkMasterKey(store: Store, config: Config): Promise<void> {
  if (!(await firstDataKey(store.db))) return;
  const keyFile = join(config.dataDir, 'master.key');
  const advice =
    "set OPENKEYSTORE_MASTER_KEY to the source store's master key (or copy its data folder's master.key) on every server of this store";
  if (!config.masterKey && !existsSync(keyFile)) {
    note(`The restored store holds encrypted private keys: ${advice}.`);
    return;
  }
  try {
    await new Keyring(store, loadMasterKey(config)).verify();
  } catch {
    note(`The configured master key does not open the restored store's data key: ${advice}.`);
  }
}
