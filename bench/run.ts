// `npm run bench`: openkeystore side by side with the limits of this machine, one table. See bench/README.md.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { killAll } from './lib/children.js';
import { benchContext } from './lib/context.js';
import { setServerNodeFlags } from './lib/openkeystore.js';
import { benchOptions } from './lib/options.js';
import { type Line, notMeasured, renderTable } from './lib/report.js';
import { expiryRows } from './rows/expiry.js';
import { exportRows } from './rows/export.js';
import { importRows } from './rows/imports.js';
import { jksImportRow } from './rows/jks-import.js';
import { startRow } from './rows/start.js';
import { zipExportRow } from './rows/zip-export.js';

interface Row {
  ids: string[];
  what: string;
  run: typeof exportRows;
}

const ROWS: Row[] = [
  { ids: ['1', '2'], what: 'SAP export with Basic and with a bearer token', run: exportRows },
  { ids: ['3'], what: 'Apinizer ZIP export', run: zipExportRow },
  { ids: ['4'], what: 'SAP import of distinct certificates', run: importRows },
  { ids: ['5'], what: 'expiry query and paging on large keystores', run: expiryRows },
  { ids: ['6'], what: 'JKS import through KeystoreResources', run: jksImportRow },
  // After row 5, whose largest server's memory it reports.
  { ids: ['7'], what: 'start to ready, memory', run: startRow },
];

/** The 1-minute load average: on a machine other processes keep busy, absolute figures drop. */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const opts = benchOptions(process.argv.slice(2));
  const ctx = benchContext(opts);
  if (opts.profileDir) {
    mkdirSync(opts.profileDir, { recursive: true });
    setServerNodeFlags(['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`]);
  }
  const started = performance.now();
  const loadBefore = loadAverage();
  ctx.log(`${cpus().length} cores, node ${process.version}; work dir ${opts.workDir}`);
  const lines: Line[] = [];
  for (const row of ROWS) {
    if (opts.only && !row.ids.some((id) => opts.only!.has(id))) continue;
    ctx.log(`row ${row.ids.join(', ')}: ${row.what}`);
    try {
      lines.push(...(await row.run(ctx)));
    } catch (e) {
      // One row that can't be measured must not cost the others: it is shown as such.
      ctx.log(`row ${row.ids.join(', ')} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      for (const id of row.ids) lines.push(notMeasured(id, row.what, `failed: ${String(e).split('\n')[0]}`));
    }
  }
  killAll();
  if (!opts.keep) rmSync(opts.workDir, { recursive: true, force: true });
  const minutes = (performance.now() - started) / 60_000;
  process.stdout.write(
    `\nopenkeystore bench, ${opts.quick ? 'quick' : 'full'}: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ` +
      `${opts.rounds} alternating rounds of ${opts.durationS} s, ${minutes.toFixed(1)} min, ` +
      `load average ${loadBefore} before, ${loadAverage()} after\n\n${renderTable(lines)}\n`,
  );
}

await main();
