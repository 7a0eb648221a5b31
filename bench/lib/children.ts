import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Every process the bench started, so that a failed or interrupted run leaves none behind. */
const running = new Set<ChildProcess>();

/** Kills whatever is still running; the runner calls it at the end, and the process does on any exit. */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });

export interface Child {
  process: ChildProcess;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts a process whose stdout and stderr go to `logFile` (as a service manager would keep them), not to a pipe
 * the bench would have to drain: a server that logs each request must pay what it pays in production, no more.
 */
export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    process: child,
    pid: child.pid,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a process to its end and returns its stdout; stderr is passed through so that progress stays visible. */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    running.add(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}:\n${out.slice(-2000)}`));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Memory {
  /** Resident set now, MB. */
  rssMb: number;
  /** The largest resident set the process ever had (VmHWM), MB. */
  peakMb: number;
}

/** From /proc, as `ps` and `top` see it; undefined where there is no /proc (the bench then shows no figure). */
export function memoryOf(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * CPU time the process has used so far (user + system), ms. Per request it tells what a request costs the server
 * whatever else the machine runs at the time, which throughput alone can't.
 */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ, 100 on every Linux that matters here. */
const CLOCK_TICKS = 100;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `url` until it answers 2xx; returns the milliseconds since `since` (performance.now()). A process that
 * does not get ready is stopped, so that a failed row leaves nothing running.
 */
export async function waitReady(url: string, child: Child, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${url}: the process exited with ${child.process.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await child.stop(1000);
      throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
    }
    await sleep(5);
  }
}
