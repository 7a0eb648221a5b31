// The load generator, run as its own process so that it never shares an event loop with a server under test:
//
//   node --import tsx bench/load/cannon.ts '<LoadSpec as JSON>'
//
// Prints one JSON line (LoadResult). With `uploads`, every request PUTs another certificate of the cache under its
// own alias, so that each import is of a distinct certificate.
import autocannon, { type RawRequest } from 'autocannon';
import { encodeHexAlias } from '../../src/pki/hexalias.js';
import { cachedCertificates } from '../seed/certificates.js';

export interface LoadSpec {
  url: string;
  connections: number;
  durationS: number;
  warmupS: number;
  method?: string;
  headers?: Record<string, string>;
  uploads?: {
    cacheDir: string;
    /** Which cache file (certificates-<count>.bin). */
    count: number;
    /** The first certificate to send; the next run of the row starts where this one ended. */
    first: number;
    aliasPrefix: string;
    /** `{hex}` is replaced by the alias in hex, e.g. `/api/v1/CertificateResources('{hex}')/$value?…`. */
    pathTemplate: string;
  };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  /** Answers other than 2xx, timeouts and socket errors: a row with any of these is not a valid measurement. */
  failures: number;
  statuses: Record<string, number>;
  /** Requests answered during the warm-up, which the figures above leave out. */
  warmupRequests: number;
  /** With uploads: certificates used, warm-up included. */
  used: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  let used = 0;
  let requests: { setupRequest: (req: RawRequest) => RawRequest }[] | undefined;
  if (spec.uploads) {
    const up = spec.uploads;
    const certificates = await cachedCertificates(up.count, up.cacheDir);
    requests = [
      {
        setupRequest(req) {
          const i = up.first + used++;
          const der = certificates[i];
          if (!der) throw new Error('the certificate cache is used up: make it larger');
          return { ...req, path: up.pathTemplate.replace('{hex}', encodeHexAlias(`${up.aliasPrefix}${i}`)), body: der };
        },
      },
    ];
  }
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.warmupS > 0 ? { warmup: { connections: spec.connections, duration: spec.warmupS } } : {}),
    ...(requests ? { requests } : {}),
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count;
  const out: LoadResult = {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    statuses,
    warmupRequests: result.warmup?.requests.total ?? 0,
    used,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
