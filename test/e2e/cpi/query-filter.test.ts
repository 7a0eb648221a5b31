// D8: $filter and $orderby on KeystoreEntries over real HTTP: every operator, precedence, functions, literals,
// and the 400 that says where a filter went wrong.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeCertificates } from '../../../bench/seed/certificates.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { findAll, fixture, type Harness, hex, NS, parseXml, startCpi, trustTestCa } from './support.js';

let h: Harness;

/** Three self-signed certificates that expired on known days: the bench's certificates 0, 1 and 2. */
let dated: { alias: string; notAfter: number }[];

before(async () => {
  h = await startCpi();
  await trustTestCa(h.admin, 'test-root-ca');
  for (const [alias, file] of [
    ['smtp.mail.yahoo.com', 'smtp.mail.yahoo.com.pem'],
    ['ec leaf', 'ec-leaf.pem'],
    ["it's mine", 'mycertificate.pem'],
    ['Alpha', 'mycertificate.pem'],
  ] as const) {
    const r = await h.admin.putCertificate(alias, fixture(file));
    assert.equal(r.status, 204, r.text);
  }
  dated = [];
  for (const [i, der] of (await makeCertificates(3)).entries()) {
    const alias = `dated-${i}`;
    const r = await h.admin.putCertificate(alias, der, 'fingerprintVerified=true');
    assert.equal(r.status, 204, r.text);
    dated.push({ alias, notAfter: parseCertificate(der).notAfter.getTime() });
  }
});
after(() => h.stop());

const ALL = ['Alpha', 'dated-0', 'dated-1', 'dated-2', 'ec leaf', "it's mine", 'smtp.mail.yahoo.com', 'test-root-ca'];

/** The aliases a $filter (and more options) selects, in the server's order. */
const where = (filter: string, more = '') =>
  h.admin.aliases(`$filter=${encodeURIComponent(filter)}${more ? `&${more}` : ''}`);

const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19);

test('every comparison operator, on text, numbers and dates', async () => {
  assert.deepEqual(await where("Alias eq 'Alpha'"), ['Alpha']);
  assert.deepEqual(await where("KeyType ne 'RSA'"), ['dated-0', 'dated-1', 'dated-2', 'ec leaf']);
  assert.deepEqual(await where('KeySize gt 256'), ['Alpha', "it's mine", 'smtp.mail.yahoo.com', 'test-root-ca']);
  assert.deepEqual(await where('KeySize ge 2048'), ['Alpha', "it's mine", 'smtp.mail.yahoo.com', 'test-root-ca']);
  assert.deepEqual(await where('KeySize lt 2048'), ['dated-0', 'dated-1', 'dated-2', 'ec leaf']);
  assert.deepEqual(await where('KeySize le 256'), ['dated-0', 'dated-1', 'dated-2', 'ec leaf']);
  const [d0, d1] = dated.map((d) => d.notAfter) as [number, number];
  assert.deepEqual(await where(`ValidNotAfter lt datetime'${isoSeconds(d1)}'`), ['dated-0']);
  assert.deepEqual(await where(`ValidNotAfter le datetime'${isoSeconds(d1)}'`), ['dated-0', 'dated-1']);
  assert.deepEqual(await where(`ValidNotAfter eq datetimeoffset'${new Date(d0).toISOString()}'`), ['dated-0']);
});

test('and over or, parentheses, not', async () => {
  assert.deepEqual(await where("Alias eq 'Alpha' or KeyType eq 'EC' and KeySize eq 256"), [
    'Alpha',
    'dated-0',
    'dated-1',
    'dated-2',
    'ec leaf',
  ]);
  assert.deepEqual(await where("(Alias eq 'Alpha' or KeyType eq 'EC') and startswith(Alias,'e')"), ['ec leaf']);
  assert.deepEqual(await where("not (KeyType eq 'RSA') and not startswith(Alias,'dated')"), ['ec leaf']);
  assert.deepEqual(await where("not substringof('a',Alias)"), ["it's mine"]);
});

