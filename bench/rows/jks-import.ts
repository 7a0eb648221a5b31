import { join } from 'node:path';
import { writeJavaKeystore } from '../../src/pki/jks.js';
import { startBareHttp } from '../lib/baselines.js';
import { memoryOf } from '../lib/children.js';
import { csrfToken } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, median } from '../lib/load.js';
import { basicAuth, startOpenkeystore } from '../lib/openkeystore.js';
import { fmtMb, type Line } from '../lib/report.js';

const PASSWORD = 'changeit';

interface Run {
  seconds: number;
  peakMb: number;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${text.slice(0, 500)}`);
  return (performance.now() - started) / 1000;
}

/**
 * Row 6: a JKS of `jksEntries` trusted certificates through SAP's `POST KeystoreResources`, each time into a fresh
 * store: seconds until answered, and the server's peak resident set (VmHWM). The baseline is bare node:http
 * taking the same request and answering without looking at it: what receiving that much JSON costs at least.
 */
export async function jksImportRow(ctx: BenchContext): Promise<Line[]> {
  const { opts } = ctx;
  const n = opts.jksEntries;
  const certs = await ctx.certificates();
  // Certificates no other row imports, under lowercase aliases as Java writes them.
  const date = new Date(Date.UTC(2026, 0, 1));
  const jks = writeJavaKeystore(
    'JKS',
    certs.slice(-n).map((cert, i) => ({ type: 'trustedCert' as const, alias: `jks-${i}`, date, cert })),
    PASSWORD,
  );
  const body = JSON.stringify({ Name: 'system', Resource: jks.toString('base64'), Password: PASSWORD });
  ctx.log(
    `JKS of ${n} certificates: ${(jks.length / 1e6).toFixed(1)} MB, request ${(body.length / 1e6).toFixed(1)} MB`,
  );

  const runs = await alternate(
    opts.rounds,
    {
      oks: async (round): Promise<Run> => {
        const server = await startOpenkeystore({ dataDir: join(ctx.dir(`jks-${round}`), 'store') });
        try {
          const csrf = await csrfToken(server.url);
          const seconds = await post(`${server.url}/api/v1/KeystoreResources`, body, {
            authorization: basicAuth,
            'x-csrf-token': csrf,
          });
          const peakMb = server.peakMb();
          // Proof that the entries are there, not only that an answer came.
          const count = await fetch(`${server.url}/api/v1/KeystoreEntries/$count`, {
            headers: { authorization: basicAuth },
          }).then((r) => r.text());
          if (Number(count) < n) throw new Error(`the keystore holds ${count} entries after importing ${n}`);
          return { seconds, peakMb };
        } finally {
          await server.stop();
        }
      },
      bare: async (round): Promise<Run> => {
        const bare = await startBareHttp(ctx.dir(`jks-bare-${round}`), Buffer.from('{}'), 'application/json');
        try {
          const seconds = await post(`${bare.url}/api/v1/KeystoreResources`, body, {});
          return { seconds, peakMb: memoryOf(bare.pid)?.peakMb ?? Number.NaN };
        } finally {
          await bare.stop();
        }
      },
    },
    (name, round, r) =>
      ctx.log(`jks ${name} round ${round + 1}: ${r.seconds.toFixed(2)} s, peak RSS ${fmtMb(r.peakMb)}`),
  );
  const seconds = median(runs.oks.map((r) => r.seconds));
  const peak = Math.max(...runs.oks.map((r) => r.peakMb));
  return [
    {
      row: '6',
      what: `JKS of ${n.toLocaleString('en-US')} certificates, POST KeystoreResources`,
      openkeystore: `${seconds.toFixed(2)} s, peak RSS ${fmtMb(peak)}`,
      baseline: `node:http receiving it ${median(runs.bare.map((r) => r.seconds)).toFixed(2)} s, peak RSS ${fmtMb(Math.max(...runs.bare.map((r) => r.peakMb)))}`,
      ratio: '',
      target: '≤ 10 s, peak RSS ≤ 300 MB',
      met: seconds <= 10 && peak <= 300,
    },
  ];
}
