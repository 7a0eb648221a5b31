// §1.3, D1, D6, D7, D14: Atom by default, JSON on request, properties in EDMX order, $metadata as SAP serves it.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../../helpers/server.js';
import {
  findAll,
  fixture,
  type Harness,
  hex,
  NS,
  parseXml,
  startCpi,
  trustTestCa,
  type XmlElement,
} from './support.js';

let h: Harness;
let base: string;

/** KeystoreEntry's properties in EDMX order, base types first (§4). */
const PROPERTIES = [
  'Hexalias',
  'Alias',
  'KeyType',
  'KeySize',
  'ValidNotBefore',
  'ValidNotAfter',
  'SerialNumber',
  'SignatureAlgorithm',
  'EllipticCurve',
  'Validity',
  'SubjectDN',
  'IssuerDN',
  'Version',
  'FingerprintSha1',
  'FingerprintSha256',
  'FingerprintSha512',
  'Type',
  'Owner',
  'LastModifiedBy',
  'LastModifiedTime',
  'CreatedBy',
  'CreatedTime',
  'Status',
];
const NAVIGATIONS = ['ChainCertificates', 'Certificate', 'Sshkey', 'Keystore', 'ChainResource', 'SigningRequest'];

const fingerprint = (algo: string, der: Buffer) =>
  createHash(algo)
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

before(async () => {
  h = await startCpi();
  base = `${h.server.url}/api/v1`;
  await trustTestCa(h.admin);
  for (const [alias, file] of [
    ['smtp.mail.yahoo.com', 'smtp.mail.yahoo.com.pem'],
    ['ec leaf', 'ec-leaf.pem'],
  ] as const) {
    const r = await h.admin.putCertificate(alias, fixture(file));
    assert.equal(r.status, 204, r.text);
  }
});
after(() => h.stop());

test('JSON entity: __metadata, every property in EDMX order with SAP value forms, then __deferred links', async () => {
  const r = await h.admin.get(`/KeystoreEntries('${hex('smtp.mail.yahoo.com')}')?$format=json`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
  const d = r.json.d;
  assert.deepEqual(Object.keys(d), ['__metadata', ...PROPERTIES, ...NAVIGATIONS]);
  const uri = `${base}/KeystoreEntries('736D74702E6D61696C2E7961686F6F2E636F6D')`;
  assert.deepEqual(d.__metadata, { id: uri, uri, type: 'com.sap.hci.api.KeystoreEntry' });
  const der = fixture('smtp.mail.yahoo.com.der');
  const x = new X509Certificate(der);
  assert.equal(d.Hexalias, '736D74702E6D61696C2E7961686F6F2E636F6D');
  assert.equal(d.Alias, 'smtp.mail.yahoo.com');
  assert.equal(d.KeyType, 'RSA');
  assert.equal(d.KeySize, 2048);
  assert.equal(d.ValidNotBefore, `/Date(${Date.parse(x.validFrom)}+0000)/`);
  assert.equal(d.ValidNotAfter, `/Date(${Date.parse(x.validTo)}+0000)/`);
  assert.equal(d.SerialNumber, '0xC1C471135');
  assert.equal(d.SignatureAlgorithm, 'SHA256withRSA');
  assert.equal(d.EllipticCurve, null);
  assert.equal(d.Validity, null);
  assert.equal(d.SubjectDN, 'CN=smtp.mail.yahoo.com, O=Oath Inc, L=Sunnyvale, ST=California, C=US');
  assert.equal(d.IssuerDN, 'CN=openkeystore Test Root CA, O=openkeystore tests, C=DE');
  assert.equal(d.Version, 3);
  assert.equal(d.FingerprintSha1, fingerprint('sha1', der));
  assert.equal(d.FingerprintSha256, fingerprint('sha256', der));
  assert.equal(d.FingerprintSha512, fingerprint('sha512', der));
  assert.equal(d.Type, 'Certificate');
  assert.equal(d.Owner, 'Tenant Administrator');
  assert.equal(d.LastModifiedBy, h.server.adminUser);
  assert.equal(d.CreatedBy, h.server.adminUser);
  assert.match(d.LastModifiedTime, /^\/Date\(\d{13}\+0000\)\/$/);
  assert.match(d.CreatedTime, /^\/Date\(\d{13}\+0000\)\/$/);
  assert.equal(d.Status, 'unchanged');
  for (const n of NAVIGATIONS) assert.deepEqual(d[n], { __deferred: { uri: `${uri}/${n}` } });
});

test('JSON for an EC certificate: curve and key size as Java names them', async () => {
  const r = await h.admin.get(`/KeystoreEntries('${hex('ec leaf')}')`, { accept: 'application/json' });
  assert.equal(r.status, 200, r.text);
  const d = r.json.d;
  assert.equal(d.Alias, 'ec leaf');
  assert.equal(d.KeyType, 'EC');
  assert.equal(d.KeySize, 256);
  assert.equal(d.EllipticCurve, 'secp256r1');
  assert.equal(d.SignatureAlgorithm, 'SHA384withRSA');
  assert.equal(d.SerialNumber, '0x11F11');
});

test('JSON collection: {"d":{"results":[…]}}, sorted by Alias', async () => {
  const r = await h.admin.get('/KeystoreEntries?$format=json');
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json.d), ['results']);
  assert.deepEqual(
    r.json.d.results.map((e: { Alias: string }) => e.Alias),
    ['ec leaf', 'smtp.mail.yahoo.com', 'test-root-ca'],
  );
});

