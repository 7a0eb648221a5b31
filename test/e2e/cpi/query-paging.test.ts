// Server paging: a list without $top, or with more than 1000, ends after 1000 entries with a __next link (JSON) or
// <link rel="next"> (Atom) that carries the request's options and $skiptoken; following the links reads every
// entry once, in order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeCertificates } from '../../../bench/seed/certificates.js';
import { benchAlias } from '../../../bench/seed/seed-entries.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { seedKeystore } from './server-store.js';
import { findAll, type Harness, NS, parseXml, startCpi } from './support.js';

let h: Harness;
let base: string;
const N = 2500;
let notAfter: Map<string, number>;

before(async () => {
  h = await startCpi();
  base = `${h.server.url}/api/v1`;
  const certificates = await makeCertificates(N);
  assert.equal(await seedKeystore(h.server, 'system', certificates), N);
  notAfter = new Map(certificates.map((der, i) => [benchAlias(i), parseCertificate(der).notAfter.getTime()]));
});
after(() => h.stop());

const ALL = Array.from({ length: N }, (_, i) => benchAlias(i));

interface Page {
  aliases: string[];
  count: string | undefined;
  next: string | undefined;
}

/** A page by absolute URL, as a client follows __next. */
async function page(url: string): Promise<Page> {
  const r = await fetch(url, { headers: { authorization: h.admin.authorization } });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const d = JSON.parse(text).d;
  return { aliases: d.results.map((e: { Alias: string }) => e.Alias), count: d.__count, next: d.__next };
}

/** Every page from the first, following __next; the sizes of the pages and all aliases in order. */
async function follow(query: string): Promise<{ sizes: number[]; aliases: string[]; counts: (string | undefined)[] }> {
  const sizes: number[] = [];
  const aliases: string[] = [];
  const counts: (string | undefined)[] = [];
  let url: string | undefined = `${base}/KeystoreEntries?$format=json&$select=Alias${query ? `&${query}` : ''}`;
  while (url) {
    const p = await page(url);
    sizes.push(p.aliases.length);
    aliases.push(...p.aliases);
    counts.push(p.count);
    url = p.next;
    assert.ok(sizes.length < 10, 'the next links do not end');
  }
  return { sizes, aliases, counts };
}

test('no $top: pages of 1000 with __next carrying $skiptoken, until the last page', async () => {
  const first = await page(`${base}/KeystoreEntries?$format=json&$select=Alias`);
  assert.equal(first.aliases.length, 1000);
  assert.equal(first.next, `${base}/KeystoreEntries?$format=json&$select=Alias&$skiptoken=1000`);
  const all = await follow('');
  assert.deepEqual(all.sizes, [1000, 1000, 500]);
  assert.deepEqual(all.aliases, ALL);
});

test('$top above a page: the server pages up to $top; $top up to 1000 is one page without __next', async () => {
  assert.deepEqual((await follow('$top=1500')).sizes, [1000, 500]);
  assert.deepEqual((await follow('$top=1001')).sizes, [1000, 1]);
  const exact = await page(`${base}/KeystoreEntries?$format=json&$select=Alias&$top=1000`);
  assert.equal(exact.aliases.length, 1000);
  assert.equal(exact.next, undefined);
  const small = await follow('$top=10&$skip=5');
  assert.deepEqual(small.aliases, ALL.slice(5, 15));
});

test('$skip with server paging: the pages continue after the skipped entries', async () => {
  const r = await follow('$skip=1200');
  assert.deepEqual(r.sizes, [1000, 300]);
  assert.deepEqual(r.aliases, ALL.slice(1200));
  assert.deepEqual((await follow('$skip=2000&$top=1200')).sizes, [500]);
});

test('$inlinecount gives the whole count on every page', async () => {
  const r = await follow('$inlinecount=allpages');
  assert.deepEqual(r.counts, ['2500', '2500', '2500']);
});

test('a filtered, ordered list pages in that order, the next links keeping $filter and $orderby', async () => {
  const cut = Date.UTC(2029, 0, 1);
  const filter = `ValidNotAfter lt datetime'${new Date(cut).toISOString().slice(0, 19)}'`;
  const query = `$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('ValidNotAfter desc')}`;
  const r = await follow(query);
  const want = ALL.filter((a) => (notAfter.get(a) as number) < cut).sort(
    (a, b) => (notAfter.get(b) as number) - (notAfter.get(a) as number) || (a < b ? -1 : 1),
  );
  assert.ok(want.length > 1000, `the filter selects ${want.length}, too few to page`);
  assert.deepEqual(r.aliases, want);
  const count = await h.admin.get(`/KeystoreEntries/$count?$filter=${encodeURIComponent(filter)}`);
  assert.equal(count.text, String(want.length));
  const first = await page(`${base}/KeystoreEntries?$format=json&${query}`);
  assert.ok(first.next?.includes(`$filter=${encodeURIComponent(filter)}`), first.next);
});

test('Atom: <link rel="next"> ends a cut feed; its href is the next page', async () => {
  const r = await h.admin.get('/KeystoreEntries?$select=Alias');
  assert.equal(r.status, 200);
  const feed = await parseXml(r.text);
  assert.equal(findAll(feed, `${NS.atom}entry`).length, 1000);
  const links = feed.children.filter((c) => c.tag === `${NS.atom}link`);
  const next = links.find((l) => l.attrib.rel === 'next');
  assert.equal(next?.attrib.href, `${base}/KeystoreEntries?$select=Alias&$skiptoken=1000`);
  assert.equal(feed.children.at(-1), next, 'the next link is the last child of the feed');
  const second = await fetch(next?.attrib.href as string, { headers: { authorization: h.admin.authorization } });
  assert.equal(findAll(await parseXml(await second.text()), `${NS.atom}entry`).length, 1000);
});

test('$count is not paged; a bad $skiptoken is a 400', async () => {
  assert.equal((await h.admin.get('/KeystoreEntries/$count')).text, String(N));
  for (const token of ['-1', 'abc', '1.5']) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&$skiptoken=${token}`);
    assert.equal(r.status, 400, token);
    assert.equal(
      r.json.error.message.value,
      `The value '${token}' of the system query option '$skiptoken' is not valid.`,
    );
  }
});
