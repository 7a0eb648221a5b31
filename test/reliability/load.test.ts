import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCertificates } from '../helpers/certificates.js';
import { basic, startServer, testStore } from '../helpers/server.js';
import { cpiClient, masterKeyEnv, putCertificate, report, rssMiB, sleep } from './support.js';

const CONNECTIONS = 50;
const WARM_UP_MS = 4000;
const DURATION_MS = 15_000;
const SAMPLE_MS = 500;
/**
 * Growth of the server's resident memory allowed from the start of the measured run to its end, each the median
 * of a few samples (the heap breathes with garbage collection). A leak of a few kB per request exceeds it.
 */
const MAX_GROWTH_MIB = 64;
const ALIASES = 20;

type Kind = 'list' | 'entry' | 'count' | 'ready' | 'update' | 'create' | 'bad-login';

/** The mix, by weight: mostly reads, a fifth writes, and a trickle of wrong passwords. */
const MIX: [Kind, number][] = [
  ['list', 30],
  ['entry', 30],
  ['count', 10],
  ['ready', 8],
  ['update', 14],
  ['create', 6],
  ['bad-login', 2],
];

function pick(): Kind {
  let r = Math.random() * MIX.reduce((a, [, w]) => a + w, 0);
  for (const [kind, w] of MIX) {
    r -= w;
    if (r < 0) return kind;
  }
  return 'list';
}

test(`${CONNECTIONS} connections of mixed reads and writes for ${DURATION_MS / 1000} s on ${testStore}: no 5xx, flat memory`, {
  timeout: 90_000,
}, async (t) => {
  const server = await startServer({ env: masterKeyEnv() });
  const certs = await makeCertificates(300, 'load');
  let next = 0;
  const cert = () => certs[next++ % certs.length]!;
  const counts = { total: 0, '2xx': 0, '4xx': 0, '429': 0, '5xx': 0, errors: 0 };
  const byKind = new Map<Kind, number>();
  const failures: string[] = [];
  const samples: number[] = [];
  try {
    const seed = cpiClient(server);
    for (let i = 0; i < ALIASES; i++)
      assert.equal((await putCertificate(seed, `load-${i}`, cert(), false)).outcome, 'acked');
    const hexOf = (i: number) => Buffer.from(`load-${i}`).toString('hex').toUpperCase();
    const mallory = basic('mallory', 'guessing');

    let measuring = false;
    let stopAt = Date.now() + WARM_UP_MS + DURATION_MS;
    const one = async (c: number, n: number, client: ReturnType<typeof cpiClient>) => {
      const kind = pick();
      let status: number;
      try {
        const i = Math.floor(Math.random() * ALIASES);
        if (kind === 'list')
          status = await drain(client.get('/KeystoreEntries?$top=20', { accept: 'application/json' }));
        else if (kind === 'entry')
          status = await drain(client.get(`/KeystoreEntries('${hexOf(i)}')`, { accept: 'application/json' }));
        else if (kind === 'count') status = await drain(client.get('/KeystoreEntries/$count'));
        else if (kind === 'ready') status = await drain(fetch(`${server.url}/ready`));
        else if (kind === 'bad-login')
          status = await drain(fetch(`${server.url}/api/v1/KeystoreEntries`, { headers: { authorization: mallory } }));
        else {
          const r = await putCertificate(
            client,
            kind === 'update' ? `load-${i}` : `load-new-${c}-${n}`,
            cert(),
            kind === 'update',
          );
          if (r.outcome === 'no-answer') throw new Error('no answer');
          status = r.status;
        }
      } catch (e) {
        counts.errors++;
        if (failures.length < 10) failures.push(`${kind}: ${String(e)}`);
        return;
      }
      if (!measuring) return;
      counts.total++;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      if (status >= 500) {
        counts['5xx']++;
        if (failures.length < 10) failures.push(`${kind}: ${status}`);
      } else if (status === 429) counts['429']++;
      else if (status >= 400) counts['4xx']++;
      else counts['2xx']++;
    };
    const connection = async (c: number) => {
      const client = cpiClient(server);
      for (let n = 0; Date.now() < stopAt; n++) await one(c, n, client);
    };
    const running = Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => connection(c)));
    await sleep(WARM_UP_MS);
    measuring = true;
    const pid = server.process.pid!;
    const started = Date.now();
    samples.push(rssMiB(pid));
    stopAt = started + DURATION_MS;
    while (Date.now() < stopAt) {
      await sleep(SAMPLE_MS);
      samples.push(rssMiB(pid));
    }
    await running;
    const seconds = (Date.now() - started) / 1000;
    const [start, end, peak] = [median(samples.slice(0, 4)), median(samples.slice(-4)), Math.max(...samples)];
    report(t, `load on ${testStore}`, {
      connections: CONNECTIONS,
      seconds: seconds.toFixed(1),
      'requests served': counts.total,
      'per second': Math.round(counts.total / seconds),
      '2xx': counts['2xx'],
      '4xx (wrong passwords)': counts['4xx'],
      '429 (wrong passwords, throttled)': counts['429'],
      '5xx': counts['5xx'],
      'network errors': counts.errors,
      writes: (byKind.get('update') ?? 0) + (byKind.get('create') ?? 0),
      'RSS start MiB': start,
      'RSS end MiB': end,
      'RSS peak MiB': peak,
    });
    assert.deepEqual(failures, []);
    assert.equal(counts['5xx'], 0);
    assert.equal(counts.errors, 0);
    assert.ok(counts.total > 500, `only ${counts.total} requests in ${seconds} s`);
    assert.ok(end - start < MAX_GROWTH_MIB, `memory grew from ${start} to ${end} MiB`);
  } finally {
    await server.stop();
  }
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function drain(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.arrayBuffer();
  return r.status;
}
