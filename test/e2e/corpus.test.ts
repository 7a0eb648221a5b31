import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CpiClient, hex, pemToDer } from '../helpers/cpi.js';
import { type RunningServer, repoRoot, startServer } from '../helpers/server.js';

// Real certificates written by others: each must import and export byte-exact, or be refused with a 4xx.
const corpus = join(repoRoot, '../shared/corpora/zlint-testdata');

let server: RunningServer;
let cpi: CpiClient;

before(async () => {
  server = await startServer();
  cpi = new CpiClient(`${server.url}/api/v1`, server.adminUser, server.adminPassword);
});
after(() => server.stop());

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}

test('every zlint certificate imports and exports byte-exact, or is refused with a clear 4xx', async (t) => {
  assert.ok(existsSync(corpus), `the corpus must be beside the repository: ${corpus}`);
  const files = readdirSync(corpus).filter((f) => f.endsWith('.pem'));
  assert.ok(files.length > 1000, `expected the whole corpus, found ${files.length} files`);
  const accepted: string[] = [];
  const refused: { file: string; status: number; message: string }[] = [];
  const crls: string[] = [];

  await eachLimited(files, 8, async (file) => {
    const text = readFileSync(join(corpus, file), 'utf8');
    const isCrl = text.includes('-----BEGIN X509 CRL-----') && !text.includes('-----BEGIN CERTIFICATE-----');
    const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)?.[0];
    const body = isCrl ? (/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----/.exec(text)?.[0] ?? text) : block;
    assert.ok(body, `${file}: no PEM block`);
    const alias = `z-${file}`;
    const put = await cpi.write('PUT', `/CertificateResources('${hex(alias)}')/$value?fingerprintVerified=true`, body, {
      'content-type': 'application/pkix-cert',
      accept: 'application/json',
    });
    const answer = await put.text();
    if (put.status === 204) {
      assert.ok(!isCrl, `${file}: a CRL was accepted as a certificate`);
      const get = await cpi.get(`/KeystoreEntries('${hex(alias)}')/Certificate/$value`);
      assert.equal(get.status, 200, `${file}: export answered ${get.status}`);
      assert.equal(get.headers.get('content-type'), 'application/pkix-cert');
      assert.deepEqual(pemToDer(await get.text()), pemToDer(block as string), `${file}: DER changed on the way`);
      accepted.push(file);
      return;
    }
    assert.ok(put.status >= 400 && put.status < 500, `${file}: answered ${put.status} ${answer}`);
    const error = JSON.parse(answer) as { error: { code: string; message: { value: string } } };
    assert.ok(error.error.message.value.length > 0, `${file}: refusal without a message`);
    if (isCrl) {
      assert.equal(put.status, 415, `${file}: a CRL must be refused as not a certificate`);
      assert.match(error.error.message.value, /not a certificate/);
      crls.push(file);
    } else refused.push({ file, status: put.status, message: error.error.message.value });
  });

  t.diagnostic(`accepted ${accepted.length}, CRLs refused ${crls.length}, other refusals ${refused.length}`);
  for (const r of refused) t.diagnostic(`refused ${r.file}: ${r.status} ${r.message}`);
  assert.ok(crls.length > 0, 'the corpus has CRLs; none was seen');
  assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the server must stay up');
  const count = await cpi.get('/KeystoreEntries/$count');
  assert.equal(Number(await count.text()), accepted.length, 'refused imports must leave nothing behind');
});
