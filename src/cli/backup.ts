import type { BackupEnd } from '../store/backup-format.js';
import { dumpStore } from '../store/dump.js';
import { STDIO, writeGzipLines } from './backup-file.js';
import { note, parseCommand, print } from './context.js';
import { withStore } from './store.js';

/**
 * `openkeystore backup FILE`: the whole store, online, from one snapshot, as gzip'd JSON lines (see
 * store/backup-format.ts). Servers keep serving while it runs.
 */
export async function backupCommand(args: string[]): Promise<number> {
  const { positionals } = parseCommand(args, ['FILE'], {});
  const [file] = positionals as [string];
  const { end, location } = await withStore(async (store) => ({
    end: await writeGzipLines(file, (write) => dumpStore(store, write)),
    location: store.location,
  }));
  // With `-` the backup itself is on standard output: the summary goes to standard error.
  (file === STDIO ? note : print)(
    `Backed up ${location} to ${file === STDIO ? 'standard output' : file}: ${summary(end)}`,
  );
  return 0;
}

export function summary(end: BackupEnd): string {
  const n = (t: string) => end.rows[t] ?? 0;
  const all = Object.values(end.rows).reduce((a, b) => a + b, 0);
  return `${n('entries')} entries, ${n('entry_history')} history records, ${n('audit_events')} audit events, ${all} rows in ${Object.keys(end.rows).length} tables`;
}
