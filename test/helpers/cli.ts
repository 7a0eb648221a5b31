import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './server.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliStore {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/** Runs `node bin/openkeystore.js …` from the build on a store, as an operator would, optionally piping stdin. */
export function runCli(args: string[], store: CliStore, input?: string): Promise<CliResult> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    OPENKEYSTORE_DATA_DIR: store.dataDir,
  };
  if (store.databaseUrl) env.OPENKEYSTORE_DATABASE_URL = store.databaseUrl;
  else delete env.OPENKEYSTORE_DATABASE_URL;
  const child = spawn(process.execPath, [join(repoRoot, 'bin/openkeystore.js'), ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
