import { join } from 'node:path';
import type { LoadResult, LoadSpec } from '../load/cannon.js';
import type { ProbeResult, ProbeSpec } from '../load/probe.js';
import { cpuTimeMs, runChild } from './children.js';
import { repoRoot } from './openkeystore.js';

export type { LoadResult, LoadSpec, ProbeResult, ProbeSpec };

export interface Measured extends LoadResult {
  /** CPU the server spent per request (warm-up included on both sides), µs; NaN when not known. */
  cpuUs: number;
}

/** One autocannon run from its own process (bench/load/cannon.ts), with the CPU the server `pid` spent on it. */
export async function runLoad(spec: LoadSpec, pid?: number): Promise<Measured> {
  const cpuBefore = pid === undefined ? Number.NaN : cpuTimeMs(pid);
  const out = await runChild(process.execPath, [
    '--import',
    'tsx',
    join(repoRoot, 'bench/load/cannon.ts'),
    JSON.stringify(spec),
  ]);
  const line = out.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as LoadResult;
  if (result.failures > 0)
    throw new Error(
      `${spec.method ?? 'GET'} ${spec.url}: ${result.failures} failed requests (${JSON.stringify(result.statuses)})`,
    );
  const cpuAfter = pid === undefined ? Number.NaN : cpuTimeMs(pid);
  return { ...result, cpuUs: ((cpuAfter - cpuBefore) * 1000) / (result.requests + result.warmupRequests) };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Measures several contenders in rounds, A B C, A B C, …, so that whatever the machine does meanwhile (another
 * process, a thermal limit, a checkpoint) falls on all of them alike. Returns each contender's runs, in order.
 */
export async function alternate<K extends string, T>(
  rounds: number,
  contenders: Record<K, (round: number) => Promise<T>>,
  progress?: (name: K, round: number, result: T) => void,
): Promise<Record<K, T[]>> {
  const names = Object.keys(contenders) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++)
    for (const name of names) {
      const result = await contenders[name](round);
      out[name].push(result);
      progress?.(name, round, result);
    }
  return out;
}

/** The median of the per-round ratios a/b: each round's pair ran back to back, so drift cancels within it. */
export function pairedRatio(a: number[], b: number[]): number {
  return median(a.map((x, i) => x / (b[i] ?? Number.NaN)));
}

/** Sequential latency of one client from its own process (bench/load/probe.ts). */
export async function runProbe(spec: ProbeSpec): Promise<ProbeResult> {
  const out = await runChild(process.execPath, [
    '--import',
    'tsx',
    join(repoRoot, 'bench/load/probe.ts'),
    JSON.stringify(spec),
  ]);
  return JSON.parse(out.trim().split('\n').pop() ?? '') as ProbeResult;
}
