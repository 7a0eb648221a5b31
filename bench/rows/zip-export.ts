import { join } from 'node:path';
import { toPem } from '../../src/pki/pem.js';
import { startBareHttp } from '../lib/baselines.js';
import { accessToken, createApinizerCertificate, createEnvironment, getBytes } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, median, pairedRatio, runLoad } from '../lib/load.js';
import { startOpenkeystore } from '../lib/openkeystore.js';
import { fmtMs, fmtRate, fmtRatio, type Line } from '../lib/report.js';

const PROJECT = 'default';
const NAME = 'bench-zip';
/** The bootstrap's environment and two more, as a project with a development, test and production stage has. */
const ENVIRONMENTS = ['production', 'test', 'development'];

/**
 * Row 3: Apinizer's ZIP export of a certificate held in 3 environments, with a bearer token as API Ops clients
 * send it, against bare node:http answering the same ZIP bytes.
 */
export async function zipExportRow(ctx: BenchContext): Promise<Line[]> {
  const { opts } = ctx;
  const dir = ctx.dir('zip-export');
  const [, der] = await ctx.certificates();
  const server = await startOpenkeystore({ dataDir: join(dir, 'store') });
  try {
    for (const env of ENVIRONMENTS.slice(1)) await createEnvironment(server.url, PROJECT, env);
    await createApinizerCertificate(server.url, PROJECT, NAME, toPem(der!), ENVIRONMENTS);
    const path = `/apiops/projects/${PROJECT}/certificates/${NAME}/export`;
    const authorization = `Bearer ${await accessToken(server.url)}`;
    const zip = await getBytes(`${server.url}${path}`, authorization);
    const bare = await startBareHttp(join(dir, 'bare'), zip, 'application/octet-stream');
    try {
      const load = (url: string, pid: number, headers: Record<string, string>) => () =>
        runLoad({ url, connections: opts.connections, durationS: opts.durationS, warmupS: opts.warmupS, headers }, pid);
      const runs = await alternate(
        opts.rounds,
        {
          zip: load(`${server.url}${path}`, server.pid, { authorization }),
          bare: load(`${bare.url}${path}`, bare.pid, {}),
        },
        (name, round, r) =>
          ctx.log(
            `zip ${name} round ${round + 1}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, server CPU ${Math.round(r.cpuUs)} µs/request`,
          ),
      );
      const ratio = pairedRatio(
        runs.zip.map((r) => r.rps),
        runs.bare.map((r) => r.rps),
      );
      const fmt = (rs: typeof runs.zip) =>
        `${fmtRate(median(rs.map((r) => r.rps)))}, p99 ${fmtMs(median(rs.map((r) => r.p99)))}`;
      return [
        {
          row: '3',
          what: `Apinizer ZIP export, 3 envs, Bearer, ${opts.connections} conn`,
          openkeystore: fmt(runs.zip),
          baseline: `node:http ${fmt(runs.bare)} (${zip.length} B ZIP)`,
          ratio: fmtRatio(ratio),
          target: '≥ 0.50',
          met: ratio >= 0.5,
        },
      ];
    } finally {
      await bare.stop();
    }
  } finally {
    await server.stop();
  }
}