test('functions, bare and compared with true/false; tolower/toupper', async () => {
  assert.deepEqual(await where("substringof('mail',Alias)"), ['smtp.mail.yahoo.com']);
  assert.deepEqual(await where("substringof('mail',Alias) eq true"), ['smtp.mail.yahoo.com']);
  assert.deepEqual(await where("substringof('a', Alias) eq false"), ["it's mine"]);
  assert.deepEqual(await where("startswith(Alias,'dated-') ne true"), [
    'Alpha',
    'ec leaf',
    "it's mine",
    'smtp.mail.yahoo.com',
    'test-root-ca',
  ]);
  assert.deepEqual(await where("endswith(SubjectDN,'C=US')"), ['smtp.mail.yahoo.com']);
  // Text comparisons are case-sensitive; tolower makes one that is not.
  assert.deepEqual(await where("startswith(Alias,'a')"), []);
  assert.deepEqual(await where("startswith(tolower(Alias),'a')"), ['Alpha']);
  assert.deepEqual(await where("toupper(Alias) eq 'ALPHA'"), ['Alpha']);
  assert.deepEqual(await where("substringof('OATH',toupper(SubjectDN))"), ['smtp.mail.yahoo.com']);
  // LIKE's wildcards are plain characters in a literal.
  assert.deepEqual(await where("substringof('%',Alias) or substringof('_',Alias)"), []);
});

test("literals: 'it''s', 2048L, true/false, null; two properties compared", async () => {
  assert.deepEqual(await where("Alias eq 'it''s mine'"), ["it's mine"]);
  assert.deepEqual(await where('KeySize eq 256L'), ['dated-0', 'dated-1', 'dated-2', 'ec leaf']);
  assert.deepEqual(await where("EllipticCurve ne null and KeyType eq 'RSA'"), []);
  assert.deepEqual(await where('EllipticCurve eq null'), ['Alpha', "it's mine", 'smtp.mail.yahoo.com', 'test-root-ca']);
  assert.deepEqual(await where('true'), ALL);
  assert.deepEqual(await where('false'), []);
  // Self-signed certificates: the CA and the three dated ones.
  assert.deepEqual(await where('SubjectDN eq IssuerDN'), ['dated-0', 'dated-1', 'dated-2', 'test-root-ca']);
});

test('Hexalias in any case, Type, Owner, Version, fingerprints; Status and Validity are the same for every entry', async () => {
  assert.deepEqual(await where(`Hexalias eq '${hex('ec leaf').toLowerCase()}'`), ['ec leaf']);
  assert.deepEqual(await where("Type eq 'Certificate'"), ALL);
  assert.deepEqual(await where("Type eq 'Key Pair'"), []);
  assert.deepEqual(await where("Owner eq 'Tenant Administrator' and Version eq 1 and Alias ne 'ec leaf'"), [
    'Alpha',
    "it's mine",
  ]);
  const one = await h.admin.get(`/KeystoreEntries('${hex('ec leaf')}')?$format=json&$select=FingerprintSha256`);
  assert.deepEqual(await where(`FingerprintSha256 eq '${one.json.d.FingerprintSha256}'`), ['ec leaf']);
  assert.deepEqual(await where("Status eq 'unchanged'"), ALL);
  assert.deepEqual(await where("Status eq 'new'"), []);
  assert.deepEqual(await where('Validity eq null'), ALL);
});

test('$orderby: one or more properties, asc/desc; Alias breaks ties', async () => {
  assert.deepEqual(await h.admin.aliases(`$orderby=${encodeURIComponent('Alias desc')}`), [...ALL].reverse());
  const byDate = await h.admin.aliases('$orderby=ValidNotAfter&$filter=startswith(Alias,%27dated%27)');
  assert.deepEqual(
    byDate,
    [...dated].sort((a, b) => a.notAfter - b.notAfter).map((d) => d.alias),
  );
  assert.deepEqual(await h.admin.aliases(`$orderby=${encodeURIComponent('KeySize desc,Alias desc')}&$top=3`), [
    'test-root-ca',
    'smtp.mail.yahoo.com',
    "it's mine",
  ]);
  // Ties on KeyType keep Alias order; EllipticCurve is null for RSA keys, and null sorts first.
  assert.deepEqual(await h.admin.aliases('$orderby=EllipticCurve,KeyType&$top=2'), ['Alpha', "it's mine"]);
  assert.deepEqual(await h.admin.aliases(`$orderby=${encodeURIComponent('EllipticCurve desc')}&$top=1`), ['dated-0']);
});

