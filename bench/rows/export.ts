import { join } from 'node:path';
import { nginxInstalled, startBareHttp, startNginx, type Target } from '../lib/baselines.js';
import { accessToken, csrfToken, entryPath, getBytes, importCertificate } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, type LoadResult, type Measured, median, pairedRatio, runLoad } from '../lib/load.js';
import { basicAuth, startOpenkeystore } from '../lib/openkeystore.js';
import { fmtMs, fmtRate, fmtRatio, type Line } from '../lib/report.js';

const ALIAS = 'bench-export';

const summary = (runs: LoadResult[]) =>
  `${fmtRate(median(runs.map((r) => r.rps)))}, p99 ${fmtMs(median(runs.map((r) => r.p99)))}`;

/**
 * Rows 1 and 2: SAP's certificate export, `GET KeystoreEntries('{hex}')/Certificate/$value`, with Basic credentials
 * on every request and with an OAuth bearer token, against bare node:http (and nginx) answering the same PEM.
 */
export async function exportRows(ctx: BenchContext): Promise<Line[]> {
  const { opts } = ctx;
  const dir = ctx.dir('export');
  const [der] = await ctx.certificates();
  const server = await startOpenkeystore({ dataDir: join(dir, 'store') });
  const targets: Target[] = [];
  try {
    await importCertificate(server.url, ALIAS, der!, await csrfToken(server.url));
    const url = `${server.url}${entryPath(ALIAS)}`;
    const token = `Bearer ${await accessToken(server.url)}`;
    // The baselines answer exactly the bytes openkeystore answers.
    const pem = await getBytes(url, basicAuth);
    const bare = await startBareHttp(join(dir, 'bare'), pem, 'application/pkix-cert');
    targets.push(bare);
    const nginx = nginxInstalled() ? await startNginx(join(dir, 'nginx'), pem, 'application/pkix-cert') : undefined;
    if (nginx) targets.push(nginx);

    const load = (target: string, pid: number | undefined, authorization?: string) => () =>
      runLoad(
        {
          url: target,
          connections: opts.connections,
          durationS: opts.durationS,
          warmupS: opts.warmupS,
          headers: authorization ? { authorization } : {},
        },
        pid,
      );
    const contenders: Record<string, () => Promise<Measured>> = {
      basic: load(url, server.pid, basicAuth),
      bearer: load(url, server.pid, token),
      // What is left once Fastify and the access log have taken their share: no credentials, no store.
      health: load(`${server.url}/health`, server.pid),
      bare: load(`${bare.url}${entryPath(ALIAS)}`, bare.pid),
    };
    if (nginx) contenders.nginx = load(`${nginx.url}${entryPath(ALIAS)}`, undefined);
    const runs = await alternate(opts.rounds, contenders, (name, round, r) =>
      ctx.log(
        `export ${name} round ${round + 1}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, server CPU ${Math.round(r.cpuUs)} µs/request`,
      ),
    );

    const rps = (name: string) => (runs[name] ?? []).map((r) => r.rps);
    const baseline = `node:http ${summary(runs.bare!)}${nginx ? `; nginx ${summary(runs.nginx!)}` : '; nginx not installed'}`;
    const vsNginx = (name: string) => (nginx ? ` (${fmtRatio(pairedRatio(rps(name), rps('nginx')))} of nginx)` : '');
    const basicRatio = pairedRatio(rps('basic'), rps('bare'));
    const bearerRatio = pairedRatio(rps('bearer'), rps('bare'));
    const basicP99 = median(runs.basic!.map((r) => r.p99));
    const healthRatio = pairedRatio(rps('health'), rps('bare'));
    return [
      {
        row: '1',
        what: `SAP export $value, Basic, ${opts.connections} conn`,
        openkeystore: summary(runs.basic!),
        baseline,
        ratio: `${fmtRatio(basicRatio)}${vsNginx('basic')}`,
        target: '≥ 0.70, p99 ≤ 5 ms',
        met: basicRatio >= 0.7 && basicP99 <= 5,
      },
      {
        row: '1',
        what: `GET /health (no credentials, no store), ${opts.connections} conn`,
        openkeystore: summary(runs.health!),
        baseline: 'node:http as row 1',
        ratio: fmtRatio(healthRatio),
        target: 'none: the floor of rows 1–2',
        met: undefined,
      },
      {
        row: '2',
        what: `SAP export $value, Bearer, ${opts.connections} conn`,
        openkeystore: summary(runs.bearer!),
        baseline: 'node:http as row 1',
        ratio: `${fmtRatio(bearerRatio)}${vsNginx('bearer')}`,
        target: '≥ 0.70',
        met: bearerRatio >= 0.7,
      },
    ];
  } finally {
    for (const t of targets) await t.stop();
    await server.stop();
  }
}
