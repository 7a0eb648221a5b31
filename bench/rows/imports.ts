import { join } from 'node:path';
import { startBareStore, type Target } from '../lib/baselines.js';
import { csrfToken } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, type Measured, median, pairedRatio, runLoad } from '../lib/load.js';
import { basicAuth, type OksServer, startOpenkeystore } from '../lib/openkeystore.js';
import { createDatabase, dropDatabase, postgresAdminUrl, postgresAvailable } from '../lib/postgres.js';
import { fmtRate, fmtRatio, type Line, notMeasured } from '../lib/report.js';

const IMPORT_PATH = "/api/v1/CertificateResources('{hex}')/$value?fingerprintVerified=true&returnKeystoreEntries=false";

interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  target: number;
  start(dir: string): Promise<{ oks: OksServer; bare: Target; dispose(): Promise<void> }>;
}

const sqlite: Backend = {
  name: 'SQLite',
  target: 2000,
  async start(dir) {
    const oks = await startOpenkeystore({ dataDir: join(dir, 'store') });
    const bare = await startBareStore(join(dir, 'bare'), join(dir, 'bare', 'uploads.db'));
    return { oks, bare, dispose: async () => undefined };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  target: 500,
  async start(dir) {
    const [mine, theirs] = [await createDatabase(), await createDatabase()];
    const oks = await startOpenkeystore({ dataDir: join(dir, 'store'), databaseUrl: mine.url });
    const bare = await startBareStore(join(dir, 'bare'), theirs.url);
    return {
      oks,
      bare,
      async dispose() {
        await dropDatabase(mine.name);
        await dropDatabase(theirs.name);
      },
    };
  },
};

/**
 * Row 4: SAP's `PUT CertificateResources('{hex}')/$value` of distinct certificates (each request another
 * certificate under another alias), every import committed before it is answered, against bare node:http storing
 * the same bodies with one durable insert each. SQLite, and PostgreSQL where one answers.
 */
export async function importRows(ctx: BenchContext): Promise<Line[]> {
  const lines: Line[] = [];
  const backends = [sqlite];
  if (ctx.opts.postgres && (await postgresAvailable())) backends.push(postgres);
  for (const backend of backends) lines.push(await importRow(ctx, backend));
  if (backends.length === 1)
    lines.push(
      notMeasured(
        '4',
        'SAP import PUT CertificateResources, PostgreSQL',
        ctx.opts.postgres ? `no PostgreSQL at ${new URL(postgresAdminUrl).host}` : 'skipped (--no-postgres)',
        '≥ 500/s',
      ),
    );
  return lines;
}

async function importRow(ctx: BenchContext, backend: Backend): Promise<Line> {
  const { opts } = ctx;
  await ctx.certificates();
  const { oks, bare, dispose } = await backend.start(ctx.dir(`imports-${backend.name}`));
  try {
    const csrf = await csrfToken(oks.url);
    // Each contender walks through the cache on its own: both store the very same certificates.
    const next = { oks: 0, bare: 0 };
    const load = (who: 'oks' | 'bare', url: string, pid: number, headers: Record<string, string>) => async () => {
      const r = await runLoad(
        {
          url,
          method: 'PUT',
          connections: opts.connections,
          durationS: opts.durationS,
          warmupS: opts.warmupS,
          headers,
          uploads: {
            cacheDir: opts.cacheDir,
            count: ctx.poolSize,
            first: next[who],
            aliasPrefix: 'import-',
            pathTemplate: IMPORT_PATH,
          },
        },
        pid,
      );
      next[who] += r.used;
      return r;
    };
    const runs = await alternate(
      opts.rounds,
      {
        oks: load('oks', oks.url, oks.pid, { authorization: basicAuth, 'x-csrf-token': csrf }),
        bare: load('bare', bare.url, bare.pid, {}),
      },
      (name, round, r: Measured) =>
        ctx.log(
          `imports ${backend.name} ${name} round ${round + 1}: ${Math.round(r.rps)}/s, p99 ${r.p99} ms, server CPU ${Math.round(r.cpuUs)} µs/request`,
        ),
    );
    const rate = median(runs.oks.map((r) => r.rps));
    return {
      row: '4',
      what: `SAP import PUT CertificateResources, ${backend.name}, ${opts.connections} conn`,
      openkeystore: `${fmtRate(rate)} imports`,
      baseline: `node:http + one INSERT ${fmtRate(median(runs.bare.map((r) => r.rps)))}`,
      ratio: fmtRatio(
        pairedRatio(
          runs.oks.map((r) => r.rps),
          runs.bare.map((r) => r.rps),
        ),
      ),
      target: `≥ ${backend.target.toLocaleString('en-US')}/s`,
      met: rate >= backend.target,
    };
  } finally {
    await oks.stop();
    await bare.stop();
    await dispose();
  }
}