test('$count and $inlinecount count what $filter selects', async () => {
  const count = await h.admin.get(`/KeystoreEntries/$count?$filter=${encodeURIComponent("KeyType eq 'EC'")}`);
  assert.equal(count.status, 200);
  assert.equal(count.text, '4');
  const paged = await h.admin.get(
    `/KeystoreEntries/$count?$top=2&$skip=1&$filter=${encodeURIComponent("KeyType eq 'EC'")}`,
  );
  assert.equal(paged.text, '2');
  const inline = await h.admin.get(
    `/KeystoreEntries?$format=json&$inlinecount=allpages&$top=1&$select=Alias&$filter=${encodeURIComponent("KeyType eq 'EC'")}`,
  );
  assert.equal(inline.json.d.__count, '4');
  assert.deepEqual(
    inline.json.d.results.map((e: { Alias: string }) => e.Alias),
    ['dated-0'],
  );
});

test('Atom answers carry the filtered entries too', async () => {
  const r = await h.admin.get(
    `/KeystoreEntries?$filter=${encodeURIComponent("KeyType eq 'EC'")}&$inlinecount=allpages`,
  );
  assert.equal(r.status, 200);
  const feed = await parseXml(r.text);
  assert.equal(findAll(feed, `${NS.m}count`)[0]?.text, '4');
  assert.equal(findAll(feed, `${NS.atom}entry`).length, 4);
});

test('bad syntax and unknown properties: 400 saying what and at which position, JSON or XML', async () => {
  const cases: [string, string][] = [
    [
      "Alias eq 'x' andd KeySize eq 1",
      "Invalid $filter at position 13: expected an operator or the end, found 'andd'.",
    ],
    ['Nope eq 1', "Invalid $filter at position 0: 'Nope' is not a property of com.sap.hci.api.KeystoreEntry."],
    [
      "KeySize eq '2048'",
      "Invalid $filter at position 8: the Edm.Int32 property 'KeySize' and an Edm.String literal can't be compared.",
    ],
    ["(Alias eq 'x'", "Invalid $filter at position 13: expected ')', found the end."],
    ["Alias eq 'x", 'Invalid $filter at position 9: the string literal is not closed.'],
    ["Hexalias eq '4'", 'Invalid $filter at position 12: hexBinary needs to be even-length: 4.'],
    ['', 'Invalid $filter at position 0: the expression is empty.'],
  ];
  for (const [filter, message] of cases) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&$filter=${encodeURIComponent(filter)}`);
    assert.equal(r.status, 400, filter);
    assert.deepEqual(r.json, { error: { code: 'Bad Request', message: { lang: 'en', value: message } } });
  }
  const xml = await h.admin.get(`/KeystoreEntries?$filter=${encodeURIComponent('Nope eq 1')}`);
  assert.equal(xml.status, 400);
  const error = await parseXml(xml.text);
  assert.equal(
    error.children[1]?.text,
    "Invalid $filter at position 0: 'Nope' is not a property of com.sap.hci.api.KeystoreEntry.",
  );
  const order = await h.admin.get('/KeystoreEntries?$format=json&$orderby=Alias,Nope');
  assert.equal(order.status, 400);
  assert.equal(
    order.json.error.message.value,
    "Invalid $orderby at position 6: 'Nope' is not a property of com.sap.hci.api.KeystoreEntry.",
  );
  const twice = await h.admin.get('/KeystoreEntries?$format=json&$filter=true&$filter=false');
  assert.equal(twice.status, 400);
});

test('valid V2 this server does not evaluate: 501 naming it, so clients can retry without', async () => {
  for (const [filter, message] of [
    ['length(Alias) eq 5', "Unsupported $filter at position 0: the function 'length' is not supported."],
    ['KeySize add 1 eq 257', "Unsupported $filter at position 8: the arithmetic operator 'add' is not supported."],
  ]) {
    const r = await h.admin.get(`/KeystoreEntries?$format=json&$filter=${encodeURIComponent(filter as string)}`);
    assert.equal(r.status, 501, filter);
    assert.equal(r.json.error.code, 'Not Implemented');
    assert.equal(r.json.error.message.value, message);
  }
});

test('filters and counts on another keystore name the keystore, as lists do', async () => {
  const r = await h.admin.get(`/KeystoreEntries/$count?keystoreName=KeyRenewal&$filter=true`);
  assert.equal(r.text, '0');
});
