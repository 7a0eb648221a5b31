// Latency of one client asking one question again and again, as a monitoring job does: sequential requests on
// one kept-alive connection, each timed to the microsecond (autocannon's histograms count whole milliseconds).
//
//   node --import tsx bench/load/probe.ts '<ProbeSpec as JSON>'
//
// Prints one JSON line (ProbeResult).
import { Agent, request } from 'node:http';

export interface ProbeSpec {
  url: string;
  headers: Record<string, string>;
  durationS: number;
  warmupS: number;
  /** Stop earlier once this many requests were timed. */
  maxRequests: number;
}

export interface ProbeResult {
  p50: number;
  p99: number;
  requests: number;
  /** The last answer's body, for the caller to check what was answered. */
  lastBody: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function once(spec: ProbeSpec): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(spec.url, { agent, headers: spec.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${spec.url}: ${res.statusCode} ${body.slice(0, 300)}`));
        else resolve({ ms: performance.now() - started, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ProbeSpec;
  const warmUntil = performance.now() + spec.warmupS * 1000;
  let last = await once(spec);
  while (performance.now() < warmUntil) last = await once(spec);
  const times: number[] = [];
  const until = performance.now() + spec.durationS * 1000;
  while (performance.now() < until && times.length < spec.maxRequests) {
    last = await once(spec);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const out: ProbeResult = {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    requests: times.length,
    lastBody: last.body,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  agent.destroy();
}

await main();
