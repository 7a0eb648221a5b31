import { join } from 'node:path';
import { parseCertificate } from '../../src/pki/certificate.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, type ProbeResult, runProbe } from '../lib/load.js';
import { basicAuth, type OksServer, startOpenkeystore } from '../lib/openkeystore.js';
import { postgresAvailable } from '../lib/postgres.js';
import { fmtMs, fmtRatio, type Line, notMeasured } from '../lib/report.js';
import { type StoreKind, seededStore } from '../seed/store-template.js';

const DAY = 86_400_000;
/** Seconds each probe runs at most. */
const PROBE_SECONDS = 3;
/** The server's page: a client that lists everything gets 1000 entries and a __next link at a time. */
const SERVER_PAGE = 1000;

/** `datetime'2021-01-31T00:00:00'`, as OData V2 writes a DateTime literal. */
const datetime = (ms: number) => `datetime'${new Date(ms).toISOString().slice(0, 19)}'`;

interface Sized {
  size: number;
  server: OksServer;
  dispose(): Promise<void>;
}

interface Query {
  name: string;
  path(size: number): string;
}

/**
 * Row 5: the query a monitoring job runs for what expires within 30 days, on keystores of 10,000, 100,000 and
 * 1,000,000 entries (one server and store each, asked in turn round after round), and the first and last server
 * page of the whole keystore ordered by alias. The seeded certificates expire on every day of ten years, from the
 * day after the first one's start; the job runs on that first day, so "within 30 days" is 30 of 3650 days: 0.8%.
 */
export async function expiryRows(ctx: BenchContext): Promise<Line[]> {
  const kinds: StoreKind[] = ['sqlite'];
  if (ctx.opts.expiryOnPostgres && (await postgresAvailable())) kinds.push('postgres');
  const lines: Line[] = [];
  for (const kind of kinds) lines.push(...(await expiryOn(ctx, kind)));
  if (ctx.opts.expiryOnPostgres && kinds.length === 1)
    lines.push(notMeasured('5', 'expiry query, PostgreSQL', 'no PostgreSQL answers'));
  return lines;
}

async function expiryOn(ctx: BenchContext, kind: StoreKind): Promise<Line[]> {
  const { opts } = ctx;
  const certs = await ctx.certificates();
  const firstExpiry = parseCertificate(certs[0]!).notAfter.getTime();
  const filter = `ValidNotAfter lt ${datetime(firstExpiry - DAY + 30 * DAY)}`;
  const queries: Query[] = [
    {
      name: 'expiry',
      path: () =>
        `/api/v1/KeystoreEntries?$filter=${encodeURIComponent(filter)}&$orderby=ValidNotAfter&$top=100&$inlinecount=allpages&$format=json`,
    },
    { name: 'first page', path: () => '/api/v1/KeystoreEntries?$orderby=Alias&$format=json' },
    {
      name: 'last page',
      path: (size) => `/api/v1/KeystoreEntries?$orderby=Alias&$skiptoken=${size - SERVER_PAGE}&$format=json`,
    },
  ];

  const servers: Sized[] = [];
  try {
    for (const size of opts.sizes) {
      const dir = ctx.dir(`expiry-${kind}-${size}`);
      const store = await seededStore(kind, certs.slice(0, size), opts.cacheDir, join(dir, 'store'), ctx.log);
      const server = await startOpenkeystore(store);
      servers.push({ size, server, dispose: store.dispose });
      ctx.log(`${kind} store of ${size} entries ready in ${fmtMs(server.readyMs)}`);
    }
    const results = new Map<string, Record<string, ProbeResult[]>>();
    for (const q of queries) {
      const contenders = Object.fromEntries(
        servers.map((s) => [
          String(s.size),
          () =>
            runProbe({
              url: `${s.server.url}${q.path(s.size)}`,
              headers: { authorization: basicAuth },
              // A sequential client needs fewer seconds than a loaded one for steady percentiles; nine contenders
              // a round keep this row the longest of the suite even so.
              durationS: Math.min(opts.durationS, PROBE_SECONDS),
              warmupS: 1,
              maxRequests: 5000,
            }),
        ]),
      );
      results.set(
        q.name,
        await alternate(opts.rounds, contenders, (size, round, r) =>
          ctx.log(
            `${q.name} ${kind} ${size} round ${round + 1}: p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)} (${r.requests})`,
          ),
        ),
      );
    }
    const largest = servers[servers.length - 1]!;
    ctx.shared.afterExpiry = { entries: largest.size, rssMb: largest.server.rssMb(), readyMs: largest.server.readyMs };
    return report(kind, servers, results);
  } finally {
    for (const s of servers) {
      await s.server.stop();
      await s.dispose();
    }
  }
}

function report(kind: StoreKind, servers: Sized[], results: Map<string, Record<string, ProbeResult[]>>): Line[] {
  const store = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  // Medians of the rounds' own percentiles.
  const p = (query: string, size: number, pick: 'p50' | 'p99') => {
    const runs = results.get(query)?.[String(size)] ?? [];
    const xs = runs.map((r) => r[pick]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? Number.NaN;
  };
  const smallest = servers[0]!.size;
  const largest = servers[servers.length - 1]!.size;
  const lines: Line[] = [];
  for (const { size } of servers) {
    const last = size === largest;
    const expiry = results.get('expiry')?.[String(size)]?.at(-1);
    const selected = expiry ? (JSON.parse(expiry.lastBody) as { d?: { __count?: string } }).d?.__count : undefined;
    const ratio = p('expiry', size, 'p50') / p('expiry', smallest, 'p50');
    lines.push({
      row: '5',
      what: `expiry query, ${store}, ${size.toLocaleString('en-US')} entries (${selected ?? '?'} expiring)`,
      openkeystore: `p50 ${fmtMs(p('expiry', size, 'p50'))}, p99 ${fmtMs(p('expiry', size, 'p99'))}`,
      baseline: size === smallest ? 'the 10,000 store is the baseline' : `× ${size / smallest} entries`,
      ratio: fmtRatio(ratio),
      target: last ? 'p50 ≤ 20 ms at 1,000,000, ≤ 2× of 10,000' : '',
      met: last && largest >= 1_000_000 ? p('expiry', size, 'p50') <= 20 && ratio <= 2 : undefined,
    });
  }
  for (const { size } of servers)
    lines.push({
      row: '5',
      what: `by Alias, page of ${SERVER_PAGE}, ${store}, ${size.toLocaleString('en-US')} entries`,
      openkeystore: `first p50 ${fmtMs(p('first page', size, 'p50'))}, last p50 ${fmtMs(p('last page', size, 'p50'))}`,
      baseline: '',
      ratio: fmtRatio(p('last page', size, 'p50') / p('first page', size, 'p50')),
      target: '',
      met: undefined,
    });
  return lines;
}
