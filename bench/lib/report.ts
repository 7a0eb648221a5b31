/** One line of the table: a figure of openkeystore beside its baseline, and whether it meets the target. */
export interface Line {
  row: string;
  what: string;
  openkeystore: string;
  baseline: string;
  ratio: string;
  target: string;
  /** undefined: not measured here (skipped, or the figure has no target). */
  met: boolean | undefined;
}

export const fmtRate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
export const fmtMs = (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : `${Math.round(n).toLocaleString('en-US')} ms`);
export const fmtMb = (n: number) => `${Math.round(n)} MB`;
export const fmtRatio = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

/** A row that could not be measured still gets its line, saying why, rather than vanishing from the table. */
export function notMeasured(row: string, what: string, why: string, target = ''): Line {
  return { row, what, openkeystore: why, baseline: '', ratio: '', target, met: undefined };
}

export function renderTable(lines: Line[]): string {
  const head: Line = {
    row: 'row',
    what: 'measurement',
    openkeystore: 'openkeystore',
    baseline: 'baseline (same run)',
    ratio: 'ratio',
    target: 'target',
    met: undefined,
  };
  const cells = (l: Line, isHead = false) => [
    l.row,
    l.what,
    l.openkeystore,
    l.baseline,
    l.ratio,
    l.target,
    isHead ? 'met' : l.met === undefined ? '' : l.met ? 'yes' : 'NO',
  ];
  const rows = [cells(head, true), ...lines.map((l) => cells(l))];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [fmt(rows[0]!), rule, ...rows.slice(1).map(fmt)].join('\n');
}
