import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachedCertificates } from '../seed/certificates.js';
import type { BenchOptions } from './options.js';

/** What a row measured that another row reports: row 7 gives the memory of row 5's largest server. */
export interface Shared {
  afterExpiry?: { entries: number; rssMb: number; readyMs: number };
}

export interface BenchContext {
  opts: BenchOptions;
  /** Progress on stderr; the table alone goes to stdout. */
  log(message: string): void;
  /** A fresh folder of this run's work dir. */
  dir(name: string): string;
  /** Distinct certificates, made once and cached: enough for the largest keystore and for row 4's uploads. */
  certificates(): Promise<Buffer[]>;
  poolSize: number;
  shared: Shared;
}

export function benchContext(opts: BenchOptions): BenchContext {
  const poolSize = Math.max(100_000, ...opts.sizes);
  let pool: Promise<Buffer[]> | undefined;
  let n = 0;
  return {
    opts,
    log: (message) => process.stderr.write(`[bench] ${message}\n`),
    dir(name) {
      const d = join(opts.workDir, `${String(++n).padStart(2, '0')}-${name}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
    certificates() {
      pool ??= (async () => {
        const started = performance.now();
        const certs = await cachedCertificates(poolSize, opts.cacheDir);
        process.stderr.write(
          `[bench] ${poolSize} certificates ready in ${Math.round(performance.now() - started)} ms\n`,
        );
        return certs;
      })();
      return pool;
    },
    poolSize,
    shared: {},
  };
}
