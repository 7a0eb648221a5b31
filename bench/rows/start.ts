import { join } from 'node:path';
import { startBareHttp } from '../lib/baselines.js';
import { sleep } from '../lib/children.js';
import type { BenchContext } from '../lib/context.js';
import { alternate, median } from '../lib/load.js';
import { startOpenkeystore } from '../lib/openkeystore.js';
import { fmtMb, fmtMs, type Line } from '../lib/report.js';

/** After the first answer, long enough for start-up garbage to be collected and the heap to settle. */
const SETTLE_MS = 2000;

interface Run {
  readyMs: number;
  idleMb: number;
}

/**
 * Row 7: from spawning `openkeystore serve` on an empty store (migrations, bootstrap and its admin's password hash
 * included) to the first 200 of /ready, and the resident set once idle; against bare node:http started the same
 * way. The resident set after row 5 at its largest keystore comes from row 5.
 */
export async function startRow(ctx: BenchContext): Promise<Line[]> {
  const runs = await alternate(
    ctx.opts.rounds,
    {
      oks: async (round): Promise<Run> => {
        const server = await startOpenkeystore({ dataDir: join(ctx.dir(`start-${round}`), 'store') });
        try {
          await sleep(SETTLE_MS);
          return { readyMs: server.readyMs, idleMb: server.rssMb() };
        } finally {
          await server.stop();
        }
      },
      bare: async (round): Promise<Run> => {
        const bare = await startBareHttp(ctx.dir(`start-bare-${round}`), Buffer.from('ok'), 'text/plain');
        try {
          await sleep(SETTLE_MS);
          return { readyMs: bare.readyMs, idleMb: bare.rssMb() };
        } finally {
          await bare.stop();
        }
      },
    },
    (name, round, r) =>
      ctx.log(`start ${name} round ${round + 1}: ready ${fmtMs(r.readyMs)}, idle RSS ${fmtMb(r.idleMb)}`),
  );
  const ready = median(runs.oks.map((r) => r.readyMs));
  const idle = median(runs.oks.map((r) => r.idleMb));
  const lines: Line[] = [
    {
      row: '7',
      what: 'start to ready (empty store), RSS idle',
      openkeystore: `ready ${fmtMs(ready)}, RSS ${fmtMb(idle)}`,
      baseline: `node:http ready ${fmtMs(median(runs.bare.map((r) => r.readyMs)))}, RSS ${fmtMb(median(runs.bare.map((r) => r.idleMb)))}`,
      ratio: '',
      target: 'ready ≤ 1 s, RSS ≤ 120 MB',
      met: ready <= 1000 && idle <= 120,
    },
  ];
  const big = ctx.shared.afterExpiry;
  lines.push(
    big
      ? {
          row: '7',
          what: `start to ready and RSS after row 5, ${big.entries.toLocaleString('en-US')} entries`,
          openkeystore: `ready ${fmtMs(big.readyMs)}, RSS ${fmtMb(big.rssMb)}`,
          baseline: '',
          ratio: '',
          target: big.entries >= 1_000_000 ? 'ready ≤ 1 s, RSS ≤ 250 MB' : 'RSS ≤ 250 MB at 1,000,000',
          met: big.entries >= 1_000_000 ? big.readyMs <= 1000 && big.rssMb <= 250 : undefined,
        }
      : {
          row: '7',
          what: 'RSS after row 5',
          openkeystore: 'row 5 not run',
          baseline: '',
          ratio: '',
          target: 'RSS ≤ 250 MB at 1,000,000',
          met: undefined,
        },
  );
  return lines;
}
