import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, freePort, memoryOf, startChild, waitReady } from './children.js';
import { repoRoot } from './openkeystore.js';

/** A server a row measures against: where it answers, and its process. */
export interface Target {
  url: string;
  pid: number;
  /** From spawning to its first answer. */
  readyMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

function target(url: string, child: Child, readyMs: number): Target {
  return {
    url,
    pid: child.pid,
    readyMs,
    rssMb: () => memoryOf(child.pid)?.rssMb ?? Number.NaN,
    stop: () => child.stop(),
  };
}

async function startNodeScript(script: string, args: string[], logFile: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  const child = startChild(
    process.execPath,
    [join(repoRoot, 'bench/baselines', script), ...args],
    { PATH: process.env.PATH, PORT: String(port) },
    logFile,
  );
  return target(url, child, await waitReady(`${url}/`, child, since));
}

/** The Node ceiling: bare node:http answering `body` from memory. */
export async function startBareHttp(dir: string, body: Buffer, contentType: string): Promise<Target> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'body');
  writeFileSync(file, body);
  return startNodeScript('bare-http.js', [file, contentType], join(dir, 'bare-http.log'));
}

/** The Node + database ceiling for writes: one durable insert per request, SQLite file or PostgreSQL URL. */
export async function startBareStore(dir: string, database: string): Promise<Target> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  const child = startChild(
    process.execPath,
    [join(repoRoot, 'bench/baselines/bare-store.js'), database],
    { PATH: process.env.PATH, PORT: String(port) },
    join(dir, 'bare-store.log'),
  );
  return target(url, child, await waitReady(`${url}/`, child, since));
}

export function nginxInstalled(): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The machine's ceiling: nginx serving `body` as a static file for every path, one worker per core, no access log. */
export async function startNginx(dir: string, body: Buffer, contentType: string): Promise<Target> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'body'), body);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      // Run as root, nginx would hand its workers to `nobody`, who can't enter the bench's private temp folder.
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'worker_processes auto;',
      'daemon off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'nginx-error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  keepalive_requests 1000000;',
      `  client_body_temp_path ${join(dir, 'client-body')};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${dir};`,
      `    default_type ${contentType};`,
      '    location / { try_files /body =404; }',
      '  }',
      '}',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  const child = startChild('nginx', ['-c', conf, '-p', dir], process.env, join(dir, 'nginx.log'));
  return target(url, child, await waitReady(`${url}/`, child, since));
}