function properties(entry: XmlElement): XmlElement[] {
  const [props] = findAll(entry, `${NS.m}properties`);
  assert.ok(props, 'entry without m:properties');
  return props.children;
}

test('Atom is the default: an entry with id, category, links and typed m:properties in EDMX order', async () => {
  const r = await h.admin.get(`/KeystoreEntries('${hex('ec leaf')}')`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/atom+xml;type=entry;charset=utf-8');
  const entry = await parseXml(r.text);
  assert.equal(entry.tag, `${NS.atom}entry`);
  const id = entry.children.find((c) => c.tag === `${NS.atom}id`);
  assert.equal(id?.text, `${base}/KeystoreEntries('${hex('ec leaf')}')`);
  const category = entry.children.find((c) => c.tag === `${NS.atom}category`);
  assert.equal(category?.attrib.term, 'com.sap.hci.api.KeystoreEntry');
  assert.equal(category?.attrib.scheme, 'http://schemas.microsoft.com/ado/2007/08/dataservices/scheme');
  const links = entry.children.filter((c) => c.tag === `${NS.atom}link`);
  assert.deepEqual(
    links.map((l) => l.attrib.title),
    ['KeystoreEntry', ...NAVIGATIONS],
  );
  assert.equal(
    links.find((l) => l.attrib.title === 'ChainCertificates')?.attrib.type,
    'application/atom+xml;type=feed',
  );
  const props = properties(entry);
  assert.deepEqual(
    props.map((p) => p.tag),
    PROPERTIES.map((p) => `${NS.d}${p}`),
  );
  const prop = (name: string) => props.find((p) => p.tag === `${NS.d}${name}`) as XmlElement;
  assert.equal(prop('KeySize').attrib[`${NS.m}type`], 'Edm.Int32');
  assert.equal(prop('KeySize').text, '256');
  assert.equal(prop('ValidNotBefore').attrib[`${NS.m}type`], 'Edm.DateTimeOffset');
  const x = new X509Certificate(fixture('ec-leaf.pem'));
  assert.equal(prop('ValidNotBefore').text, new Date(x.validFrom).toISOString().replace('.000Z', 'Z'));
  assert.match(prop('CreatedTime').text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
  assert.equal(prop('Validity').attrib[`${NS.m}null`], 'true');
  assert.equal(prop('EllipticCurve').text, 'secp256r1');
  assert.equal(prop('Alias').text, 'ec leaf');
});

test('Atom feed with $inlinecount: m:count and one entry per keystore entry', async () => {
  const r = await h.admin.get('/KeystoreEntries?$inlinecount=allpages');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/atom+xml;type=feed;charset=utf-8');
  const feed = await parseXml(r.text);
  assert.equal(feed.tag, `${NS.atom}feed`);
  assert.equal(findAll(feed, `${NS.m}count`)[0]?.text, '3');
  const entries = findAll(feed, `${NS.atom}entry`);
  assert.equal(entries.length, 3);
  assert.deepEqual(
    entries.map((e) => properties(e).find((p) => p.tag === `${NS.d}Alias`)?.text),
    ['ec leaf', 'smtp.mail.yahoo.com', 'test-root-ca'],
  );
});

test('$format wins over Accept; $format=atom and xml force XML; an unknown $format is a 400', async () => {
  const json = await h.admin.get('/KeystoreEntries?$format=json', { accept: 'application/atom+xml' });
  assert.equal(json.headers.get('content-type'), 'application/json;charset=utf-8');
  for (const f of ['atom', 'xml', 'ATOM']) {
    const r = await h.admin.get(`/KeystoreEntries?$format=${f}`, { accept: 'application/json' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/atom\+xml;type=feed/);
  }
  const bad = await h.admin.get('/KeystoreEntries?$format=yaml', { accept: 'application/json' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'Bad Request');
});

test('errors: JSON when JSON was negotiated, XML otherwise, code = reason phrase', async () => {
  const missing = hex('no such alias');
  const json = await h.admin.get(`/KeystoreEntries('${missing}')?$format=json`);
  assert.equal(json.status, 404);
  assert.equal(json.headers.get('content-type'), 'application/json;charset=utf-8');
  assert.deepEqual(json.json, {
    error: { code: 'Not Found', message: { lang: 'en', value: "Alias 'no such alias' not found in the keystore" } },
  });
  const xml = await h.admin.get(`/KeystoreEntries('${missing}')`);
  assert.equal(xml.status, 404);
  assert.match(xml.headers.get('content-type') ?? '', /^application\/xml/);
  const error = await parseXml(xml.text);
  assert.equal(error.tag, `${NS.m}error`);
  assert.equal(error.children[0]?.text, 'Not Found');
  assert.equal(error.children[1]?.text, "Alias 'no such alias' not found in the keystore");
  assert.equal(error.children[1]?.attrib['{http://www.w3.org/XML/1998/namespace}lang'], 'en');
  // A write that sends Accept: application/json gets JSON errors.
  const write = await h.admin.write('DELETE', `/KeystoreEntries('${missing}')`, undefined, {
    accept: 'application/json',
  });
  assert.equal(write.status, 404);
  assert.equal(write.json.error.message.value, "Alias 'no such alias' not found in the keystore");
});

/** An element tree without text whitespace, for comparing two EDMX documents element for element. */
function shape(e: XmlElement): unknown {
  return { tag: e.tag, attrib: e.attrib, children: e.children.map(shape) };
}

test('$metadata is EDMX 1.0 / OData 2.0 with the keystore types, associations and sets of the reference', async () => {
  const r = await h.admin.get('/$metadata?$format=json');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/xml;charset=utf-8');
  const edmx = await parseXml(r.text);
  assert.equal(edmx.tag, '{http://schemas.microsoft.com/ado/2007/06/edmx}Edmx');
  assert.equal(edmx.attrib.Version, '1.0');
  const ds = edmx.children[0] as XmlElement;
  assert.equal(ds.attrib[`${NS.m}DataServiceVersion`], '2.0');
  const sets = findAll(edmx, `${NS.edm}EntitySet`).map((s) => s.attrib.Name);
  for (const name of [
    'KeystoreEntries',
    'CertificateResources',
    'SSHKeyResources',
    'CertificateSigningRequests',
    'Keystores',
  ])
    assert.ok(sets.includes(name), `${name} missing from ${sets}`);
  const reference = await parseXml(
    readFileSync(join(repoRoot, '../shared/reference/sap-cpi-keystore-metadata.xml'), 'utf8'),
  );
  assert.deepEqual(shape(edmx), shape(reference));
});

test('the service document lists the entity sets, in Atom/XML and in JSON', async () => {
  const xml = await h.admin.get('/');
  assert.equal(xml.status, 200);
  assert.equal(xml.headers.get('content-type'), 'application/atomsvc+xml;charset=utf-8');
  const service = await parseXml(xml.text);
  assert.equal(service.tag, `${NS.app}service`);
  const hrefs = findAll(service, `${NS.app}collection`).map((c) => c.attrib.href);
  assert.ok(hrefs.includes('KeystoreEntries') && hrefs.includes('CertificateResources'), String(hrefs));
  const json = await h.admin.get('/?$format=json');
  assert.equal(json.status, 200);
  assert.deepEqual(json.json.d.EntitySets, hrefs);
});

test('$select narrows JSON and Atom to the named properties, in EDMX order; an unknown one is a 400', async () => {
  const r = await h.admin.get('/KeystoreEntries?$format=json&$select=Type,Alias,Hexalias');
  assert.equal(r.status, 200, r.text);
  for (const e of r.json.d.results) assert.deepEqual(Object.keys(e), ['__metadata', 'Hexalias', 'Alias', 'Type']);
  const one = await h.admin.get(`/KeystoreEntries('${hex('ec leaf')}')?$select=KeyType,ChainCertificates`);
  const entry = await parseXml(one.text);
  assert.deepEqual(
    properties(entry).map((p) => p.tag),
    [`${NS.d}KeyType`],
  );
  assert.deepEqual(
    entry.children.filter((c) => c.tag === `${NS.atom}link`).map((l) => l.attrib.title),
    ['KeystoreEntry', 'ChainCertificates'],
  );
  const all = await h.admin.get('/KeystoreEntries?$format=json&$select=*');
  assert.deepEqual(Object.keys(all.json.d.results[0]), ['__metadata', ...PROPERTIES, ...NAVIGATIONS]);
  const bad = await h.admin.get('/KeystoreEntries?$format=json&$select=Alias,Nope');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message.value, /Nope/);
});
